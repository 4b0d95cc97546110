/**
 * @module alerts/fourme-source
 * A `4me` alert source's `/hooks/{token}`: the delivery is read and verified with the 4me
 * trigger's own pieces (form/JSON/flat-key/JWT bodies, webhook policies, secret or basic auth,
 * the `webhook.verify` handshake), then mapped as ilert's 4me integration does: `*.create` opens,
 * an update with status `accepted` accepts, a problem `solved` or a request `completed` resolves.
 * A record `declined` (or `rejected`) resolves the alert with a note; a record back in an open
 * status after it was solved or completed (assigned, in progress, waiting…, not `accepted`) reopens
 * the alert 4me resolved; with a connection, only when the record read back is open too.
 * The alert key is account/type/id. A repeated delivery (`X-4me-Delivery`, JWT `jti`) changes
 * nothing and answers as the first did; any event is answered 200, since 4me counts refusals
 * towards disabling the webhook.
 */
import { decodeJwt } from 'jose';
import { HookflowError } from '../errors.js';
import { verifyRequest, type InboundRequest } from '../verify/index.js';
import { fourmeEndpoints, type FourmeEndpoints } from '../connectors/fourme/index.js';
import { nestFlatKeys, parseDelivery, parseLinks } from '../triggers/fourme-body.js';
import { plainVerifiers, policyVerifier, type FourmePolicy, type FourmeTriggerDef } from '../triggers/fourme-policy.js';
import { checkCallback, startHandshake } from '../triggers/fourme-handshake.js';
import type { AlertDeps } from './deps.js';
import type { Source } from './sources.js';
import type { AlertEvent, EventType } from './types.js';

export const FOURME_EVENTS = ['problem.create', 'problem.update', 'request.create', 'request.update'];
const RESOLVED: Record<string, string> = { Problem: 'solved', Request: 'completed' };
/** 4me statuses that end a record without solving it: the alert resolves, with a note saying why. */
const DECLINED = ['declined', 'rejected'];
/** Statuses of a closed record. */
export const CLOSED = [...Object.values(RESOLVED), ...DECLINED];

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export async function sourceEndpoints(deps: AlertDeps, src: Source): Promise<FourmeEndpoints> {
  if (typeof src.config.connection === 'string') {
    const conn = await deps.connections.resolve(src.config.connection);
    return fourmeEndpoints(conn.name, conn.config);
  }
  return fourmeEndpoints(src.name, src.config);
}

/** The trigger's checks, with the source's sealed settings; answers the JWT id for dedup. */
async function authenticate(src: Source, ep: FourmeEndpoints, req: InboundRequest, jwt: string | null): Promise<string | null> {
  const def = { type: '4me.webhook', connection: src.name, ...src.secrets, secret_param: src.config.secret_param } as FourmeTriggerDef;
  if (def.policy) {
    if (!jwt) throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'the source has a webhook policy, but the delivery is not a JWT' });
    const claims = (await (await policyVerifier(def, ep))(req)).claims ?? {};
    return typeof claims.jti === 'string' ? claims.jti : null;
  }
  if (jwt) throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'a JWT arrived but the source has no webhook policy to check it with' });
  for (const cfg of plainVerifiers(def)) await verifyRequest(cfg, req);
  return null;
}

export type FourmeParsed =
  | { kind: 'verify'; webhookId: string; callback: URL; ep: FourmeEndpoints }
  | { kind: 'ignored'; event: string }
  | { kind: 'event'; event: AlertEvent; recordType: string; ep: FourmeEndpoints; delivery: Record<string, unknown> };

export async function parseFourme(deps: AlertDeps, src: Source, req: InboundRequest & { contentType?: string }): Promise<FourmeParsed> {
  const ep = await sourceEndpoints(deps, src);
  const { data: raw, jwt } = parseDelivery(req.rawBody, req.contentType);
  const jti = await authenticate(src, ep, req, jwt);
  const data = jwt ? nestFlatKeys(decodeJwt(jwt).data as Record<string, unknown>) : raw;
  const event = String(data.event ?? '');
  const payload = (data.payload ?? {}) as Record<string, unknown>;
  if (event === 'webhook.verify') return { kind: 'verify', webhookId: String(data.webhook_id ?? data.webhook_nodeID ?? '?'), callback: checkCallback(payload.callback, ep), ep };
  const allowed = Array.isArray(src.config.events) ? (src.config.events as string[]) : FOURME_EVENTS;
  if (!FOURME_EVENTS.includes(event) || !allowed.includes(event)) return { kind: 'ignored', event };
  const [noun, verb] = event.split('.') as [string, string];
  const type = noun === 'problem' ? 'Problem' : 'Request';
  const id = String(data.object_id ?? '');
  if (!id) throw new HookflowError('HF_ERR_BODY_MALFORMED', { format: '4me webhook', reason: 'object_id is missing' });
  const account = String(data.account_id ?? (/^https?:\/\/([^.]+)\./.exec(String(data.account ?? ''))?.[1] ?? ep.account));
  const status = typeof payload.status === 'string' ? payload.status : null;
  const declined = verb !== 'create' && !!status && DECLINED.includes(status);
  const evType: EventType = verb === 'create' ? 'ALERT' : status === 'accepted' ? 'ACCEPT' : status === RESOLVED[type] || declined ? 'RESOLVE' : 'ALERT';
  // `accepted` never reopens: after a solve it is most often 4me retrying an earlier delivery.
  const reopen = verb !== 'create' && !!status && status !== RESOLVED[type] && !declined && status !== 'accepted';
  const links = parseLinks(req.headers.link);
  const url = links.canonical ?? `${ep.accountOrigin}/${noun}s/${id}`;
  const deliveryId = first(req.headers['x-4me-delivery']) ?? first(req.headers['x-xurrent-delivery']) ?? null;
  const who = typeof data.person_name === 'string' && data.person_name ? `4me: ${data.person_name}` : '4me';
  return {
    kind: 'event', recordType: type, ep, delivery: data,
    event: {
      type: evType, alertKey: `${account}/${type}/${id}`, summary: `4me ${noun} ${id}${status ? ` (${status})` : ''}`, details: null, priority: null,
      images: [], links: [{ href: url, text: `4me ${noun} ${id}` }], customDetails: { account, record_type: type, record_id: id, status, event },
      record: { account, type, id, nodeID: typeof data.object_nodeID === 'string' ? data.object_nodeID : null, url },
      create: verb === 'create', reopen, ...(declined ? { note: `the 4me ${noun} was ${status}` } : {}), dedupKey: deliveryId ? `4me-delivery:${deliveryId}` : jti ? `4me-jti:${jti}` : null, actor: who,
      data: { event, status, delivery_id: deliveryId, person: data.person_name ?? null },
    },
  };
}

export async function handshake(deps: AlertDeps, src: Source, p: Extract<FourmeParsed, { kind: 'verify' }>): Promise<void> {
  await startHandshake(deps.store, p.ep, `alert-source:${src.name}`, p.webhookId, p.callback);
}
