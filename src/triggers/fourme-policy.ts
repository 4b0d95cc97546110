/**
 * @module triggers/fourme-policy
 * A `4me.webhook` trigger's authenticity check. With a webhook policy: a JWT with exactly the
 * configured algorithm (HS with the policy's HMAC secret, RS and ES with its public key PEM, or OIDC
 * discovery: `<account>/webhook_policies/<name>` → JWKS by `kid`), issued by the connection's
 * account in its 4me or Xurrent form, for the configured audience, `nbf`/`iat` within the leeway
 * and `exp` only when present. Without a policy: the secret query parameter and/or basic auth in
 * the webhook URI (4me's own suggestions); the webhook id check is the routing itself.
 */
import { compileVerifier, type VerificationConfig, type Verifier } from '../verify/index.js';
import { HookflowError } from '../errors.js';
import { fetchJsonDocument } from '../security/fetch-json.js';
import type { FourmeEndpoints } from '../connectors/fourme/config.js';
import { accountOrigins } from './fourme-brand.js';

export interface FourmePolicy {
  jwt_alg: string;
  secret?: string;
  public_key?: string;
  /** 4me's `openid_connect_discovery`: keys from `<issuer>/.well-known/openid-configuration`. */
  oidc_discovery?: boolean;
  /** The policy's name (56 hex chars), part of the OIDC issuer. */
  policy_name?: string;
  audience?: string;
  leeway_seconds?: number;
  /** Real 4me tokens carry no `exp`: refuse one whose `iat` is older than this (replays past the dedup window). */
  max_age_seconds?: number;
}

export interface FourmeTriggerDef {
  type: '4me.webhook';
  connection: string;
  /** The 4me webhook's id or nodeID; without it the recipe hears every webhook on the connection. */
  webhook?: string | number;
  events?: string[];
  policy?: FourmePolicy;
  secret?: string;
  secret_param?: string;
  basic?: { username: string; password: string };
  payload_schema?: Record<string, unknown>;
  task_automation?: Record<string, unknown>;
  body_limit?: number;
}

const ALGS = ['none', 'hs256', 'hs384', 'hs512', 'rs256', 'rs384', 'rs512', 'es256', 'es384', 'es512'];
const DISCOVERY_TTL_MS = 3_600_000;
/** A failed discovery is remembered this long: forged deliveries must not become a fetch storm. */
const DISCOVERY_COOLDOWN_MS = 30_000;
const discovered = new Map<string, { jwks: Promise<string>; at: number; ttl: number }>();

function bad(reason: string): HookflowError {
  return new HookflowError('HF_ERR_RECIPE_INVALID', { reason: `trigger.policy: ${reason}` });
}

/** Both documents are public and cacheable for up to an hour (4me's own advice). */
async function jwksUrl(issuer: string, ep: FourmeEndpoints): Promise<string> {
  const key = JSON.stringify([issuer, ep.allowPrivate]);
  const hit = discovered.get(key);
  if (hit && Date.now() - hit.at < hit.ttl) return hit.jwks;
  const jwks = (async () => {
    const doc = (await fetchJsonDocument(`${issuer}/.well-known/openid-configuration`, { allowPrivate: ep.allowPrivate }).catch((e: Error) => {
      throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: `OIDC discovery at ${issuer} failed (${e.message})` });
    })) as { jwks_uri?: unknown } | null;
    if (typeof doc?.jwks_uri !== 'string') throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: `OIDC discovery at ${issuer} answered no jwks_uri` });
    return doc.jwks_uri;
  })();
  const entry = { jwks, at: Date.now(), ttl: DISCOVERY_TTL_MS };
  discovered.set(key, entry);
  jwks.catch(() => { entry.ttl = DISCOVERY_COOLDOWN_MS; });
  return jwks;
}

export function checkPolicy(p: FourmePolicy): void {
  const alg = String(p.jwt_alg ?? '').toLowerCase();
  if (!ALGS.includes(alg)) throw bad(`jwt_alg must be one of ${ALGS.join(', ')}`);
  if (alg.startsWith('hs') && !p.secret) throw bad(`${alg} needs the policy's HMAC secret`);
  if ((alg.startsWith('rs') || alg.startsWith('es')) && !p.public_key && !p.oidc_discovery) throw bad(`${alg} needs public_key (the policy's PEM) or oidc_discovery`);
  if (p.oidc_discovery && !p.policy_name) throw bad('oidc_discovery needs policy_name');
}

/** The jose-backed verifier for this trigger and connection; compiled configs are cached by verify/. */
const compiled = new Map<string, { cfg: VerificationConfig; verifier: Verifier }>();

export async function policyVerifier(def: FourmeTriggerDef, ep: FourmeEndpoints): Promise<Verifier> {
  const p = def.policy!;
  checkPolicy(p);
  const alg = p.jwt_alg.toLowerCase();
  const origins = accountOrigins(ep);
  const issuers = p.oidc_discovery ? origins.map((i) => `${i}/webhook_policies/${p.policy_name}`) : origins;
  const jwks = p.oidc_discovery ? await jwksUrl(`${ep.discoveryOrigin}/webhook_policies/${p.policy_name}`, ep) : undefined;
  const key = JSON.stringify([p, issuers, jwks]);
  let hit = compiled.get(key);
  if (!hit) {
    const cfg = {
      type: 'jwt', algorithms: [alg === 'none' ? 'none' : alg.toUpperCase()], allow_none: alg === 'none',
      ...(p.secret ? { secret: p.secret } : {}), ...(p.public_key && !p.oidc_discovery ? { public_key: p.public_key } : {}), ...(jwks ? { jwks_url: jwks, private_network: ep.allowPrivate } : {}),
      // jose accepts a list of issuers: the 4me and the Xurrent form of the same account.
      issuer: issuers as unknown as string,
      ...(p.audience ? { audience: p.audience } : {}),
      location: { body_field: 'jwt' }, clock_tolerance_seconds: p.leeway_seconds ?? 60,
      ...(p.max_age_seconds ? { max_age_seconds: p.max_age_seconds } : {}),
    } satisfies VerificationConfig;
    hit = { cfg, verifier: compileVerifier(cfg) };
    compiled.set(key, hit);
  }
  return hit.verifier;
}

/** Without a policy: the checks 4me's Webhooks API document suggests. */
export function plainVerifiers(def: FourmeTriggerDef): VerificationConfig[] {
  const out: VerificationConfig[] = [];
  if (def.secret) out.push({ type: 'query_secret', param: def.secret_param ?? 'secret', secret: def.secret });
  if (def.basic) out.push({ type: 'basic', username: def.basic.username, password: def.basic.password });
  return out;
}
