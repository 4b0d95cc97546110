/**
 * @module outbound/record
 * Writes a batch of attempt outcomes in one transaction (group commit: thousands of deliveries a
 * second cost tens of commits, not thousands): the attempt log, each delivery's new state, and
 * each subscription's failure streak. The streak decides `webhook.failing` (once per streak) and
 * the auto-disable (410 at once, or the lasting-failure rule); both events enter the outbox in
 * the same transaction. On SQLite the batch is written with better-sqlite3 prepared statements in
 * one synchronous transaction: through Kysely every row cost a query compile and a prepare, which
 * measured as much as the HTTP work of the attempt itself.
 */
import type { Store } from '../store/index.js';
import { preparedStatements } from '../store/sqlite/prepared.js';
import type { DeliveryResult } from './deliver.js';
import type { DeliveryRow } from './claim.js';
import { shouldDisable, type DisableRule } from './retry.js';

export interface Outcome {
  row: DeliveryRow;
  result: DeliveryResult;
  at: number;
  /** Next attempt time; null when this attempt settled the delivery. */
  nextAt: number | null;
}

export interface Notice {
  type: 'webhook.failing' | 'webhook.disabled';
  webhookId: string;
  uri: string;
  recipients: string[];
  data: Record<string, unknown>;
}

export interface StreakRules {
  disable: DisableRule;
  /** Consecutive failures after which `webhook.failing` is emitted. */
  failingAfter: number;
}

type SubState = { id: string; uri: string; event: string; disabled: number; consecutive_failures: number; failing_since: number | null; failing_notified: number; mail_exceptions_to: string };

interface SubUpdate {
  id: string;
  consecutive_failures: number;
  failing_since: number | null;
  failing_notified: number;
  last_delivery_at: number;
  last_delivery_status: number | null;
  /** Undefined: the batch had no failure, the stored last error stays. */
  last_error: string | null | undefined;
  disabled_reason: string | null;
}

/** Folds a batch's outcomes into each subscription's failure streak: the new state and any notices. */
function streaks(ids: string[], subs: Map<string, SubState>, outcomes: Outcome[], rules: StreakRules): { updates: SubUpdate[]; notices: Notice[] } {
  const notices: Notice[] = [];
  const updates: SubUpdate[] = [];
  for (const id of ids) {
    const s = subs.get(id);
    if (!s) continue; // deleted meanwhile
    let { consecutive_failures: cf, failing_since: since, failing_notified: notified, disabled } = s;
    let last: Outcome | undefined;
    let lastError: string | null | undefined;
    let disabledReason: string | null = null;
    const notice = (type: Notice['type'], extra: Record<string, unknown>) => notices.push({
      type, webhookId: id, uri: s.uri, recipients: JSON.parse(s.mail_exceptions_to) as string[],
      data: { id, uri: s.uri, event: s.event, consecutive_failures: cf, failing_since: since === null ? null : new Date(Number(since)).toISOString(), last_error: lastError ?? null, ...extra },
    });
    for (const o of outcomes) {
      if (o.row.webhook_id !== id) continue;
      last = o;
      if (o.result.ok) {
        cf = 0; since = null; notified = 0;
        continue;
      }
      cf += 1;
      since ??= o.at;
      lastError = o.result.error;
      if (!notified && cf >= rules.failingAfter) {
        notified = 1;
        notice('webhook.failing', {});
      }
      if (!disabled && (o.result.gone || shouldDisable(rules.disable, cf, since === null ? null : Number(since), o.at))) {
        disabled = 1;
        disabledReason = o.result.gone ? 'the receiver answered 410 Gone' : `${cf} consecutive failures since ${new Date(Number(since)).toISOString()}`;
        notice('webhook.disabled', { reason: disabledReason });
      }
    }
    updates.push({
      id, consecutive_failures: cf, failing_since: since, failing_notified: notified, last_delivery_at: last!.at,
      last_delivery_status: last!.result.status, last_error: lastError, disabled_reason: disabledReason,
    });
  }
  return { updates, notices };
}

const attemptRow = (o: Outcome) => ({
  delivery_id: o.row.id, webhook_id: o.row.webhook_id, attempt: o.row.attempts + 1, at: o.at, status_code: o.result.status,
  response: o.result.response, duration_ms: o.result.durationMs, error: o.result.error, next_attempt_at: o.nextAt,
  trigger: o.row.attempts === 0 ? 'initial' : 'retry',
});

const SUB_COLUMNS = ['id', 'uri', 'event', 'disabled', 'consecutive_failures', 'failing_since', 'failing_notified', 'mail_exceptions_to'] as const;

export async function recordOutcomes(store: Store, workerId: string, outcomes: Outcome[], rules: StreakRules): Promise<Notice[]> {
  if (outcomes.length === 0) return [];
  if (store.sqlite) return recordSql(store.sqlite, (s) => s.record(workerId, outcomes, rules));
  return store.tx(async (trx) => {
    // PostgreSQL binds at most 65,535 parameters per statement: 500 rows × 11 columns stays far below.
    for (let i = 0; i < outcomes.length; i += 500) {
      await trx.insertInto('webhook_attempts').values(outcomes.slice(i, i + 500).map(attemptRow)).execute();
    }
    // Successes share one statement per status code and time; failures differ in every field.
    const groups = new Map<string, Outcome[]>();
    for (const o of outcomes) {
      if (!o.result.ok) {
        await trx.updateTable('webhook_deliveries').set({
          status: o.nextAt === null ? 'failed' : 'pending', attempts: o.row.attempts + 1, next_attempt_at: o.nextAt ?? o.at, locked_by: null,
          last_status: o.result.status, last_error: o.result.error, updated_at: o.at,
        }).where('id', '=', o.row.id).where('locked_by', '=', workerId).execute();
        continue;
      }
      const k = `${o.result.status}|${o.at}`;
      groups.set(k, [...(groups.get(k) ?? []), o]);
    }
    for (const g of groups.values()) {
      const { at, result } = g[0]!;
      // Fenced by locked_by: if our lease ran out and another process took the delivery, its record wins.
      await trx.updateTable('webhook_deliveries').set((eb) => ({
        status: 'succeeded', attempts: eb('attempts', '+', 1), next_attempt_at: at, locked_by: null, last_status: result.status, last_error: null, updated_at: at,
      })).where('id', 'in', g.map((o) => o.row.id)).where('locked_by', '=', workerId).execute();
    }
    const ids = [...new Set(outcomes.map((o) => o.row.webhook_id))];
    // PostgreSQL (SQLite returned above): the streaks are read locked, as other processes record too.
    const subs = new Map((await trx.selectFrom('webhooks').select([...SUB_COLUMNS]).where('id', 'in', ids).forUpdate().execute()).map((s) => [s.id, s]));
    const { updates, notices } = streaks(ids, subs, outcomes, rules);
    for (const u of updates) {
      await trx.updateTable('webhooks').set({
        consecutive_failures: u.consecutive_failures, failing_since: u.failing_since, failing_notified: u.failing_notified,
        last_delivery_at: u.last_delivery_at, last_delivery_status: u.last_delivery_status,
        ...(u.last_error !== undefined ? { last_error: u.last_error } : {}),
        ...(u.disabled_reason ? { disabled: 1, disabled_reason: u.disabled_reason } : {}),
      }).where('id', '=', u.id).execute();
    }
    if (notices.length) {
      const at = outcomes[outcomes.length - 1]!.at;
      await trx.insertInto('outbox').values(notices.map((n) => ({ type: n.type, recipe: null, payload: JSON.stringify(n.data), created_at: at }))).execute();
    }
    return notices;
  });
}

/** The same writes as the Kysely path above, one prepared statement per row (SQLite runs them in microseconds). */
const recordSql = preparedStatements((db) => {
  const attempt = db.prepare(`INSERT INTO webhook_attempts (delivery_id, webhook_id, attempt, at, status_code, response, duration_ms, error, next_attempt_at, trigger)
    VALUES (@delivery_id, @webhook_id, @attempt, @at, @status_code, @response, @duration_ms, @error, @next_attempt_at, @trigger)`);
  // Fenced by locked_by: if our lease ran out and another process took the delivery, its record wins.
  const failed = db.prepare(`UPDATE webhook_deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next, locked_by = NULL,
    last_status = @last_status, last_error = @last_error, updated_at = @at WHERE id = @id AND locked_by = @worker`);
  const succeeded = db.prepare(`UPDATE webhook_deliveries SET status = 'succeeded', attempts = attempts + 1, next_attempt_at = @at, locked_by = NULL,
    last_status = @last_status, last_error = NULL, updated_at = @at WHERE id = @id AND locked_by = @worker`);
  const sub = db.prepare(`SELECT ${SUB_COLUMNS.join(', ')} FROM webhooks WHERE id = ?`);
  const setSub = db.prepare(`UPDATE webhooks SET consecutive_failures = @consecutive_failures, failing_since = @failing_since,
    failing_notified = @failing_notified, last_delivery_at = @last_delivery_at, last_delivery_status = @last_delivery_status,
    last_error = CASE WHEN @set_error THEN @last_error ELSE last_error END,
    disabled = CASE WHEN @disabled_reason IS NOT NULL THEN 1 ELSE disabled END,
    disabled_reason = coalesce(@disabled_reason, disabled_reason)
    WHERE id = @id`);
  const event = db.prepare(`INSERT INTO outbox (type, recipe, payload, created_at) VALUES (?, NULL, ?, ?)`);
  const record = db.transaction((workerId: string, outcomes: Outcome[], rules: StreakRules): Notice[] => {
    for (const o of outcomes) {
      attempt.run(attemptRow(o));
      if (o.result.ok) {
        succeeded.run({ id: o.row.id, worker: workerId, at: o.at, last_status: o.result.status });
      } else {
        failed.run({
          id: o.row.id, worker: workerId, status: o.nextAt === null ? 'failed' : 'pending', attempts: o.row.attempts + 1, next: o.nextAt ?? o.at,
          last_status: o.result.status, last_error: o.result.error, at: o.at,
        });
      }
    }
    const ids = [...new Set(outcomes.map((o) => o.row.webhook_id))];
    const subs = new Map<string, SubState>();
    for (const id of ids) {
      const row = sub.get(id) as SubState | undefined;
      if (row) subs.set(id, row);
    }
    const { updates, notices } = streaks(ids, subs, outcomes, rules);
    for (const u of updates) setSub.run({ ...u, set_error: u.last_error === undefined ? 0 : 1, last_error: u.last_error ?? null });
    const at = outcomes[outcomes.length - 1]!.at;
    for (const n of notices) event.run(n.type, JSON.stringify(n.data), at);
    return notices;
  });
  return { record };
});
