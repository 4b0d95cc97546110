/**
 * @module alerts/lifecycle
 * The changes that move an alert back or aside, each in the caller's transaction and each in the
 * alert's log with who and when: un-accept (back to pending), snooze until a time (no
 * notifications until then), reassign to a user, team or schedule (notified now), reopen a
 * resolved alert. Each restarts the escalation where it applies: a new round from level 1, so the
 * steps already fired keep their dedup keys and the new ones notify again. `fireDueDeadlines`
 * fires the deadlines of `deadlines.ts` once across processes (a conditional update claims each).
 */
import { HookflowError } from '../errors.js';
import type { AlertDeps } from './deps.js';
import { checkTarget } from './policies.js';
import type { Source } from './sources.js';
import type { Target } from './types.js';
import { cancelDeadlines, cancelTimers, loadAlert, log, type AlertRow, type Trx } from './records.js';
import { emit, resolveAlert, type ChangeOpts, type Ctx } from './transitions.js';
import { armAckTimeout, armQuiet, setDeadline } from './deadlines.js';
import { notifyTargets } from './targets.js';

const note = (o: ChangeOpts) => (o.note ? `: ${o.note}` : '');

/** Escalation from level 1 again, in a new round, after `delayMs`. */
export async function restartEscalation(c: Ctx, a: AlertRow, delayMs = 0): Promise<void> {
  if (a.policy_id === null) return;
  await cancelTimers(c.trx, a.id);
  const last = await c.trx.selectFrom('alert_timers').select((eb) => eb.fn.max('round').as('r')).where('alert_id', '=', a.id).executeTakeFirst();
  const round = last?.r === null || last?.r === undefined ? 0 : Number(last.r) + 1;
  await c.trx.insertInto('alert_timers').values({ alert_id: a.id, level: 0, round, due_at: c.now + delayMs, status: 'pending', fired_at: null })
    .onConflict((oc) => oc.doNothing()).execute();
}

async function fresh(c: Ctx, id: number): Promise<AlertRow> {
  return (await loadAlert(c.trx, id))!;
}

export async function unacceptAlert(c: Ctx, a: AlertRow, o: ChangeOpts): Promise<boolean> {
  if (a.status !== 'accepted') return false;
  await c.trx.updateTable('alerts').set({ status: 'pending', accepted_at: null, accepted_by: null, snoozed_until: null, updated_at: c.now }).where('id', '=', a.id).execute();
  await cancelDeadlines(c.trx, a.id, ['ack_timeout', 'snooze_end']);
  await log(c.trx, a.id, c.now, 'unaccepted', `Un-accepted by ${o.actor}${note(o)}`, o.actor);
  const r = await fresh(c, a.id);
  await restartEscalation(c, r);
  await emit(c, 'alert.unaccepted', r);
  return true;
}

export async function snoozeAlert(c: Ctx, a: AlertRow, until: number, o: ChangeOpts): Promise<boolean> {
  if (a.status === 'resolved') return false;
  await c.trx.updateTable('alerts').set({ snoozed_until: until, updated_at: c.now }).where('id', '=', a.id).execute();
  // Nothing is sent while it sleeps: the escalation and the acknowledgement timeout wait for the end.
  await cancelTimers(c.trx, a.id);
  await cancelDeadlines(c.trx, a.id, ['ack_timeout']);
  await setDeadline(c, a.id, 'snooze_end', until);
  await log(c.trx, a.id, c.now, 'snoozed', `Snoozed by ${o.actor} until ${new Date(until).toISOString()}${note(o)}`, o.actor, { until: new Date(until).toISOString() });
  await emit(c, 'alert.snoozed', await fresh(c, a.id));
  return true;
}

async function endSnooze(c: Ctx, a: AlertRow): Promise<void> {
  if (a.status === 'resolved' || a.snoozed_until === null) return;
  await c.trx.updateTable('alerts').set({ snoozed_until: null, updated_at: c.now }).where('id', '=', a.id).execute();
  await log(c.trx, a.id, c.now, 'snooze_ended', 'Snooze ended', 'hookflow');
  const r = await fresh(c, a.id);
  if (r.status === 'pending') await restartEscalation(c, r);
  else await armAckTimeout(c, r);
}

/** Who a reassignment names, checked: a user or team that exists, or a schedule target. */
export async function checkAssignee(db: Trx, id: number, t: Target): Promise<string> {
  const no = (reason: string) => new HookflowError('HF_ERR_ALERT_ASSIGNEE', { id, reason });
  if (!t || !['user', 'team', 'schedule'].includes(String(t.type))) throw no('the target is a user, a team or a schedule');
  try { checkTarget(t, 'target'); } catch (e) { throw no((e as Error).message); }
  if (t.type === 'user' && !(await db.selectFrom('users').select('id').where('username', '=', t.username).executeTakeFirst())) throw no(`there is no user ${t.username}`);
  if (t.type === 'team' && !(await db.selectFrom('teams').select('id').where('name', '=', t.team).executeTakeFirst())) throw no(`there is no team ${t.team}`);
  if (t.type === 'schedule' && !(await db.selectFrom('oncall_schedules').select('id').where('name', '=', t.name).executeTakeFirst())) throw no(`there is no schedule ${t.name}`);
  const o = t as Record<string, unknown>;
  return `${t.type} ${String(o.username ?? o.team ?? o.name ?? '')}`.trim();
}

/** A snooze ends in the future, within 30 days. */
export function snoozeUntil(id: number, until: string, now: number): number {
  const t = Date.parse(until);
  const no = (reason: string) => new HookflowError('HF_ERR_ALERT_SNOOZE', { id, until, reason });
  if (Number.isNaN(t)) throw no('until is an ISO 8601 date and time');
  if (t <= now) throw no('that time has passed');
  if (t > now + 30 * 86_400_000) throw no('an alert snoozes 30 days at most');
  return t;
}

/**
 * The assignee is notified now and becomes the one to accept (an accepted alert goes back to
 * pending); if nobody accepts within the policy's first level timeout, the policy escalates again.
 */
export async function reassignAlert(deps: AlertDeps, c: Ctx, a: AlertRow, target: Target, label: string, o: ChangeOpts): Promise<boolean> {
  if (a.status === 'resolved') return false;
  await c.trx.updateTable('alerts').set({ assignee: JSON.stringify(target), status: 'pending', accepted_at: null, accepted_by: null, snoozed_until: null, updated_at: c.now })
    .where('id', '=', a.id).execute();
  await cancelDeadlines(c.trx, a.id, ['ack_timeout', 'snooze_end']);
  await log(c.trx, a.id, c.now, 'reassigned', `Reassigned by ${o.actor} to ${label}${note(o)}`, o.actor, { assignee: target });
  const r = await fresh(c, a.id);
  const n = await c.trx.selectFrom('alert_log').select((eb) => eb.fn.countAll().as('n')).where('alert_id', '=', a.id).where('kind', '=', 'reassigned').executeTakeFirst();
  const names = await notifyTargets(deps, c.trx, r, [target], { step: `reassign${Number(n?.n ?? 1)}`, level: null, round: 0, policy: null }, c.now);
  await log(c.trx, a.id, c.now, 'notification', `Assignee notified: ${names.join(', ') || 'nobody'}`, null);
  if (r.policy_id !== null) {
    const p = await c.trx.selectFrom('escalation_policies').select('levels').where('id', '=', Number(r.policy_id)).executeTakeFirst();
    const first = p ? (JSON.parse(p.levels) as Array<{ timeout_minutes: number }>)[0] : undefined;
    await restartEscalation(c, r, (first?.timeout_minutes ?? 0) * 60_000);
  }
  await emit(c, 'alert.reassigned', r, { assignee: target });
  return true;
}

export async function reopenAlert(c: Ctx, a: AlertRow, o: ChangeOpts): Promise<boolean> {
  if (a.status !== 'resolved') return false;
  await c.trx.updateTable('alerts').set({ status: 'pending', resolved_at: null, resolved_by: null, accepted_at: null, accepted_by: null, snoozed_until: null, updated_at: c.now })
    .where('id', '=', a.id).execute();
  await log(c.trx, a.id, c.now, 'reopened', `Reopened by ${o.actor}${note(o)}`, o.actor);
  await forwardAgain(c, a.id);
  const r = await fresh(c, a.id);
  await restartEscalation(c, r);
  await armQuiet(c, o.src, a.id);
  await emit(c, 'alert.reopened', r);
  return true;
}

/**
 * ilert and PagerDuty resolved their alert with ours: a reopened alert is sent to them again (same
 * key: both open a new alert for a key whose alert is resolved). The rows are `R<n>:<first row's
 * dedup>`, so a later accept or resolve is forwarded for them too, after them (notifier.ts).
 */
async function forwardAgain(c: Ctx, alertId: number): Promise<void> {
  const n = await c.trx.selectFrom('alert_log').select((eb) => eb.fn.countAll().as('n')).where('alert_id', '=', alertId).where('kind', '=', 'reopened').executeTakeFirst();
  const sent = await c.trx.selectFrom('alert_notifications').select(['dedup', 'channel', 'target']).where('alert_id', '=', alertId).where('action', '=', 'ALERT')
    .where('channel', 'in', ['ilert', 'pagerduty']).where('status', '!=', 'failed').where('dedup', 'like', 'fwd:%').execute();
  for (const f of sent) {
    await c.trx.insertInto('alert_notifications').values({
      alert_id: alertId, dedup: `R${Number(n?.n ?? 1)}:${f.dedup}`, channel: f.channel, action: 'ALERT', target: f.target, status: 'pending', attempts: 0,
      next_attempt_at: c.now, locked_until: null, last_status: null, last_error: null, created_at: c.now, sent_at: null,
    }).onConflict((oc) => oc.doNothing()).execute();
  }
}

/** Due deadlines, each claimed and applied in one transaction. */
export async function fireDueDeadlines(deps: AlertDeps, sourceById: (id: string) => Promise<Source | null>, limit = 100): Promise<number> {
  const now = deps.now();
  const due = await deps.store.db.selectFrom('alert_deadlines').innerJoin('alerts', 'alerts.id', 'alert_deadlines.alert_id')
    .select(['alert_deadlines.id', 'alert_deadlines.alert_id', 'alert_deadlines.kind', 'alerts.source_id'])
    .where('alert_deadlines.status', '=', 'pending').where('alert_deadlines.due_at', '<=', now).orderBy('alert_deadlines.due_at').limit(limit).execute();
  let fired = 0;
  for (const d of due) {
    // Read before the transaction: SQLite's one connection is the transaction's.
    const src = d.kind === 'auto_resolve' ? await sourceById(d.source_id) : null;
    const ok = await deps.store.tx(async (trx: Trx) => {
      const claim = await trx.updateTable('alert_deadlines').set({ status: 'fired', fired_at: now }).where('id', '=', d.id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return false;
      const a = await loadAlert(trx, Number(d.alert_id));
      if (!a) return false;
      const c: Ctx = { trx, now, publicUrl: deps.publicUrl };
      if (d.kind === 'snooze_end') await endSnooze(c, a);
      else if (d.kind === 'ack_timeout') {
        const p = a.policy_id === null ? null : await trx.selectFrom('escalation_policies').select('ack_timeout_minutes').where('id', '=', Number(a.policy_id)).executeTakeFirst();
        await unacceptAlert(c, a, { actor: 'hookflow', src: null, note: `acknowledgement timeout, not resolved ${p?.ack_timeout_minutes ?? '?'} min after it was accepted` });
      } else if (d.kind === 'auto_resolve') {
        await resolveAlert(c, a, { actor: 'hookflow', src, note: `no new event for ${Number(src?.config.auto_resolve_minutes ?? 0)} min (auto-resolve)` });
      }
      return true;
    });
    if (ok) fired++;
  }
  return fired;
}
