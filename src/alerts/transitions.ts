/**
 * @module alerts/transitions
 * What changes an alert, each inside the caller's transaction: open, join (a grouped event),
 * accept, resolve, comment. Events only move status forward (pending → accepted → resolved), so a
 * late or repeated event can never un-accept an alert; going back (un-accept, reopen, the
 * acknowledgement timeout, a 4me record reopened) is `lifecycle.ts`. Accepting or resolving stops the
 * escalation, tells forwarded services (ilert ACCEPT/RESOLVE, PagerDuty acknowledge/resolve) and,
 * when the change came from Hookflow, can write a note back to the 4me record.
 */
import { randomUUID } from 'node:crypto';
import type { Source } from './sources.js';
import { armAckTimeout } from './deadlines.js';
import { alertView, cancelDeadlines, cancelTimers, loadAlert, log, outbox, sourceName, type AlertRow, type Trx } from './records.js';
import { matchKey, type AlertEvent } from './types.js';

export interface Ctx {
  trx: Trx;
  now: number;
  publicUrl: string;
}

export async function emit(c: Ctx, type: string, a: AlertRow, extra: Record<string, unknown> = {}): Promise<void> {
  await outbox(c.trx, type, { alert: alertView(a, await sourceName(c.trx, a.source_id), c.publicUrl), ...extra }, c.now);
}

export async function openAlert(c: Ctx, src: Source, ev: AlertEvent): Promise<AlertRow> {
  const key = ev.alertKey ?? `hf-${randomUUID()}`;
  const priority = ev.priority ?? src.priority;
  const policyId = ev.policyId ?? src.policyId;
  const row = await c.trx.insertInto('alerts').values({
    source_id: src.id, alert_key: key, status: 'pending', priority, summary: ev.summary.slice(0, 1024), details: ev.details,
    custom_details: ev.customDetails ? JSON.stringify(ev.customDetails) : null, links: JSON.stringify(ev.links), images: JSON.stringify(ev.images),
    record: ev.record ? JSON.stringify(ev.record) : null, policy_id: policyId, event_count: 1, escalation_level: null, escalation_round: 0,
    created_at: c.now, updated_at: c.now, accepted_at: null, accepted_by: null, resolved_at: null, resolved_by: null, snoozed_until: null, assignee: null,
  }).returning('id').executeTakeFirstOrThrow();
  const id = Number(row.id);
  await c.trx.insertInto('alert_keys').values({ source_id: src.id, alert_key: matchKey(key), alert_id: id }).onConflict((oc) => oc.doNothing()).execute();
  await log(c.trx, id, c.now, 'created', `Alert opened: ${ev.summary}`, ev.actor, ev.data);
  if (policyId !== null) {
    const p = await c.trx.selectFrom('escalation_policies').select('delay_minutes').where('id', '=', policyId).executeTakeFirst();
    await c.trx.insertInto('alert_timers').values({ alert_id: id, level: 0, round: 0, due_at: c.now + (p?.delay_minutes ?? 0) * 60_000, status: 'pending', fired_at: null }).execute();
  }
  const a = (await loadAlert(c.trx, id))!;
  await emit(c, 'alert.created', a);
  return a;
}

/** A grouped event: counted and logged on the alert; its key now finds the alert too. */
export async function joinAlert(c: Ctx, a: AlertRow, ev: AlertEvent): Promise<void> {
  await c.trx.updateTable('alerts').set((eb) => ({ event_count: eb('event_count', '+', 1), updated_at: c.now })).where('id', '=', a.id).execute();
  if (ev.alertKey) {
    await c.trx.insertInto('alert_keys').values({ source_id: a.source_id, alert_key: matchKey(ev.alertKey), alert_id: a.id })
      .onConflict((oc) => oc.doNothing()).execute();
  }
  await log(c.trx, a.id, c.now, 'event', `Event ${ev.type}${ev.alertKey ? ` (${ev.alertKey})` : ''}: ${ev.summary}`, ev.actor, ev.data);
}

/** Forwarded ALERTs of this alert get the matching ACCEPT/RESOLVE, in order, through the notifier. */
async function forward(c: Ctx, a: AlertRow, action: 'ACCEPT' | 'RESOLVE'): Promise<void> {
  const sent = await c.trx.selectFrom('alert_notifications').select(['dedup', 'channel', 'target'])
    .where('alert_id', '=', a.id).where('action', '=', 'ALERT').where('channel', 'in', ['ilert', 'pagerduty']).where('status', '!=', 'failed').execute();
  for (const n of sent) {
    await c.trx.insertInto('alert_notifications').values({
      alert_id: a.id, dedup: `${action}:${n.dedup}`, channel: n.channel, action, target: n.target, status: 'pending', attempts: 0,
      next_attempt_at: c.now, locked_until: null, last_status: null, last_error: null, created_at: c.now, sent_at: null,
    }).onConflict((oc) => oc.doNothing()).execute();
  }
}

/** A note on the 4me record, when the source asks for it and the change came from Hookflow. */
async function writeBack(c: Ctx, src: Source | null, a: AlertRow, text: string, writeBackNote: boolean): Promise<void> {
  if (!writeBackNote || !a.record || !src?.config.write_back || !src.config.connection) return;
  await c.trx.insertInto('alert_notifications').values({
    alert_id: a.id, dedup: `fourme_note:${randomUUID()}`, channel: 'fourme_note', action: 'NOTE',
    target: JSON.stringify({ connection: src.config.connection, record: JSON.parse(a.record), text }), status: 'pending', attempts: 0,
    next_attempt_at: c.now, locked_until: null, last_status: null, last_error: null, created_at: c.now, sent_at: null,
  }).execute();
}

export interface ChangeOpts {
  actor: string;
  src: Source | null;
  /** The change came from Hookflow (API, CLI), not from the record's own system. */
  fromHookflow?: boolean;
  note?: string;
}

export async function acceptAlert(c: Ctx, a: AlertRow, o: ChangeOpts): Promise<boolean> {
  if (a.status !== 'pending') return false;
  await c.trx.updateTable('alerts').set({ status: 'accepted', accepted_at: c.now, accepted_by: o.actor, snoozed_until: null, updated_at: c.now }).where('id', '=', a.id).execute();
  await cancelTimers(c.trx, a.id);
  await armAckTimeout(c, a);
  await log(c.trx, a.id, c.now, 'accepted', `Accepted by ${o.actor}${o.note ? `: ${o.note}` : ''}`, o.actor);
  await forward(c, a, 'ACCEPT');
  await writeBack(c, o.src, a, `Alert ${a.id} accepted in Hookflow by ${o.actor}${o.note ? `: ${o.note}` : ''}`, !!o.fromHookflow);
  await emit(c, 'alert.accepted', (await loadAlert(c.trx, a.id))!);
  return true;
}

export async function resolveAlert(c: Ctx, a: AlertRow, o: ChangeOpts): Promise<boolean> {
  if (a.status === 'resolved') return false;
  await c.trx.updateTable('alerts').set({ status: 'resolved', resolved_at: c.now, resolved_by: o.actor, snoozed_until: null, updated_at: c.now }).where('id', '=', a.id).execute();
  await cancelTimers(c.trx, a.id);
  await cancelDeadlines(c.trx, a.id);
  await log(c.trx, a.id, c.now, 'resolved', `Resolved by ${o.actor}${o.note ? `: ${o.note}` : ''}`, o.actor);
  await forward(c, a, 'RESOLVE');
  await writeBack(c, o.src, a, `Alert ${a.id} resolved in Hookflow by ${o.actor}${o.note ? `: ${o.note}` : ''}`, !!o.fromHookflow);
  await emit(c, 'alert.resolved', (await loadAlert(c.trx, a.id))!);
  return true;
}

export async function commentAlert(c: Ctx, a: AlertRow, actor: string, text: string): Promise<void> {
  await c.trx.updateTable('alerts').set({ updated_at: c.now }).where('id', '=', a.id).execute();
  await log(c.trx, a.id, c.now, 'comment', text, actor);
}
