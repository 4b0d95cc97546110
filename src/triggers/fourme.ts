/**
 * @module triggers/fourme
 * The `4me.webhook` trigger behind a 4me connection's URL: parse the delivery in whichever form it
 * came, route it by webhook id/nodeID to the recipes listening, check it against each recipe's
 * policy, and enqueue one job per recipe (answered once they committed). A delivery seen before
 * (`X-4me-Delivery`, `x-xurrent-delivery` or JWT `jti`) answers 200 with the first job: 4me counts
 * refusals towards disabling the webhook, so a retry is never refused. Nothing here waits for a
 * job to run, so 4me's 10 s timeout is never at risk.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { HookflowError } from '../errors.js';
import { RawJson, type JobQueue } from '../queue/index.js';
import { verifyRequest, type InboundRequest } from '../verify/index.js';
import type { Store } from '../store/types.js';
import type { RecipeService } from '../services/recipes.js';
import type { ConnectionService } from '../services/connections.js';
import { fourmeEndpoints } from '../connectors/fourme/config.js';
import { decodeJwt } from 'jose';
import { nestFlatKeys, parseDelivery, parseLinks } from './fourme-body.js';
import { policyVerifier, plainVerifiers } from './fourme-policy.js';
import { matches, routesFor, type Route } from './fourme-routes.js';
import { checkCallback, startHandshake } from './fourme-handshake.js';

export interface FourmeDeps {
  store: Store;
  recipes: RecipeService;
  connections: ConnectionService;
  queue: JobQueue;
  bodyLimit: number;
  onEnqueue?: () => void;
}

export type FourmeAnswer =
  | { status: 'verified'; webhook_id: string }
  | { status: 'accepted'; job_id: string; job_ids: string[]; duplicate?: true };

const SENSITIVE = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
const ajv = new Ajv({ coerceTypes: true, useDefaults: true, strict: false, allErrors: true });
const payloadChecks = new WeakMap<object, ValidateFunction>();

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Form bodies carry every value as text: the recipe's payload schema types (and documents) them. */
function applyPayloadSchema(route: Route, payload: unknown): void {
  const schema = route.def.payload_schema;
  if (!schema || !payload || typeof payload !== 'object') return;
  let check = payloadChecks.get(schema);
  if (!check) { check = ajv.compile({ type: 'object', ...schema }); payloadChecks.set(schema, check); }
  if (!check(payload)) {
    throw new HookflowError('HF_ERR_BODY_MALFORMED', { format: `payload for recipe ${route.recipe}`, reason: ajv.errorsText(check.errors, { dataVar: 'payload' }) }, { details: { errors: check.errors } });
  }
}

/** Verifies for one recipe; answers the delivery as verified (a JWT's `data` claim, checked). */
async function authenticate(route: Route, req: InboundRequest, jwt: string | null, ep: ReturnType<typeof fourmeEndpoints>) {
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
    return { jti: typeof claims.jti === 'string' ? claims.jti : null, method: 'jwt' };
  }
  if (jwt) throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'a JWT arrived but the recipe has no webhook policy to check it with' });
  for (const cfg of plainVerifiers(route.def)) await verifyRequest(cfg, req);
  return { jti: null, method: route.def.secret || route.def.basic ? 'secret' : 'webhook_id' };
}

function storedHeaders(h: InboundRequest['headers']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, SENSITIVE.has(k) ? '[redacted]' : v]));
}

function storedQuery(q: InboundRequest['query'], routes: Route[]): Record<string, unknown> {
  const drop = new Set(routes.filter((r) => r.def.secret).map((r) => r.def.secret_param ?? 'secret'));
  return Object.fromEntries(Object.entries(q).filter(([k]) => !drop.has(k)));
}

/** Returns null when `token` is not a 4me connection's endpoint. */
export async function acceptFourme(deps: FourmeDeps, token: string, req: InboundRequest & { contentType?: string }): Promise<FourmeAnswer | null> {
  const found = await routesFor(deps.store, deps.recipes, token);
  if (!found) return null;
  const limit = Math.min(deps.bodyLimit, ...found.routes.map((r) => r.def.body_limit ?? Infinity));
  if (req.rawBody.length > limit) throw new HookflowError('HF_ERR_BODY_TOO_LARGE', { limit });
  const conn = await deps.connections.resolve(found.connection);
  const ep = fourmeEndpoints(conn.name, conn.config);
  const { data, jwt } = parseDelivery(req.rawBody, req.contentType);
  const event = String(data.event ?? '');
  const routes = found.routes.filter((r) => matches(r, data));
  const webhook = String(data.webhook_id ?? data.webhook_nodeID ?? '?');

  if (event === 'webhook.verify') {
    // Authentic only if it passes a listening recipe's checks; with none yet, the callback's origin check still holds.
    for (const r of routes) await authenticate(r, req, jwt, ep);
    const callback = checkCallback((data.payload as Record<string, unknown> | undefined)?.callback, ep);
    await startHandshake(deps.store, ep, conn.name, webhook, callback);
    return { status: 'verified', webhook_id: webhook };
  }

  const listening = routes.filter((r) => r.enabled && (!r.def.events?.length || r.def.events.includes(event)));
  if (!listening.length) throw new HookflowError(routes.length ? 'HF_ERR_HOOK_DISABLED' : 'HF_ERR_FOURME_UNROUTED', { webhook });
  const auth = [];
  for (const r of listening) auth.push(await authenticate(r, req, jwt, ep));
  // With a policy, the trigger holds the verified claim, not what the body said before the check.
  const normalised = jwt ? nestFlatKeys(decodeJwt(jwt).data as Record<string, unknown>) : data;
  const deliveryId = first(req.headers['x-4me-delivery']) ?? first(req.headers['x-xurrent-delivery']) ?? null;
  const links = parseLinks(req.headers.link);
  const ids: string[] = [];
  let duplicate = true;
  for (const [i, r] of listening.entries()) {
    const trigger = { ...normalised, payload: normalised.payload === undefined ? {} : structuredClone(normalised.payload), headers: storedHeaders(req.headers), query: storedQuery(req.query, listening), links, delivery_id: deliveryId, verified_by: auth[i]!.method, received_at: new Date().toISOString() };
    applyPayloadSchema(r, trigger.payload);
    const dedup = deliveryId ? `4me-delivery:${deliveryId}` : auth[i]!.jti ? `4me-jti:${auth[i]!.jti}` : null;
    const res = await deps.queue.enqueue({ recipe: r.recipe, recipe_version: r.version, trigger: new RawJson(JSON.stringify(trigger)), dedup_key: dedup, concurrency_key: r.compiled.recipe.concurrency ? r.recipe : null });
    ids.push(res.id);
    if (!res.duplicate) duplicate = false;
  }
  if (!duplicate) deps.onEnqueue?.();
  return { status: 'accepted', job_id: ids[0]!, job_ids: ids, ...(duplicate ? { duplicate: true as const } : {}) };
}
