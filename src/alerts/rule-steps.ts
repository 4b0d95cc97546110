/**
 * @module alerts/rule-steps
 * Personal notification rules at escalation time. Notifying a person schedules each of their
 * rules for the alert's priority as an `alert_rule_steps` row due after the rule's delay, in the
 * escalation step's transaction (a dedup key per step and rule: a step fired twice schedules
 * once). A due row is claimed by a conditional update (`pending` → `fired`), so any number of
 * processes send it once; it becomes an `alert_notifications` row that the notifier delivers with
 * retries. An alert that is no longer pending cancels its rows (and a row found due on such an
 * alert is canceled, not sent).
 */
import type { AlertDeps } from './deps.js';
import { loadAlert, log, type AlertRow, type Trx } from './records.js';
import type { Rule } from './notification-rules.js';

/** Schedules the person's rules; false when they have none at all (the caller emails them). */
export async function scheduleRules(trx: Trx, a: AlertRow, username: string, step: string, now: number, meta: Record<string, unknown>): Promise<boolean> {
  const rows = await trx.selectFrom('notification_rules').innerJoin('users', 'users.id', 'notification_rules.user_id')
    .select(['notification_rules.position', 'notification_rules.priority', 'notification_rules.channel', 'notification_rules.delay_minutes',
      'notification_rules.target', 'notification_rules.template', 'notification_rules.private_network'])
    .where('users.username', '=', username).orderBy('notification_rules.position').execute();
  if (!rows.length) return false;
  const mine = rows.filter((r) => r.priority === a.priority.toLowerCase());
  for (const r of mine) {
    // A webhook or chat target stays sealed in the copy; the notifier opens it to send.
    const rule: Rule = { priority: r.priority as Rule['priority'], channel: r.channel as Rule['channel'], delay_minutes: r.delay_minutes, target: r.target,
      template: r.template ? JSON.parse(r.template) : null, private_network: !!r.private_network };
    await trx.insertInto('alert_rule_steps').values({
      alert_id: a.id, dedup: `${step}:${username}:${r.position}`, username, channel: r.channel, target: JSON.stringify(rule),
      due_at: now + r.delay_minutes * 60_000, status: 'pending', fired_at: null, created_at: now,
    }).onConflict((oc) => oc.doNothing()).execute();
  }
  const what = mine.map((r) => `${r.channel} after ${r.delay_minutes} min`).join(', ');
  await log(trx, a.id, now, 'notification', `${username}: ${mine.length ? `notification rules scheduled (${what})` : `no notification rule for ${a.priority} alerts`}`, null, meta);
  return true;
}

function notification(rule: Rule, username: string): { channel: string; target: Record<string, unknown> } {
  if (rule.channel === 'email') return { channel: 'email', target: { to: [rule.target], user: username } };
  const t = { url: rule.target, user: username, private_network: !!rule.private_network };
  return rule.channel === 'chat' ? { channel: 'chat', target: { ...t, template: rule.template ?? null } } : { channel: 'rule_webhook', target: t };
}

export async function fireDueRuleSteps(deps: AlertDeps, limit = 100): Promise<number> {
  const now = deps.now();
  const due = await deps.store.db.selectFrom('alert_rule_steps').selectAll().where('status', '=', 'pending').where('due_at', '<=', now).orderBy('due_at').limit(limit).execute();
  let fired = 0;
  for (const s of due) {
    const ok = await deps.store.tx(async (trx) => {
      const claim = await trx.updateTable('alert_rule_steps').set({ status: 'fired', fired_at: now }).where('id', '=', s.id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return false;
      const a = await loadAlert(trx, s.alert_id);
      if (!a || a.status !== 'pending') {
        await trx.updateTable('alert_rule_steps').set({ status: 'canceled' }).where('id', '=', s.id).execute();
        return false;
      }
      const rule = JSON.parse(s.target) as Rule;
      const n = notification(rule, s.username);
      await trx.insertInto('alert_notifications').values({
        alert_id: a.id, dedup: `rule:${s.id}`, channel: n.channel, action: 'ALERT', target: JSON.stringify(n.target), status: 'pending', attempts: 0,
        next_attempt_at: now, locked_until: null, last_status: null, last_error: null, created_at: now, sent_at: null,
      }).onConflict((oc) => oc.doNothing()).execute();
      await log(trx, a.id, now, 'notification', `${s.username}: ${rule.channel} notification rule due (${rule.delay_minutes} min)`, null, { user: s.username, channel: rule.channel });
      return true;
    });
    if (ok) fired++;
  }
  return fired;
}
