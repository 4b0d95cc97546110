// Datapills: the fields a step may use, with their type and (where a sample has one) their value.
// `pillsAt` reads the recipe definition at a step's YAML path and offers what is in scope there:
// the trigger (captured sample, else the catalog's output schema, a 4me trigger's payload_schema),
// steps that ran before it, the loop item/index inside a foreach body, and `error` inside on_error.
// Pure: no React, so the scoping rules are unit-tested (test/pills.test.ts).
export interface Pill { label: string; expr: string; group: string; type?: string; sample?: string }
export interface PillGroup { group: string; pills: Pill[] }
export type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; [k: string]: unknown };
export type Path = Array<string | number>;

export interface PillSources {
  /** GET /recipes/{name}/sample: the captured trigger (sample) and its schema. */
  sample?: { sample?: unknown; schema?: Schema | null } | null;
  /** GET /recipes/{name}/schemas, by step id: output schemas inferred from real responses. */
  schemas?: Record<string, Schema>;
  /** GET /catalog: output schemas of actions and triggers. */
  catalog?: { actions?: Array<{ name: string; output?: Schema }>; triggers?: Array<{ type: string; output?: Schema }> } | null;
}

/** A value and/or a schema describing it; `has` tells an undefined value from an absent one. */
interface Src { schema?: Schema; value?: unknown; has: boolean }
interface StepDef { id?: unknown; action?: unknown; with?: unknown; [k: string]: unknown }

const MAX_DEPTH = 5;
const MAX_PILLS = 300;
const SAMPLE_CHARS = 40;
// Before the catalog answers: what each trigger type always holds.
const TRIGGER_FIELDS: Record<string, string[]> = {
  webhook: ['body', 'headers', 'query', 'method', 'received_at'],
  '4me.webhook': ['event', 'object_id', 'object_nodeID', 'person_id', 'person_name', 'payload', 'account', 'webhook_id'],
  'http.poll': ['item', 'polled_at'],
  schedule: ['scheduled_at', 'fired_at'],
  operation: ['request', 'user', 'on_behalf_of'],
  callable: ['input', 'caller'],
};
const ERROR_FIELDS: Schema = { type: 'object', properties: { message: { type: 'string' }, code: { type: 'string' }, step: { type: 'string' } } };
const ITEMS_PATH = /^\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\.`[^`]+`|\[\d+\])*)\s*\}\}$/;

/** The value as a short text: strings as they are, the rest as JSON, cut at SAMPLE_CHARS. */
export function sampleText(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > SAMPLE_CHARS ? `${s.slice(0, SAMPLE_CHARS - 1)}…` : s;
}

function typeOf(src: Src): string | undefined {
  if (src.has) {
    const v = src.value;
    return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
  }
  const t = src.schema?.type;
  return Array.isArray(t) ? t.join(' | ') : t;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function child(src: Src, key: string | number): Src {
  if (typeof key === 'number') {
    const arr = Array.isArray(src.value) ? src.value : undefined;
    return { schema: src.schema?.items, value: arr?.[key], has: !!arr && key < arr.length };
  }
  const obj = isObj(src.value) ? src.value : undefined;
  return { schema: src.schema?.properties?.[key], value: obj?.[key], has: !!obj && key in obj };
}

function keysOf(src: Src): string[] {
  const keys = Object.keys(src.schema?.properties ?? {});
  if (isObj(src.value)) for (const k of Object.keys(src.value)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

const seg = (base: string, k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${base}.${k}` : `${base}.\`${k}\``);

function pill(expr: string, src: Src, group: string): Pill {
  const p: Pill = { label: expr, expr, group };
  const type = typeOf(src);
  if (type) p.type = type;
  if (src.has) p.sample = sampleText(src.value);
  return p;
}

/** `base` itself and every field under it, depth-first (a list's fields through its first item). */
function walk(base: string, src: Src, group: string, out: Pill[], depth = 0): Pill[] {
  if (out.length >= MAX_PILLS) return out;
  out.push(pill(base, src, group));
  if (depth >= MAX_DEPTH) return out;
  for (const k of keysOf(src)) walk(seg(base, k), child(src, k), group, out, depth + 1);
  const first = child(src, 0);
  if ((first.has && (isObj(first.value) || Array.isArray(first.value))) || (!first.has && first.schema && (first.schema.properties || first.schema.items))) {
    walk(`${base}[0]`, first, group, out, depth + 1);
  }
  return out;
}

/** Properties of both schemas, recursively (b wins on anything else). */
function merge(a: Schema | undefined, b: Schema | undefined): Schema | undefined {
  if (!a || !b) return a ?? b;
  const properties: Record<string, Schema> = { ...(a.properties ?? {}) };
  for (const [k, s] of Object.entries(b.properties ?? {})) properties[k] = merge(properties[k], s)!;
  return { ...a, ...b, properties, items: merge(a.items, b.items) };
}

/** What `trigger` holds for this recipe: catalog output, 4me payload_schema, then the sample. */
export function triggerSource(definition: unknown, sources: PillSources): Src {
  const trigger = (isObj(definition) && isObj(definition.trigger) ? definition.trigger : {}) as Record<string, unknown>;
  const type = typeof trigger.type === 'string' ? trigger.type : 'webhook';
  const fromCatalog = sources.catalog?.triggers?.find((t) => t.type === type)?.output;
  let schema: Schema = fromCatalog ?? { type: 'object', properties: Object.fromEntries((TRIGGER_FIELDS[type] ?? ['body']).map((f) => [f, {}])) };
  if (type === '4me.webhook' && isObj(trigger.payload_schema)) {
    schema = merge(schema, { properties: { payload: { type: 'object', ...(trigger.payload_schema as Schema) } } })!;
  }
  const s = sources.sample;
  schema = merge(schema, s?.schema ?? undefined)!;
  return s?.sample !== undefined && s?.sample !== null ? { schema, value: s.sample, has: true } : { schema, has: false };
}

function stepSource(st: StepDef, sources: PillSources): Src {
  const id = String(st.id);
  const inferred = sources.schemas?.[id];
  if (inferred) return { schema: inferred, has: false };
  if (st.action === 'transform' && isObj(st.with)) {
    // A transform's output is its `with`, evaluated: literal values are known, expressions are not.
    const properties = Object.fromEntries(Object.entries(st.with).map(([k, v]) => [k, literalSchema(v)]));
    return { schema: { type: 'object', properties }, has: false };
  }
  return { schema: sources.catalog?.actions?.find((a) => a.name === st.action)?.output, has: false };
}

function literalSchema(v: unknown): Schema {
  if (typeof v === 'string') return v.includes('{{') ? {} : { type: 'string' };
  if (v === null) return { type: 'null' };
  if (Array.isArray(v)) return { type: 'array' };
  if (isObj(v)) return { type: 'object', properties: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literalSchema(x)])) };
  return { type: typeof v };
}

/** Keys of a step that hold steps: if/switch branches, bodies, handlers. */
const NESTED = ['then', 'else', 'default', 'on_timeout', 'on_cancel', 'on_exception'];

/** Steps that may have run before `list[index]`: earlier siblings and the branches of earlier if/switch steps. */
function earlier(list: StepDef[], index: number): StepDef[] {
  const out: StepDef[] = [];
  const visit = (st: StepDef) => {
    if (!isObj(st)) return;
    if (typeof st.id === 'string') out.push(st);
    if (st.action === 'foreach') return; // its body's steps are per iteration; the loop's own output is the list
    for (const k of NESTED) if (Array.isArray(st[k])) (st[k] as StepDef[]).forEach(visit);
    if (isObj(st.cases)) for (const l of Object.values(st.cases)) if (Array.isArray(l)) (l as StepDef[]).forEach(visit);
  };
  list.slice(0, index).forEach(visit);
  return out;
}

interface Frame { owner: Record<string, unknown>; key: string; list: StepDef[]; index: number; root: boolean }

/** The lists the path passes through, outermost first: ['steps',1,'cases','a',0] is two frames. */
function framesOf(definition: unknown, path: Path): Frame[] {
  const frames: Frame[] = [];
  let node: unknown = definition;
  for (let i = 0; i < path.length && isObj(node);) {
    const key = String(path[i]);
    let list: unknown;
    if (key === 'cases') { list = isObj(node.cases) ? node.cases[String(path[i + 1])] : undefined; i += 2; } else { list = node[key]; i += 1; }
    const index = Number(path[i]);
    i += 1;
    if (!Array.isArray(list) || !Number.isInteger(index)) break;
    frames.push({ owner: node, key, list: list as StepDef[], index, root: node === definition });
    node = list[index];
  }
  return frames;
}

/** Where `{{ a.b[0].c }}` points, when it is a plain path over what is in scope (`root` looks up its start). */
function resolve(expr: unknown, root: (parts: string[]) => [Src | undefined, number]): Src | undefined {
  const m = typeof expr === 'string' ? ITEMS_PATH.exec(expr.trim()) : null;
  if (!m) return undefined;
  const parts = m[1]!.match(/[A-Za-z_]\w*|`[^`]+`|\[\d+\]/g)!.map((p) => p.replace(/`/g, ''));
  let [src, used] = root(parts);
  for (const p of parts.slice(used)) {
    if (!src) return undefined;
    src = p.startsWith('[') ? child(src, Number(p.slice(1, -1))) : child(src, p);
  }
  return src;
}

/** Pills available to the step at `stepPath` (e.g. ['steps',2] or ['steps',1,'steps',0]), grouped. */
export function pillsAt(definition: unknown, stepPath: Path, sources: PillSources = {}): PillGroup[] {
  const groups: PillGroup[] = [];
  const add = (group: string, pills: Pill[]) => { if (pills.length) groups.push({ group, pills }); };
  const trigger = triggerSource(definition, sources);
  add('Trigger', walk('trigger', trigger, 'Trigger', []));
  // What plain-path item expressions may start from: the trigger, steps seen so far, outer loops.
  const steps: Record<string, Src> = {};
  const loops: Array<{ id: string; item: Src }> = [];
  const root = (p: string[]): [Src | undefined, number] => {
    if (p[0] === 'trigger') return [trigger, 1];
    if (p[0] === 'steps') return [steps[p[1] ?? ''], 2];
    if (p[0] === 'item') return [loops[loops.length - 1]?.item, 1];
    if (p[0] === 'loops' && p[2] === 'item') return [loops.find((l) => l.id === p[1])?.item, 3];
    return [undefined, 0];
  };
  let inError = false;
  const frames = framesOf(definition, stepPath);
  frames.forEach((f, n) => {
    // A job-level on_error runs after the main steps, any of which may have run.
    const before = f.root && f.key === 'on_error' && isObj(definition) && Array.isArray(definition.steps)
      ? earlier(definition.steps as StepDef[], (definition.steps as unknown[]).length)
      : earlier(f.list, f.index);
    for (const st of before) {
      const src = stepSource(st, sources);
      steps[String(st.id)] = src;
      add(`Step ${st.id}`, walk(`steps.${st.id}`, src, `Step ${st.id}`, []));
    }
    if (f.key === 'on_error') inError = true;
    const last = n === frames.length - 1;
    if (!last && f.list[f.index]?.action === 'foreach' && frames[n + 1]!.key === 'steps') {
      const loop = f.list[f.index]!;
      const items = resolve(isObj(loop.with) ? loop.with.items : undefined, root);
      loops.push({ id: String(loop.id ?? `loop_${n}`), item: items ? child(items, 0) : { has: false } });
    }
  });
  const inner = loops[loops.length - 1];
  if (inner) {
    add(`Loop ${inner.id}`, [...walk('item', inner.item, `Loop ${inner.id}`, []), { label: 'index', expr: 'index', group: `Loop ${inner.id}`, type: 'integer' }]);
    for (const l of loops.slice(0, -1)) {
      const g = `Loop ${l.id} (outer)`;
      add(g, [...walk(`loops.${l.id}.item`, l.item, g, []), { label: `loops.${l.id}.index`, expr: `loops.${l.id}.index`, group: g, type: 'integer' }]);
    }
  }
  if (inError) add('Error', walk('error', { schema: ERROR_FIELDS, has: false }, 'Error', []).slice(1));
  return groups;
}

/** Groups filtered by a search text over label and expr (case-insensitive); empty groups dropped. */
export function filterPills(groups: PillGroup[], q: string): PillGroup[] {
  const t = q.trim().toLowerCase();
  if (!t) return groups;
  return groups.map((g) => ({ group: g.group, pills: g.pills.filter((p) => p.label.toLowerCase().includes(t) || p.expr.toLowerCase().includes(t)) })).filter((g) => g.pills.length);
}
