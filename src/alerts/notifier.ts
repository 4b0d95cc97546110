/**
 * @module alerts/notifier
 * Sends due notifications: email through the outbound mailer, ilert and PagerDuty forwarding
 * through the SSRF-guarded fetch, 4me notes through the connector. A row is claimed with a short
 * lease by a conditional update; 429, 5xx and network errors retry with backoff (Retry-After
 * honoured, ilert asks for 10-30 s), other answers fail the row at once. A forwarded ACCEPT or
 * RESOLVE waits while the ALERT before it for the same channel is still pending, and a reopened
 * alert's new ALERT waits for whatever that channel still has to send, so the other side never
 * sees them out of order.
 */
import { HookflowError, isHookflowError } from '../errors.js';
import { safeFetch } from '../security/index.js';
import { parseRetryAfter } from '../outbound/index.js';
import { writeBackNote } from '../connectors/fourme/index.js';
import type { AlertDeps } from './deps.js';
import type { AlertNotificationsTable } from '../store/schema.js';
import { alertView, loadAlert, log, sourceName } from './records.js';
import { installationId } from '../store/installation.js';
import { ILERT_URL, PAGERDUTY_URL, ilertBody, pagerdutyBody } from './forwarders.js';
import type { AlertView } from './types.js';
import { chatBody, postRule, ruleAad, webhookBody } from './rule-send.js';

export const RETRY_S = [10, 30, 60, 120, 300, 600, 1800];
const LEASE_MS = 60_000;
type Row = Omit<AlertNotificationsTable, 'id'> & { id: number };
interface Outcome { ok: boolean; status: number | null; error: string | null; retry: boolean; retryAfterMs?: number }

export async function deliverDue(deps: AlertDeps, limit = 50): Promise<number> {
  const now = deps.now();
  const rows = await deps.store.db.selectFrom('alert_notifications').selectAll().where('status', '=', 'pending').where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)])).orderBy('id').limit(limit).execute();
  let sent = 0;
  for (const r of rows) {
    // A reopened alert's new ALERT (`R<n>:…`) goes after everything forwarded before it on that channel.
    if (r.action === 'ALERT' && /^R\d+:/.test(r.dedup)) {
      const before = await deps.store.db.selectFrom('alert_notifications').select('id').where('alert_id', '=', r.alert_id).where('status', '=', 'pending')
        .where('channel', '=', r.channel).where('id', '<', r.id).executeTakeFirst();
      if (before) continue;
    }
    if (r.action === 'ACCEPT' || r.action === 'RESOLVE') {
      const root = r.dedup.replace(/^(ACCEPT|RESOLVE):/, '');
      const before = await deps.store.db.selectFrom('alert_notifications').select('id').where('alert_id', '=', r.alert_id).where('status', '=', 'pending')
        .where('id', '<', r.id).where('dedup', 'in', [root, `ACCEPT:${root}`]).executeTakeFirst();
      if (before) continue;
      // The other side never took the ALERT (it was refused for good): there is nothing to change there.
      const alert = await deps.store.db.selectFrom('alert_notifications').select('status').where('alert_id', '=', r.alert_id).where('dedup', '=', root).executeTakeFirst();
      if (alert?.status === 'failed') {
        await deps.store.db.updateTable('alert_notifications').set({ status: 'canceled', last_error: `the ${r.channel} ALERT failed` }).where('id', '=', r.id).where('status', '=', 'pending').execute();
        continue;
      }
    }
    // A call to people (email, a rule's webhook or chat) still waiting — being retried, or behind
    // others — when the alert was accepted or resolved meanwhile is not sent: it would page someone
    // for an alert already taken or over. Forwarded ALERTs still go: their ACCEPT/RESOLVE follow them.
    if (r.action === 'ALERT' && !FORWARDED.has(r.channel)) {
      const st = (await deps.store.db.selectFrom('alerts').select('status').where('id', '=', r.alert_id).executeTakeFirst())?.status;
      if (st === 'accepted' || st === 'resolved') {
        await deps.store.tx(async (trx) => {
          const c = await trx.updateTable('alert_notifications').set({ status: 'canceled', last_error: `the alert was ${st} before it was sent` })
            .where('id', '=', r.id).where('status', '=', 'pending').executeTakeFirst();
          if (Number(c.numUpdatedRows) === 1) await log(trx, r.alert_id, now, 'notification', `Not sent: ${describe(r)}, the alert was ${st} first`, null, { channel: r.channel, action: r.action, attempts: r.attempts });
        });
        continue;
      }
    }
    const claim = await deps.store.db.updateTable('alert_notifications').set({ locked_until: now + LEASE_MS }).where('id', '=', r.id).where('status', '=', 'pending')
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)])).executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) continue;
    const out = await send(deps, { ...r, id: Number(r.id) }).catch((e: unknown): Outcome => ({ ok: false, status: null, error: (e as Error).message, retry: isHookflowError(e) ? e.retryable : true }));
    await record(deps, { ...r, id: Number(r.id) }, out);
    if (out.ok) sent++;
  }
  return sent;
}

/** Forwarding channels: the other side holds the alert and hears its ACCEPT/RESOLVE after the ALERT. */
const FORWARDED = new Set(['ilert', 'pagerduty']);

function describe(r: Pick<Row, 'channel' | 'action' | 'target'>): string {
  return `${r.channel} ${r.action}${r.channel === 'email' ? ` to ${(JSON.parse(r.target) as { to: string[] }).to.join(', ')}` : ''}`;
}

async function record(deps: AlertDeps, r: Row, out: Outcome): Promise<void> {
  const now = deps.now();
  const attempts = r.attempts + 1;
  const what = describe(r);
  await deps.store.tx(async (trx) => {
    if (out.ok) {
      await trx.updateTable('alert_notifications').set({ status: 'sent', sent_at: now, attempts, locked_until: null, last_status: out.status, last_error: null }).where('id', '=', r.id).execute();
      await log(trx, r.alert_id, now, 'notification', `Sent ${what}`, null, { channel: r.channel, action: r.action, attempts, status: out.status });
      return;
    }
    const base = RETRY_S[attempts - 1];
    if (out.retry && base !== undefined) {
      const delay = Math.min(Math.max(out.retryAfterMs ?? 0, base * 1000), 3_600_000);
      await trx.updateTable('alert_notifications').set({ attempts, locked_until: null, next_attempt_at: now + delay, last_status: out.status, last_error: out.error }).where('id', '=', r.id).execute();
      return;
    }
    await trx.updateTable('alert_notifications').set({ status: 'failed', attempts, locked_until: null, last_status: out.status, last_error: out.error }).where('id', '=', r.id).execute();
    await log(trx, r.alert_id, now, 'notification', `Failed ${what} after ${attempts} attempt(s): ${out.error}`, null, { channel: r.channel, action: r.action, attempts, status: out.status });
  });
}

async function view(deps: AlertDeps, id: number): Promise<AlertView> {
  const a = await loadAlert(deps.store.db as never, id);
  if (!a) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Alert ${id}` });
  return alertView(a, await sourceName(deps.store.db as never, a.source_id), deps.publicUrl);
}

async function post(url: string, body: unknown, allowPrivate: boolean): Promise<Outcome> {
  const res = await safeFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body), allowPrivate, timeoutMs: 10_000, maxRedirects: 0 });
  const text = (await res.body.text()).slice(0, 500);
  if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode, error: null, retry: false };
  return { ok: false, status: res.statusCode, error: `HTTP ${res.statusCode}: ${text}`, retry: res.statusCode === 429 || res.statusCode >= 500, retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()) };
}

async function send(deps: AlertDeps, r: Row): Promise<Outcome> {
  const t = JSON.parse(r.target) as Record<string, any>;
  const a = await view(deps, r.alert_id);
  switch (r.channel) {
    case 'email': {
      if (!deps.mailer) return { ok: false, status: null, error: 'HOOKFLOW_SMTP_URL is not set', retry: false };
      const subject = `[Hookflow] ${a.priority} alert #${a.id}: ${a.summary}`;
      const text = `${a.summary}\n\n${a.details ?? ''}\n\nSource: ${a.source}\nStatus: ${a.status}\nKey: ${a.alert_key}\nEscalation level: ${a.escalation_level ?? '-'}\n\nAccept: POST ${a.url}/accept\n${a.url}\n`;
      await deps.mailer.send(t.to as string[], subject, text);
      return { ok: true, status: null, error: null, retry: false };
    }
    case 'ilert': {
      const key = deps.box.open<string>(t.integration_key, `policy:${t.policy}`);
      return post(t.url ?? ILERT_URL, ilertBody(a, r.action, key, await installationId(deps.store)), !!t.private_network);
    }
    case 'pagerduty': {
      const key = deps.box.open<string>(t.routing_key, `policy:${t.policy}`);
      return post(t.url ?? PAGERDUTY_URL, pagerdutyBody(a, r.action, key, await installationId(deps.store), t.source), !!t.private_network);
    }
    case 'fourme_note': {
      const conn = await deps.connections.resolve(String(t.connection));
      await writeBackNote(conn, t.record, String(t.text));
      return { ok: true, status: 200, error: null, retry: false };
    }
    case 'rule_webhook': return postRule(deps.box.open<string>(t.url, ruleAad(t.user)), webhookBody(a, t.user, false), !!t.private_network);
    case 'chat': return postRule(deps.box.open<string>(t.url, ruleAad(t.user)), await chatBody(a, t.user, t.template, false), !!t.private_network);
    default: return { ok: false, status: null, error: `unknown channel ${r.channel}`, retry: false };
  }
}
