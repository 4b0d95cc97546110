/**
 * @module triggers/fourme-deliver
 * One 4me delivery for one recipe: stopped or not listening → ignored; authenticate with the
 * recipe's checks; type the payload with `payload_schema` (it coerces form text, and a payload that
 * does not fit is ignored, never refused); de-duplicate by verified `jti` and `X-4me-Delivery`;
 * enqueue. Returns the delivery-log row; throws only for a failed check (and a broken config).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { decodeJwt } from 'jose';
import { HookflowError, isHookflowError } from '../errors.js';
import { RawJson } from '../queue/index.js';
import { jobTitle } from '../recipes/title.js';
import { verifyRequest, type InboundRequest } from '../verify/index.js';
import type { FourmeEndpoints } from '../connectors/fourme/config.js';
import { nestFlatKeys, parseLinks, type ParsedDelivery } from './fourme-body.js';
import { policyVerifier, plainVerifiers } from './fourme-policy.js';
import type { Route } from './fourme-routes.js';
import { dedupKeys } from './inbound-dedup.js';
import { storedHeaders } from './webhook.js';
import type { DeliveryMeta, DeliveryRow } from './fourme-log.js';
import type { FourmeDeps } from './fourme.js';

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, strict: false, allErrors: true });
const payloadChecks = new WeakMap<object, ValidateFunction>();

export function isSignatureError(e: unknown): boolean {
  return isHookflowError(e) && (e.code === 'HF_ERR_SIGNATURE_INVALID' || e.code === 'HF_ERR_SIGNATURE_STALE');
}

/** Verifies for one recipe: with a policy, the JWT (its `data` claim is then the delivery). */
export async function authenticate(route: Route, req: InboundRequest, parsed: ParsedDelivery, ep: FourmeEndpoints): Promise<{ jti: string | null; method: string }> {
  const { jwt } = parsed;
  if (route.def.policy) {
    if (!jwt) throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'the recipe has a webhook policy, but the delivery is not a JWT' });
    const res = await (await policyVerifier(route.def, ep))(req);
    const claims = res.claims ?? {};
    const verified = claims.data as Record<string, unknown>;
    if (!verified || typeof verified !== 'object') throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'the JWT has no data claim' });
    // `sub` is the webhook id: a token minted for another webhook of the account is not this one's.
    if (claims.sub !== undefined && verified.webhook_id !== undefined && String(claims.sub) !== String(verified.webhook_id)) {
      throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'JWT sub does not name the webhook in its data' });
    }
    return { jti: typeof claims.jti === 'string' && claims.jti ? claims.jti : null, method: 'jwt' };
  }
  if (jwt) throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'a JWT arrived but the recipe has no webhook policy to check it with' });
  for (const cfg of plainVerifiers(route.def)) await verifyRequest(cfg, req);
  return { jti: null, method: route.def.secret || route.def.basic ? 'secret' : 'webhook_id' };
}

/** Types the payload in place (form bodies carry every value as text); the problem, if it does not fit. */
function payloadProblem(route: Route, payload: unknown): string | null {
  const schema = route.def.payload_schema;
  if (!schema || !payload || typeof payload !== 'object') return null;
  let check = payloadChecks.get(schema);
  if (!check) { check = ajv.compile({ type: 'object', ...schema }); payloadChecks.set(schema, check); }
  return check(payload) ? null : `payload does not fit payload_schema: ${ajv.errorsText(check.errors, { dataVar: 'payload' })}`;
}

function storedQuery(q: InboundRequest['query'], routes: Route[]): Record<string, unknown> {
  const drop = new Set(routes.filter((r) => r.def.secret).map((r) => r.def.secret_param ?? 'secret'));
  return Object.fromEntries(Object.entries(q).filter(([k]) => !drop.has(k)));
}

export async function deliverTo(deps: FourmeDeps, r: Route, req: InboundRequest, parsed: ParsedDelivery, ep: FourmeEndpoints, meta: DeliveryMeta, all: Route[]): Promise<DeliveryRow> {
  const row = (outcome: DeliveryRow['outcome'], reason: string | null, job_id: string | null = null): DeliveryRow => ({ recipe: r.recipe, outcome, reason, job_id });
  const event = meta.event ?? '';
  if (!r.enabled) return row('ignored', new HookflowError('HF_ERR_HOOK_DISABLED').message);
  if (r.def.events?.length && !r.def.events.includes(event)) return row('ignored', `the recipe listens to ${r.def.events.join(', ')}, not ${event || 'this event'}`);
  const auth = await authenticate(r, req, parsed, ep);
  if (auth.jti) meta.jti = auth.jti;
  // With a policy, the trigger holds the verified claim, not what the body said before the check.
  const data = parsed.jwt ? nestFlatKeys(decodeJwt(parsed.jwt).data as Record<string, unknown>) : parsed.data;
  const payload = data.payload === undefined ? {} : structuredClone(data.payload);
  const problem = payloadProblem(r, payload);
  if (problem) return row('ignored', problem);
  const keys = dedupKeys(auth.jti, meta.delivery_id);
  const trigger = { ...data, payload, headers: storedHeaders(req.headers), query: storedQuery(req.query, all), links: parseLinks(req.headers.link), delivery_id: meta.delivery_id, verified_by: auth.method, received_at: new Date().toISOString() };
  const res = await deps.queue.enqueue({
    recipe: r.recipe, recipe_version: r.version, trigger: new RawJson(JSON.stringify(trigger)), dedup_keys: keys,
    concurrency_key: r.compiled.recipe.concurrency ? r.recipe : null, title: r.compiled.title ? await jobTitle(r.compiled, trigger) : null,
  });
  return row(res.duplicate ? 'duplicate' : 'accepted', null, res.id);
}
