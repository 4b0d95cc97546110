/**
 * @module alerts/records
 * Alert rows in a transaction: the view, the log, the outbox event that tells outbound webhook
 * subscribers (`alert.*`), written with the change that caused it.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../store/index.js';
import type { AlertsTable } from '../store/schema.js';
import { iso, parseJson } from './deps.js';
import type { AlertView, AlertStatus, FourmeRecordRef, Priority } from './types.js';

export type Trx = Transaction<DB>;
export type AlertRow = Omit<AlertsTable, 'id'> & { id: number };

export function alertUrl(publicUrl: string, id: number): string {
  return `${publicUrl}/api/v1/alerts/${id}`;
}

export function alertView(r: AlertRow, source: string, publicUrl: string): AlertView {
  return {
    id: Number(r.id), source, alert_key: r.alert_key, status: r.status as AlertStatus, priority: r.priority as Priority,
    summary: r.summary, details: r.details, custom_details: parseJson(r.custom_details, null), links: parseJson(r.links, []), images: parseJson(r.images, []),
    record: parseJson<FourmeRecordRef | null>(r.record, null), event_count: r.event_count, escalation_level: r.escalation_level === null ? null : r.escalation_level + 1,
    escalation_round: r.escalation_round, url: alertUrl(publicUrl, Number(r.id)),
    created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!, accepted_at: iso(r.accepted_at), accepted_by: r.accepted_by,
    resolved_at: iso(r.resolved_at), resolved_by: r.resolved_by,
    snoozed_until: r.snoozed_until !== null && r.snoozed_until !== undefined ? iso(r.snoozed_until) : null, assignee: parseJson(r.assignee, null),
  };
}

export async function loadAlert(trx: Trx, id: number): Promise<AlertRow | null> {
  const r = await trx.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? ({ ...r, id: Number(r.id) } as AlertRow) : null;
}

export async function log(trx: Trx, alertId: number, at: number, kind: string, text: string, actor: string | null = null, data?: unknown): Promise<void> {
  await trx.insertInto('alert_log').values({ alert_id: alertId, at, kind, actor, text, data: data === undefined ? null : JSON.stringify(data) }).execute();
}

export async function outbox(trx: Trx, type: string, payload: Record<string, unknown>, at: number): Promise<void> {
  await trx.insertInto('outbox').values({ type, recipe: null, payload: JSON.stringify(payload), created_at: at }).execute();
}

export async function sourceName(trx: Trx, sourceId: string): Promise<string> {
  return (await trx.selectFrom('alert_sources').select('name').where('id', '=', sourceId).executeTakeFirst())?.name ?? sourceId;
}

/** Stops lifecycle deadlines of the alert (all, or the kinds named). */
export async function cancelDeadlines(trx: Trx, alertId: number, kinds?: string[]): Promise<void> {
  let q = trx.updateTable('alert_deadlines').set({ status: 'canceled' }).where('alert_id', '=', alertId).where('status', '=', 'pending');
  if (kinds) q = q.where('kind', 'in', kinds);
  await q.execute();
}

/** Stops the escalation: pending steps of the alert will never fire. */
export async function cancelTimers(trx: Trx, alertId: number): Promise<void> {
  await trx.updateTable('alert_timers').set({ status: 'canceled' }).where('alert_id', '=', alertId).where('status', '=', 'pending').execute();
  // Personal notification rules still waiting for their delay are part of the escalation too.
  await trx.updateTable('alert_rule_steps').set({ status: 'canceled' }).where('alert_id', '=', alertId).where('status', '=', 'pending').execute();
}
