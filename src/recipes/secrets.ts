/**
 * @module recipes/secrets
 * Where a recipe holds secrets: the inbound verification of its trigger (query secret, basic
 * password, header token, HMAC secret, Standard Webhooks `whsec_` list, JWT HS secret) and the
 * 4me trigger's secret, basic password and policy secret. These fields are write-only: stored
 * sealed, answered as `{"set": true}`, and that marker sent back keeps the stored value.
 */
type Path = Array<string | number>;

/** What the API shows instead of a secret, and what a client sends back to keep it. */
export const SECRET_MARKER = Object.freeze({ set: true });

const VERIFY_FIELDS: Record<string, string[]> = {
  query_secret: ['secret'], basic: ['password'], header_token: ['token'], hmac: ['secret'], standard_webhooks: ['secrets'], jwt: ['secret'],
};

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Paths (from the recipe root) of every secret field present; an array field yields one path per item. */
export function secretPaths(recipe: unknown): Path[] {
  const trigger = isObj(recipe) ? recipe.trigger : undefined;
  if (!isObj(trigger)) return [];
  const out: Path[] = [];
  const add = (base: Path, holder: unknown, field: string) => {
    if (!isObj(holder) || holder[field] === undefined) return;
    const v = holder[field];
    if (Array.isArray(v)) v.forEach((_, i) => out.push([...base, field, i]));
    else out.push([...base, field]);
  };
  if (trigger.type === '4me.webhook') {
    add(['trigger'], trigger, 'secret');
    add(['trigger', 'basic'], trigger.basic, 'password');
    add(['trigger', 'policy'], trigger.policy, 'secret');
  } else if (isObj(trigger.verify)) {
    for (const f of VERIFY_FIELDS[String(trigger.verify.type)] ?? []) add(['trigger', 'verify'], trigger.verify, f);
  }
  return out;
}

function get(root: unknown, path: Path): unknown {
  let cur = root;
  for (const k of path) cur = (cur as Record<string | number, unknown> | undefined)?.[k];
  return cur;
}

/** A deep copy of `recipe` with each secret field's value replaced by `fn(value, path)`. */
export function mapSecrets<T>(recipe: T, fn: (value: unknown, path: Path) => unknown): T {
  const copy = structuredClone(recipe);
  for (const p of secretPaths(copy)) {
    const parent = get(copy, p.slice(0, -1)) as Record<string | number, unknown>;
    parent[p.at(-1)!] = fn(parent[p.at(-1)!], p);
  }
  return copy;
}

export const isMarker = (v: unknown): boolean => isObj(v) && v.set === true && Object.keys(v).length === 1;

/** Every marker in `incoming` filled from `stored` at the same path; a marker with nothing stored stays (validation refuses it). */
export function restoreMarkers<T>(incoming: T, stored: unknown): T {
  return mapSecrets(incoming, (v, p) => {
    if (!isMarker(v)) return v;
    const old = stored === undefined ? undefined : get(stored, p);
    return typeof old === 'string' ? old : v;
  });
}

export const hideSecrets = <T>(recipe: T): T => mapSecrets(recipe, () => ({ ...SECRET_MARKER }));

/** `a.b.0` for messages and sealing context. */
export const pathText = (p: Path): string => p.join('.');
