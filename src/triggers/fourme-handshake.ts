/**
 * @module triggers/fourme-handshake
 * 4me's `webhook.verify`: the webhook stays inactive until someone opens the callback URL in the
 * delivery. Hookflow does it by itself (GET, retried a few times, after answering 4me) and records
 * the outcome per webhook; `hookflow 4me verify` does it again by hand. Only callbacks on the
 * connection's own account (or sandbox) origin, path `/webhooks/<id>/verify`, are followed: a
 * forged delivery cannot make Hookflow fetch an arbitrary URL.
 */
import { HookflowError } from '../errors.js';
import { safeFetch, displayUrl } from '../security/index.js';
import type { Store } from '../store/types.js';
import type { FourmeEndpoints } from '../connectors/fourme/config.js';

export const VERIFY_DELAYS_MS = [0, 1000, 3000, 10_000];

export function checkCallback(callback: unknown, ep: FourmeEndpoints): URL {
  let url: URL;
  try { url = new URL(String(callback)); } catch { throw new HookflowError('HF_ERR_BODY_MALFORMED', { format: '4me webhook.verify', reason: 'payload.callback is not a URL' }); }
  if (!ep.callbackOrigins.includes(url.origin) || !/^\/webhooks\/\d+\/verify$/.test(url.pathname)) {
    throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: `webhook.verify callback ${displayUrl(url)} is not on the connection's account ${ep.accountOrigin}` });
  }
  return url;
}

async function record(store: Store, connection: string, webhookId: string, patch: { callback?: string; status: string; attempts: number; last_error: string | null; verified?: boolean }): Promise<void> {
  const now = Date.now();
  await store.tx(async (trx) => {
    const cur = await trx.selectFrom('fourme_verifications').select('webhook_id').where('connection', '=', connection).where('webhook_id', '=', webhookId).executeTakeFirst();
    const values = { status: patch.status, attempts: patch.attempts, last_error: patch.last_error, updated_at: now, ...(patch.verified ? { verified_at: now } : {}), ...(patch.callback ? { callback: patch.callback } : {}) };
    if (cur) await trx.updateTable('fourme_verifications').set(values).where('connection', '=', connection).where('webhook_id', '=', webhookId).execute();
    else await trx.insertInto('fourme_verifications').values({ connection, webhook_id: webhookId, callback: patch.callback ?? '', received_at: now, verified_at: null, ...values }).execute();
  });
}

/** One GET per delay until a 2xx; resolves with the final outcome (never throws). */
export async function runHandshake(store: Store, ep: FourmeEndpoints, connection: string, webhookId: string, callback: URL, delays = VERIFY_DELAYS_MS): Promise<{ ok: boolean; attempts: number; error: string | null }> {
  let error: string | null = null;
  let attempts = 0;
  for (const d of delays) {
    if (d) await new Promise((r) => setTimeout(r, d));
    attempts++;
    try {
      const res = await safeFetch(callback, { allowPrivate: ep.allowPrivate, timeoutMs: 10_000 });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        await record(store, connection, webhookId, { status: 'verified', attempts, last_error: null, verified: true });
        return { ok: true, attempts, error: null };
      }
      error = `HTTP ${res.statusCode} from ${displayUrl(callback)}`;
    } catch (e) {
      error = (e as Error).message;
    }
    await record(store, connection, webhookId, { status: 'pending', attempts, last_error: error }).catch(() => undefined);
  }
  await record(store, connection, webhookId, { status: 'failed', attempts, last_error: error }).catch(() => undefined);
  return { ok: false, attempts, error };
}

/** Records the delivery, then verifies in the background: 4me gets its answer at once. */
export async function startHandshake(store: Store, ep: FourmeEndpoints, connection: string, webhookId: string, callback: URL, onDone?: (r: { ok: boolean }) => void): Promise<void> {
  await record(store, connection, webhookId, { callback: callback.href, status: 'pending', attempts: 0, last_error: null });
  void runHandshake(store, ep, connection, webhookId, callback).then((r) => onDone?.(r), () => undefined);
}

/** `hookflow 4me verify`: the recorded callback again, by hand, waiting for the outcome. */
export async function redoHandshake(store: Store, ep: FourmeEndpoints, connection: string, webhookId?: string) {
  let q = store.db.selectFrom('fourme_verifications').selectAll().where('connection', '=', connection);
  if (webhookId) q = q.where('webhook_id', '=', webhookId);
  const rows = await q.orderBy('updated_at', 'desc').execute();
  if (!rows.length) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `A webhook.verify delivery for connection ${connection}${webhookId ? ` and webhook ${webhookId}` : ''}` });
  const out = [];
  for (const r of rows) {
    const res = await runHandshake(store, ep, connection, r.webhook_id, checkCallback(r.callback, ep), [0]);
    out.push({ webhook_id: r.webhook_id, ...res });
  }
  return out;
}

export async function verificationStatus(store: Store, connection: string) {
  const rows = await store.db.selectFrom('fourme_verifications').select(['webhook_id', 'status', 'attempts', 'last_error', 'received_at', 'verified_at']).where('connection', '=', connection).execute();
  const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());
  return rows.map((r) => ({ ...r, received_at: iso(r.received_at), verified_at: iso(r.verified_at) }));
}
