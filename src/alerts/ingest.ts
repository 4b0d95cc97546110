/**
 * @module alerts/ingest
 * Applies one event to a source's alerts in one transaction: dedup of the delivery, grouping,
 * open/join/accept/resolve, the log, the outbox and the first escalation step all commit
 * together, so the sender's 2xx means it is all there. On PostgreSQL the source row is locked
 * first: two processes grouping events of the same source must see each other's new alert.
 * Every event is a beat of the heartbeats fed by its source; during a maintenance window an event
 * that would open or join an alert is absorbed (logged, answered as usual, nobody notified). An
 * event that opens or joins an alert restarts the source's quiet period (auto-resolve). A 4me
 * record back in an open status reopens the alert 4me resolved (not one resolved in Hookflow).
 */
import type { Source } from './sources.js';
import type { AlertDeps } from './deps.js';
import type { AlertEvent } from './types.js';
import { groupFor, byKey } from './grouping.js';
import { acceptAlert, commentAlert, joinAlert, openAlert, resolveAlert, type Ctx } from './transitions.js';
import { loadAlert, type AlertRow } from './records.js';
import { absorb, activeWindow } from './maintenance.js';
import { armQuiet } from './deadlines.js';
import { beatsFrom } from './heartbeats.js';
import { reopenAlert } from './lifecycle.js';

export type ResponseCode = 'NEW_ALERT_CREATED' | 'EVENT_ADDED_TO_ALERT' | 'ALERT_ACCEPTED' | 'ALERT_RESOLVED' | 'NO_OPEN_ALERT_WITH_KEY' | 'ALERT_ALREADY_ACCEPTED' | 'ALERT_ALREADY_RESOLVED'
  | 'DUPLICATE_DELIVERY' | 'ABSORBED_BY_MAINTENANCE';

export interface IngestResult {
  alert: AlertRow | null;
  code: ResponseCode;
  duplicate: boolean;
}

export async function ingest(deps: AlertDeps, src: Source, ev: AlertEvent): Promise<IngestResult> {
  const res = await deps.store.tx(async (trx) => {
    if (deps.store.dialect === 'postgres') await trx.selectFrom('alert_sources').select('id').where('id', '=', src.id).forUpdate().execute();
    const c: Ctx = { trx, now: deps.now(), publicUrl: deps.publicUrl };
    if (ev.dedupKey) {
      const seen = await trx.selectFrom('alert_dedup').select('alert_id').where('source_id', '=', src.id).where('key', '=', ev.dedupKey).executeTakeFirst();
      if (seen) return { alert: seen.alert_id === null ? null : await loadAlert(trx, Number(seen.alert_id)), code: 'DUPLICATE_DELIVERY' as const, duplicate: true };
    }
    await beatsFrom(c, src.id);
    const win = await activeWindow(trx, src.id, c.now);
    let out = win && ev.type === 'ALERT' ? null : await apply(c, src, ev, !!win);
    if (!out) {
      await absorb(trx, src.id, Number(win!.id), ev, c.now);
      out = { alert: null, code: 'ABSORBED_BY_MAINTENANCE' as const };
    }
    if (ev.dedupKey) await trx.insertInto('alert_dedup').values({ source_id: src.id, key: ev.dedupKey, alert_id: out.alert?.id ?? null, created_at: c.now }).execute();
    return { ...out, alert: out.alert ? await loadAlert(trx, out.alert.id) : null, duplicate: false };
  });
  if (!res.duplicate) deps.kick?.();
  return res;
}

/** Whether a 4me update may reopen this alert: only one that 4me itself resolved. */
const reopens = (a: AlertRow, ev: AlertEvent) => !!(ev.record && ev.reopen && a.status === 'resolved' && a.resolved_by?.startsWith('4me'));

/** null: the event would open an alert during a maintenance window (the caller absorbs it). */
async function apply(c: Ctx, src: Source, ev: AlertEvent, maintenance: boolean): Promise<{ alert: AlertRow | null; code: ResponseCode } | null> {
  const change = { actor: ev.actor, src, note: ev.note };
  if (ev.type === 'ALERT') {
    const group = await groupFor(c.trx, src, ev, c.now);
    if (group) {
      if (reopens(group, ev)) await reopenAlert(c, group, { ...change, note: ev.note ?? 'the 4me record is open again' });
      await joinAlert(c, group, ev);
      await armQuiet(c, src, group.id);
      return { alert: group, code: 'EVENT_ADDED_TO_ALERT' };
    }
    const a = await openAlert(c, src, ev);
    await armQuiet(c, src, a.id);
    return { alert: a, code: 'NEW_ALERT_CREATED' };
  }
  if (ev.type === 'COMMENT') {
    // ilert adds the comments to the open alert with the key; without one nothing changes.
    const [open] = ev.alertKey ? await byKey(c.trx, src.id, ev.alertKey, true) : [];
    if (!open) return { alert: null, code: 'NO_OPEN_ALERT_WITH_KEY' };
    for (const cm of ev.comments ?? []) await commentAlert(c, open, cm.creator || ev.actor, cm.content);
    return { alert: open, code: 'EVENT_ADDED_TO_ALERT' };
  }
  let targets = ev.alertKey ? await byKey(c.trx, src.id, ev.alertKey, !ev.record) : [];
  if (ev.record) targets = targets.slice(0, 1);
  if (!targets.length) {
    // A 4me update before its create: the record's alert is opened from the update, then changed.
    if (!ev.record) return { alert: null, code: 'NO_OPEN_ALERT_WITH_KEY' };
    if (maintenance) return null;
    targets = [await openAlert(c, src, { ...ev, type: 'ALERT' })];
  } else if (ev.record) {
    if (reopens(targets[0]!, ev)) {
      await reopenAlert(c, targets[0]!, { ...change, note: 'the 4me record is open again' });
      targets = [(await loadAlert(c.trx, targets[0]!.id))!];
    }
    await joinAlert(c, targets[0]!, ev);
  }
  let changed = false;
  for (const a of targets) changed = (ev.type === 'ACCEPT' ? await acceptAlert(c, a, change) : await resolveAlert(c, a, change)) || changed;
  const a = targets[0]!;
  if (ev.type === 'ACCEPT') return { alert: a, code: changed ? 'ALERT_ACCEPTED' : a.status === 'resolved' ? 'ALERT_ALREADY_RESOLVED' : 'ALERT_ALREADY_ACCEPTED' };
  return { alert: a, code: changed ? 'ALERT_RESOLVED' : 'ALERT_ALREADY_RESOLVED' };
}
