/**
 * @module triggers/fourme-handshake
 * 4me's `webhook.verify`: the webhook stays inactive until someone opens the callback URL in the
 * delivery. Hookflow answers the delivery 200 at once and opens the callback afterwards, through
 * the SSRF guard, retrying with backoff until the callback's `expires_at` (4me: one day); until
 * it succeeded the webhook's status is `pending`. `hookflow 4me verify` ("Verify again") opens the
 * recorded callback once more; a webhook already verified stays verified whatever that answers
 * (4me's code is single-use, so a second GET is normally refused). Only callbacks on the
 * connection's own account (in its 4me or Xurrent form, or the sandbox origin), path
 * `/webhooks/<id>/verify`, are followed: a forged delivery cannot make Hookflow fetch any URL.
 */
import { HookflowError } from '../errors.js';
import { safeFetch, displayUrl } from '../security/index.js';
import type { Store } from '../store/types.js';
import type { FourmeEndpoints } from '../connectors/fourme/config.js';
import { callbackOrigins } from './fourme-brand.js';

/** Backoff between callback attempts; the last delay repeats until the callback expires. Tests shorten it. */
export const handshakeTiming = { delaysMs: [0, 1000, 3000, 10_000, 30_000, 60_000, 300_000, 600_000], defaultLifetimeMs: 86_400_000 };

export function checkCallback(callback: unknown, ep: FourmeEndpoints): URL {
  let url: URL;
  try { url = new URL(String(callback)); } catch { throw new HookflowError('HF_ERR_BODY_MALFORMED', { format: '4me webhook.verify', reason: 'payload.callback is not a URL' }); }
  if (!callbackOrigins(ep).includes(url.origin) || !/^\/webhooks\/\d+\/verify$/.test(url.pathname)) {
    throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: `webhook.verify callback ${displayUrl(url)} is not on the connection's account ${ep.accountOrigin}` });
  }
  return url;
}

/** The callback's own `expires_at` (epoch seconds), else a day from now. */
export function callbackExpiry(url: URL, now = Date.now()): number {
  const s = Number(url.searchParams.get('expires_at'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : now + handshakeTiming.defaultLifetimeMs;
}

interface Patch { callback?: string; status: string; attempts: number; last_error: string | null; verified?: boolean }

/** Writes the outcome; with `onlyFor`, only while that callback is still the recorded one (a newer verify supersedes). */
async function record(store: Store, connection: string, webhookId: string, patch: Patch, onlyFor?: string): Promise<void> {
  const now = Date.now();
  await store.tx(async (trx) => {
    const cur = await trx.selectFrom('fourme_verifications').select(['callback', 'status']).where('connection', '=', connection).where('webhook_id', '=', webhookId).executeTakeFirst();
    if (onlyFor && cur && cur.callback !== onlyFor) return;
    // Once this callback worked, a late failed attempt (another process, a second GET) changes nothing.
    if (onlyFor && cur?.status === 'verified' && patch.status !== 'verified') return;
    const values = { status: patch.status, attempts: patch.attempts, last_error: patch.last_error, updated_at: now, ...(patch.verified ? { verified_at: now } : {}), ...(patch.callback ? { callback: patch.callback } : {}) };
    if (cur) await trx.updateTable('fourme_verifications').set(values).where('connection', '=', connection).where('webhook_id', '=', webhookId).execute();
    else await trx.insertInto('fourme_verifications').values({ connection, webhook_id: webhookId, callback: patch.callback ?? '', received_at: now, verified_at: null, ...values }).execute();
  });
}

async function openCallback(ep: FourmeEndpoints, callback: URL): Promise<string | null> {
  try {
    const res = await safeFetch(callback, { allowPrivate: ep.allowPrivate, timeoutMs: 10_000 });
    await res.body.dump();
    return res.statusCode >= 200 && res.statusCode < 300 ? null : `HTTP ${res.statusCode} from ${displayUrl(callback)}`;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Attempts until a 2xx or the expiry; resolves with the final outcome (never throws). */
export async function runHandshake(store: Store, ep: FourmeEndpoints, connection: string, webhookId: string, callback: URL, expiresAt = callbackExpiry(callback)): Promise<{ ok: boolean; attempts: number; error: string | null }> {
  let error: string | null = null;
  let attempts = 0;
  const delays = handshakeTiming.delaysMs;
  for (;;) {
    const d = delays[Math.min(attempts, delays.length - 1)]!;
    if (attempts > 0 && Date.now() + d >= expiresAt) break;
    if (d) await new Promise((r) => setTimeout(r, d).unref?.());
    attempts++;
    error = await openCallback(ep, callback);
    if (!error) {
      await record(store, connection, webhookId, { status: 'verified', attempts, last_error: null, verified: true }, callback.href).catch(() => undefined);
      return { ok: true, attempts, error: null };
    }
    await record(store, connection, webhookId, { status: 'pending', attempts, last_error: error }, callback.href).catch(() => undefined);
  }
  await record(store, connection, webhookId, { status: 'failed', attempts, last_error: `${error} (gave up: the callback expired)` }, callback.href).catch(() => undefined);
  return { ok: false, attempts, error };
}

/** Records `pending` and returns at once; the attempts run in the background. */
export async function startHandshake(store: Store, ep: FourmeEndpoints, connection: string, webhookId: string, callback: URL, onDone?: (r: { ok: boolean }) => void): Promise<void> {
  await record(store, connection, webhookId, { callback: callback.href, status: 'pending', attempts: 0, last_error: null });
  void runHandshake(store, ep, connection, webhookId, callback).then((r) => onDone?.(r), () => undefined);
}

/**
 * After a restart: the callbacks still pending and not expired are tried again (the attempts ran in
 * the process that stopped). `endpoints` maps a connection name to its endpoints, or null to skip.
 */
export async function resumeHandshakes(store: Store, endpoints: (connection: string) => Promise<FourmeEndpoints | null>, now = Date.now()): Promise<number> {
  const rows = await store.db.selectFrom('fourme_verifications').select(['connection', 'webhook_id', 'callback']).where('status', '=', 'pending').execute();
  let n = 0;
  for (const r of rows) {
    const ep = await endpoints(r.connection).catch(() => null);
    if (!ep) continue;
    let url: URL;
    try { url = checkCallback(r.callback, ep); } catch { continue; }
    const expiresAt = callbackExpiry(url, now);
    if (expiresAt <= now) { await record(store, r.connection, r.webhook_id, { status: 'failed', attempts: 0, last_error: 'the callback expired before it could be opened' }, r.callback); continue; }
    void runHandshake(store, ep, r.connection, r.webhook_id, url, expiresAt);
    n++;
  }
  return n;
}

/** `hookflow 4me verify` / "Verify again": the recorded callback once more, waiting for the outcome. */
export async function redoHandshake(store: Store, ep: FourmeEndpoints, connection: string, webhookId?: string) {
  let q = store.db.selectFrom('fourme_verifications').selectAll().where('connection', '=', connection);
  if (webhookId) q = q.where('webhook_id', '=', webhookId);
  const rows = await q.orderBy('updated_at', 'desc').execute();
  if (!rows.length) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `A webhook.verify delivery for connection ${connection}${webhookId ? ` and webhook ${webhookId}` : ''}` });
  const out = [];
  for (const r of rows) {
    const url = checkCallback(r.callback, ep);
    const error = await openCallback(ep, url);
    const attempts = Number(r.attempts) + 1;
    if (!error) await record(store, connection, r.webhook_id, { status: 'verified', attempts, last_error: null, verified: true });
    // A verified webhook stays verified: 4me does not un-verify it because its used code is refused.
    else if (r.status !== 'verified') await record(store, connection, r.webhook_id, { status: 'failed', attempts, last_error: error });
    out.push({ webhook_id: r.webhook_id, ok: !error, attempts: 1, error, status: !error || r.status === 'verified' ? 'verified' : 'failed' });
  }
  return out;
}

export async function verificationStatus(store: Store, connection: string) {
  const rows = await store.db.selectFrom('fourme_verifications').select(['webhook_id', 'status', 'attempts', 'last_error', 'received_at', 'verified_at']).where('connection', '=', connection).execute();
  const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());
  return rows.map((r) => ({ ...r, received_at: iso(r.received_at), verified_at: iso(r.verified_at) }));
}
