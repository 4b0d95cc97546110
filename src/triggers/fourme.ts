/**
 * @module triggers/fourme
 * The `4me.webhook` trigger behind a 4me connection's URL: parse the delivery in whichever form it
 * came, route it by webhook id/nodeID to the recipes listening, check it against each recipe's
 * policy, and enqueue one job per recipe (answered once they committed).
 *
 * 4me retries a non-2xx delivery up to 10 times, mails the account's administrators, and disables
 * the webhook after 20 consecutive failures — and one 4me webhook often serves many recipes. So
 * only a delivery that no recipe could authenticate is refused (401). Everything else is 200: a
 * stopped recipe, an unrouted webhook, a payload that does not fit `payload_schema`, a recipe
 * whose stored config is broken are `{"status":"ignored","reason"}` (or listed under `ignored`
 * beside the jobs of the other recipes) and written to the connection's delivery log. A delivery
 * seen before — by its verified JWT `jti` or its `X-4me-Delivery` header — answers the first job.
 */
import { HookflowError, isHookflowError } from '../errors.js';
import type { JobQueue } from '../queue/index.js';
import type { InboundRequest } from '../verify/index.js';
import type { Store } from '../store/types.js';
import type { RecipeService } from '../services/recipes.js';
import type { ConnectionService } from '../services/connections.js';
import type { Metrics } from '../server/metrics.js';
import { fourmeEndpoints, type FourmeEndpoints } from '../connectors/fourme/config.js';
import { parseDelivery, type ParsedDelivery } from './fourme-body.js';
import { forgetRoutes, fourmeTokensByRecipe, matches, routesFor, type Route } from './fourme-routes.js';
import { checkCallback, startHandshake } from './fourme-handshake.js';
import { logDelivery, type DeliveryMeta, type DeliveryRow } from './fourme-log.js';
import { authenticate, deliverTo, isSignatureError } from './fourme-deliver.js';
import type { TriggerInbound } from './inbound.js';

export interface FourmeDeps {
  store: Store;
  recipes: RecipeService;
  connections: ConnectionService;
  queue: JobQueue;
  bodyLimit: number;
  metrics?: Metrics;
  onEnqueue?: () => void;
}

export type FourmeAnswer =
  | { status: 'verified'; webhook_id: string; verification: 'pending' }
  | { status: 'accepted'; job_id: string; job_ids: string[]; duplicate?: true; ignored?: Array<{ recipe: string; reason: string }> }
  | { status: 'ignored'; reason: string };

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Returns null when `token` is not a 4me connection's endpoint. */
/** `connection`: the 4me connection the delivery's token was resolved to. */
export async function acceptFourme(deps: FourmeDeps, connection: string, req: InboundRequest & { contentType?: string }): Promise<FourmeAnswer | null> {
  const found = await routesFor(deps.store, deps.recipes, connection);
  if (!found) return null;
  const meta: DeliveryMeta = { connection: found.connection, delivery_id: first(req.headers['x-4me-delivery']) ?? first(req.headers['x-xurrent-delivery']) ?? null, jti: null, webhook_id: null, event: null };
  const ignore = async (reason: string, outcome: 'ignored' | 'error' = 'ignored'): Promise<FourmeAnswer> => {
    await logDelivery(deps.store, deps.metrics, meta, [{ recipe: null, outcome, reason, job_id: null }]);
    return { status: 'ignored', reason };
  };

  let ep: FourmeEndpoints;
  try {
    const conn = await deps.connections.resolve(found.connection);
    ep = fourmeEndpoints(conn.name, conn.config);
  } catch (e) {
    return ignore(`connection ${found.connection}: ${reasonOf(e)}`, 'error');
  }
  const limit = Math.min(deps.bodyLimit, ...found.routes.map((r) => r.def.body_limit ?? Infinity));
  if (req.rawBody.length > limit) return ignore(new HookflowError('HF_ERR_BODY_TOO_LARGE', { limit }).message);
  let parsed: ParsedDelivery;
  try {
    parsed = parseDelivery(req.rawBody, req.contentType);
  } catch (e) {
    // A `jwt` field that is no JWT is a signature failure; any other unreadable body is logged, not refused.
    if (isSignatureError(e)) { await logDelivery(deps.store, deps.metrics, meta, [{ recipe: null, outcome: 'refused', reason: reasonOf(e), job_id: null }]); throw e; }
    return ignore(reasonOf(e));
  }
  const { data } = parsed;
  meta.event = String(data.event ?? '') || null;
  meta.webhook_id = data.webhook_id !== undefined ? String(data.webhook_id) : typeof data.webhook_nodeID === 'string' ? data.webhook_nodeID : null;
  const routes = found.routes.filter((r) => matches(r, data));
  if (meta.event === 'webhook.verify') return verify(deps, meta, routes, req, parsed, ep);
  if (!routes.length) return ignore(new HookflowError('HF_ERR_FOURME_UNROUTED', { webhook: meta.webhook_id ?? '?' }).message);

  const rows: DeliveryRow[] = [];
  const refusals: HookflowError[] = [];
  const ids: string[] = [];
  let fresh = false;
  for (const r of routes) {
    const row = await deliverTo(deps, r, req, parsed, ep, meta, routes).catch((e: unknown): DeliveryRow => {
      if (isSignatureError(e)) { refusals.push(e as HookflowError); return { recipe: r.recipe, outcome: 'refused', reason: reasonOf(e), job_id: null }; }
      // A broken stored config or an unexpected failure costs this recipe its job, never the others theirs.
      return { recipe: r.recipe, outcome: 'error', reason: isHookflowError(e) ? reasonOf(e) : `internal error: ${reasonOf(e)}`, job_id: null };
    });
    rows.push(row);
    if (row.job_id) { ids.push(row.job_id); if (row.outcome === 'accepted') fresh = true; }
  }
  await logDelivery(deps.store, deps.metrics, meta, rows);
  if (fresh) deps.onEnqueue?.();
  const ignored = rows.filter((r) => !r.job_id).map((r) => ({ recipe: r.recipe!, reason: r.reason ?? r.outcome }));
  if (ids.length) {
    return { status: 'accepted', job_id: ids[0]!, job_ids: ids, ...(fresh ? {} : { duplicate: true as const }), ...(ignored.length ? { ignored } : {}) };
  }
  // No recipe took it and one could not authenticate it: the one case 4me gets a 4xx.
  if (refusals.length) throw refusals[0];
  return { status: 'ignored', reason: ignored.map((i) => `${i.recipe}: ${i.reason}`).join('; ') };
}

/**
 * `webhook.verify` is authentic if a recipe listening on the webhook accepts its signature (or
 * none listens yet: then the callback's origin check is what holds). Answered at once; the
 * callback is opened in the background and the webhook's status says `pending` until it worked.
 */
async function verify(deps: FourmeDeps, meta: DeliveryMeta, routes: Route[], req: InboundRequest, parsed: ParsedDelivery, ep: FourmeEndpoints): Promise<FourmeAnswer> {
  const refused: HookflowError[] = [];
  let ok = routes.length === 0;
  for (const r of routes) {
    try { await authenticate(r, req, parsed, ep); ok = true; break; } catch (e) { if (isSignatureError(e)) refused.push(e as HookflowError); }
  }
  const log = (outcome: DeliveryRow['outcome'], reason: string | null) => logDelivery(deps.store, deps.metrics, meta, [{ recipe: null, outcome, reason, job_id: null }]);
  if (!ok && refused.length) { await log('refused', refused[0]!.message); throw refused[0]; }
  if (!ok) { await log('error', 'no recipe on this webhook has a usable configuration to check the webhook.verify with'); return { status: 'ignored', reason: 'no recipe on this webhook could check the webhook.verify' }; }
  let callback: URL;
  try {
    callback = checkCallback((parsed.data.payload as Record<string, unknown> | undefined)?.callback, ep);
  } catch (e) {
    await log(isSignatureError(e) ? 'refused' : 'ignored', reasonOf(e));
    if (isSignatureError(e)) throw e;
    return { status: 'ignored', reason: reasonOf(e) };
  }
  const webhook = meta.webhook_id ?? '?';
  await startHandshake(deps.store, ep, meta.connection, webhook, callback);
  await log('verify', `callback ${callback.origin}${callback.pathname} is opened in the background`);
  return { status: 'verified', webhook_id: webhook, verification: 'pending' };
}

/** The `4me.webhook` trigger's inbound part: endpoint kind `fourme`, owner = the 4me connection. */
export const fourmeInbound: TriggerInbound = {
  endpoint: 'fourme',
  async accept(connection, req, deps) {
    const fm = await acceptFourme({ ...deps, onEnqueue: deps.notify }, connection, req);
    if (!fm) return null;
    // Ignored 4me deliveries are counted per connection in hookflow_4me_deliveries_total.
    if (fm.status !== 'ignored') deps.metrics.inc('hookflow_events_accepted_total', { recipe: '4me', duplicate: String(fm.status === 'accepted' && !!fm.duplicate) });
    return { code: 200, body: fm };
  },
  tokens: fourmeTokensByRecipe,
  forget: forgetRoutes,
};
