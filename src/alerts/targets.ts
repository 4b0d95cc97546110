/**
 * @module alerts/targets
 * One escalation level's targets turned into notifications, in the step's transaction: users,
 * team members and the on-call user of a rotation and of a schedule get an email (or, when they
 * have personal notification rules, those rules are scheduled: see rule-steps); an email channel
 * its addresses; a webhook channel an `alert.notified` outbox event (to every subscriber), or,
 * naming a `subscription`, a delivery to that one subscription only, so two levels can reach two
 * receivers; ilert and PagerDuty channels a forwarded ALERT/trigger. A reassigned alert's assignee
 * is notified through the same code (`notifyTargets`). Each row has a dedup key, so a step fired twice notifies once; a forwarding
 * channel is keyed by its place in the policy, so a repeated round does not trigger it again.
 */
import type { AlertDeps } from './deps.js';
import type { Policy, Target } from './types.js';
import { alertView, log, outbox, sourceName, type AlertRow, type Trx } from './records.js';
import { scheduleRules } from './rule-steps.js';
import { scheduleOnCall } from './schedule-target.js';
import { envelope, newMessageId } from '../outbound/model.js';

/** The user on call now: shifts of `shift_hours` from `start`, through the list in order. */
export function onCall(t: Extract<Target, { type: 'rotation' }>, now: number): string {
  const shift = Math.floor((now - Date.parse(t.start)) / (t.shift_hours * 3_600_000));
  const n = t.users.length;
  return t.users[((shift % n) + n) % n]!;
}

async function usersByName(trx: Trx, names: string[]) {
  return names.length ? trx.selectFrom('users').select(['username', 'email']).where('username', 'in', names).execute() : [];
}

async function teamMembers(trx: Trx, team: string) {
  return trx.selectFrom('teams').innerJoin('team_members', 'team_members.team_id', 'teams.id').innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['users.username', 'users.email']).where('teams.name', '=', team).execute();
}

/** The subscription a webhook target names, by id or description; disabled ones are not found. */
export async function findSubscription(db: Pick<Trx, 'selectFrom'>, ref: string) {
  return db.selectFrom('webhooks').select(['id', 'description']).where('disabled', '=', 0)
    .where((eb) => eb.or([eb('id', '=', ref), eb('description', '=', ref)])).orderBy('id').executeTakeFirst();
}

export async function notifyLevel(deps: AlertDeps, trx: Trx, a: AlertRow, policy: Policy, level: number, round: number, now: number): Promise<string[]> {
  return notifyTargets(deps, trx, a, policy.levels[level]!.targets, { step: `L${level + 1}R${round}`, level: level + 1, round, policy: policy.name }, now);
}

export interface Step {
  /** Part of every notification's dedup key: the same step fired twice notifies once. */
  step: string;
  level: number | null;
  round: number;
  policy: string | null;
}

export async function notifyTargets(deps: AlertDeps, trx: Trx, a: AlertRow, targets: Target[], s: Step, now: number): Promise<string[]> {
  const { step, level, round } = s;
  const names: string[] = [];
  const row = (dedup: string, channel: string, target: Record<string, unknown>) => trx.insertInto('alert_notifications').values({
    alert_id: a.id, dedup, channel, action: 'ALERT', target: JSON.stringify(target), status: 'pending', attempts: 0,
    next_attempt_at: now, locked_until: null, last_status: null, last_error: null, created_at: now, sent_at: null,
  }).onConflict((oc) => oc.doNothing()).execute();
  const people = async (users: Array<{ username: string; email: string | null }>, via: string) => {
    for (const u of users) {
      names.push(u.username);
      if (await scheduleRules(trx, a, u.username, step, now, { level, round })) continue;
      if (!u.email || !deps.mailer) {
        await log(trx, a.id, now, 'notification', `${u.username} (${via}) not emailed: ${u.email ? 'HOOKFLOW_SMTP_URL is not set' : 'no email address'}`, null, { level, round });
        continue;
      }
      await row(`${step}:user:${u.username}`, 'email', { to: [u.email], user: u.username });
    }
  };
  for (const [j, t] of targets.entries()) {
    switch (t.type) {
      case 'user': await people(await usersByName(trx, [t.username]), 'user'); break;
      case 'team': await people(await teamMembers(trx, t.team), `team ${t.team}`); break;
      case 'rotation': await people(await usersByName(trx, [onCall(t, now)]), 'on call'); break;
      case 'schedule': {
        const who = await scheduleOnCall(trx, t.name, now);
        if (!who) await log(trx, a.id, now, 'notification', `Nobody is on call in schedule ${t.name}`, null, { level, round });
        else {
          const users = await usersByName(trx, [who]);
          if (!users.length) await log(trx, a.id, now, 'notification', `${who} (on call in schedule ${t.name}) is no longer a user`, null, { level, round });
          await people(users, `on call in schedule ${t.name}`);
        }
        break;
      }
      case 'email': names.push(t.to.join(', ')); await row(`${step}:T${j}:email`, 'email', { to: t.to }); break;
      case 'webhook': {
        const data = { alert: alertView(a, await sourceName(trx, a.source_id), deps.publicUrl), level, round };
        if (!t.subscription) {
          names.push('webhook');
          await outbox(trx, 'alert.notified', data, now);
          await log(trx, a.id, now, 'notification', 'Webhook event alert.notified sent to subscribers', null, { level, round });
          break;
        }
        names.push(`webhook ${t.subscription}`);
        const sub = await findSubscription(trx, t.subscription);
        if (!sub) {
          await log(trx, a.id, now, 'notification', `Webhook subscription ${t.subscription} not found or disabled: nothing sent`, null, { level, round });
          break;
        }
        // Straight to the one subscription (not the outbox, which fans out to every subscriber);
        // the delivery worker picks it up and retries it like any other delivery. It keeps its own
        // clock, which alerting's (moved in tests) must not put ahead of.
        const due = Math.min(now, Date.now());
        await trx.insertInto('webhook_deliveries').values({
          id: newMessageId(), webhook_id: sub.id, outbox_id: null, event_type: 'alert.notified', payload: envelope('alert.notified', data, now),
          status: 'pending', attempts: 0, next_attempt_at: due, locked_by: null, last_status: null, last_error: null, created_at: due, updated_at: due,
        }).execute();
        await log(trx, a.id, now, 'notification', `Webhook event alert.notified sent to subscription ${sub.id}${sub.description ? ` (${sub.description})` : ''}`, null, { level, round, subscription: sub.id });
        break;
      }
      case 'ilert': case 'pagerduty':
        names.push(t.type);
        // Keys stay sealed in the row (with the policy's name to open them).
        await row(`fwd:L${level}T${j}`, t.type, { ...t, policy: s.policy });
        break;
    }
  }
  return names;
}
