/**
 * @module alerts/escalation
 * Escalation steps are rows in `alert_timers` (alert, level, round, due time), polled like the
 * schedule trigger. A step fires by a conditional update (`pending` → `fired`), so any number of
 * processes, restarts included, fire it exactly once; the step's notifications and the next step
 * commit in the same transaction. HIGH alerts walk every level and repeat the policy; LOW alerts
 * only notify the first level. An accepted, resolved or snoozed alert has its steps canceled
 * (a snooze's end, an un-accept or a reopen starts a new round: `lifecycle.ts`).
 */
import type { AlertDeps } from './deps.js';
import type { PolicyService } from './policies.js';
import { notifyLevel } from './targets.js';
import { alertView, loadAlert, log, outbox, sourceName } from './records.js';

export async function fireDueTimers(deps: AlertDeps, policies: PolicyService, limit = 100): Promise<number> {
  const now = deps.now();
  const due = await deps.store.db.selectFrom('alert_timers').selectAll().where('status', '=', 'pending').where('due_at', '<=', now)
    .orderBy('due_at').limit(limit).execute();
  let fired = 0;
  for (const t of due) {
    const ok = await deps.store.tx(async (trx) => {
      const claim = await trx.updateTable('alert_timers').set({ status: 'fired', fired_at: now }).where('id', '=', t.id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return false;
      const a = await loadAlert(trx, t.alert_id);
      if (!a || a.status !== 'pending' || a.policy_id === null || (a.snoozed_until !== null && a.snoozed_until > now)) return false;
      const policy = await policies.byId(Number(a.policy_id), trx);
      const level = policy?.levels[t.level];
      if (!policy || !level) return false;
      // The level is recorded first: what the step sends (webhook event, email) shows it.
      await trx.updateTable('alerts').set({ escalation_level: t.level, escalation_round: t.round, updated_at: now }).where('id', '=', a.id).execute();
      const names = await notifyLevel(deps, trx, (await loadAlert(trx, a.id))!, policy, t.level, t.round, now);
      await log(trx, a.id, now, 'escalation', `Escalation level ${t.level + 1}${t.round ? ` (repeat ${t.round})` : ''}: ${names.join(', ') || 'no targets'}`, null, { level: t.level + 1, round: t.round });
      const next = a.priority !== 'HIGH' ? null
        : t.level + 1 < policy.levels.length ? { level: t.level + 1, round: t.round }
          : t.round < policy.repeat ? { level: 0, round: t.round + 1 } : null;
      if (next) {
        await trx.insertInto('alert_timers').values({ alert_id: a.id, ...next, due_at: now + level.timeout_minutes * 60_000, status: 'pending', fired_at: null })
          .onConflict((oc) => oc.doNothing()).execute();
      }
      if (t.level > 0 || t.round > 0) {
        const fresh = (await loadAlert(trx, a.id))!;
        await outbox(trx, 'alert.escalated', { alert: alertView(fresh, await sourceName(trx, a.source_id), deps.publicUrl), level: t.level + 1, round: t.round }, now);
      }
      return true;
    });
    if (ok) fired++;
  }
  return fired;
}
