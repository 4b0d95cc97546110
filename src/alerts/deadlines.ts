/**
 * @module alerts/deadlines
 * Lifecycle deadlines of an alert, rows in `alert_deadlines` beside the escalation steps: the
 * acknowledgement timeout (an accepted alert not resolved in time escalates again), the end of a
 * snooze, and auto-resolve after a source's quiet period. An alert has at most one pending
 * deadline of each kind: arming one replaces the one before. `lifecycle.ts` fires them.
 */
import type { Source } from './sources.js';
import { cancelDeadlines, type Trx } from './records.js';

export type DeadlineKind = 'ack_timeout' | 'snooze_end' | 'auto_resolve';
interface C { trx: Trx; now: number }

export async function setDeadline(c: C, alertId: number, kind: DeadlineKind, dueAt: number): Promise<void> {
  await cancelDeadlines(c.trx, alertId, [kind]);
  await c.trx.insertInto('alert_deadlines').values({ alert_id: alertId, kind, due_at: dueAt, status: 'pending', fired_at: null }).execute();
}

/** The policy's acknowledgement timeout, counted from now (an accept, or a snooze's end). */
export async function armAckTimeout(c: C, a: { id: number; policy_id: number | null }): Promise<void> {
  if (a.policy_id === null) return;
  const p = await c.trx.selectFrom('escalation_policies').select('ack_timeout_minutes').where('id', '=', Number(a.policy_id)).executeTakeFirst();
  if (p?.ack_timeout_minutes) await setDeadline(c, a.id, 'ack_timeout', c.now + p.ack_timeout_minutes * 60_000);
}

/** The source's quiet period (`config.auto_resolve_minutes`), counted again from each event. */
export function quietMinutes(src: Source | null): number {
  const n = Number(src?.config.auto_resolve_minutes ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export async function armQuiet(c: C, src: Source | null, alertId: number): Promise<void> {
  const n = quietMinutes(src);
  if (n) await setDeadline(c, alertId, 'auto_resolve', c.now + n * 60_000);
}
