/**
 * @module alerts/grouping
 * Which existing alert an incoming event belongs to. A key lookup comes first (an ALERT with the
 * key of an open alert joins it, as ilert does with `alertKey`); then the source's mode decides
 * whether the event joins another open alert (time window, one pending, one open) or opens one.
 * A 4me record is one incident: its events always find the record's alert, even a resolved one,
 * so a late `*.create` or a repeated update never opens a second alert.
 */
import type { Source } from './sources.js';
import { matchKey, windowMs, type AlertEvent } from './types.js';
import { loadAlert, type AlertRow, type Trx } from './records.js';

/** Newest alerts of the source holding the key (in any case); `open` = pending or accepted only. */
export async function byKey(trx: Trx, sourceId: string, key: string, open: boolean): Promise<AlertRow[]> {
  let q = trx.selectFrom('alert_keys').innerJoin('alerts', 'alerts.id', 'alert_keys.alert_id')
    .select('alerts.id').where('alert_keys.source_id', '=', sourceId).where('alert_keys.alert_key', '=', matchKey(key));
  if (open) q = q.where('alerts.status', '!=', 'resolved');
  const rows = await q.orderBy('alerts.id', 'desc').execute();
  const out: AlertRow[] = [];
  for (const r of rows) out.push((await loadAlert(trx, Number(r.id)))!);
  return out;
}

async function newestWhere(trx: Trx, sourceId: string, statuses: string[], since?: number): Promise<AlertRow | null> {
  let q = trx.selectFrom('alerts').select('id').where('source_id', '=', sourceId).where('status', 'in', statuses);
  if (since !== undefined) q = q.where('created_at', '>=', since);
  const r = await q.orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? loadAlert(trx, Number(r.id)) : null;
}

export async function groupFor(trx: Trx, src: Source, ev: AlertEvent, now: number): Promise<AlertRow | null> {
  if (ev.record && ev.alertKey) {
    const [own] = await byKey(trx, src.id, ev.alertKey, false);
    if (own) return own;
  } else if (ev.alertKey && src.grouping !== 'none') {
    const [open] = await byKey(trx, src.id, ev.alertKey, true);
    if (open) return open;
  }
  switch (src.grouping) {
    case 'time_window': return newestWhere(trx, src.id, ['pending', 'accepted'], now - windowMs(src.window ?? 'PT2M'));
    case 'one_pending': return newestWhere(trx, src.id, ['pending']);
    case 'one_open': return newestWhere(trx, src.id, ['pending', 'accepted']);
    default: return null;
  }
}
