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
import { sql } from 'kysely';
import type { Store } from '../store/index.js';
import { wellFormed } from '../store/postgres/json-rows.js';
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
    // The attempt log and every delivery's new state: one statement each for the whole batch, the
    // rows as one JSON parameter (store/postgres/json-rows.ts). Before, successes were updated per
    // status code and millisecond and failures one by one: tens of round trips per batch.
    const rows = JSON.stringify(outcomes.map((o) => ({
      ...attemptRow(o), error: wellFormed(o.result.error), status: o.result.ok ? 'succeeded' : o.nextAt === null ? 'failed' : 'pending', next: o.result.ok ? o.at : o.nextAt ?? o.at,
    })));
    await sql`INSERT INTO webhook_attempts (delivery_id, webhook_id, attempt, at, status_code, response, duration_ms, error, next_attempt_at, trigger)
      SELECT delivery_id, webhook_id, attempt, at, status_code, response, round(duration_ms), error, next_attempt_at, trigger
      FROM ROWS FROM (json_to_recordset(${rows}::json) AS (delivery_id text, webhook_id text, attempt int, at bigint, status_code int, response text,
        duration_ms numeric, error text, next_attempt_at bigint, trigger text)) WITH ORDINALITY
        AS o(delivery_id, webhook_id, attempt, at, status_code, response, duration_ms, error, next_attempt_at, trigger, n)
      ORDER BY n`.execute(trx);
    // Fenced by locked_by: if our lease ran out and another process took the delivery, its record wins.
    await sql`UPDATE webhook_deliveries d SET status = o.status, attempts = d.attempts + 1, next_attempt_at = o.next, locked_by = NULL,
        last_status = o.status_code, last_error = CASE WHEN o.status = 'succeeded' THEN NULL ELSE o.error END, updated_at = o.at
      FROM json_to_recordset(${rows}::json) AS o(delivery_id text, status text, next bigint, status_code int, error text, at bigint)
      WHERE d.id = o.delivery_id AND d.locked_by = ${workerId}`.execute(trx);
    const ids = [...new Set(outcomes.map((o) => o.row.webhook_id))];
    // PostgreSQL (SQLite returned above): the streaks are read locked, as other processes record too.
    const subs = new Map((await trx.selectFrom('webhooks').select([...SUB_COLUMNS]).where('id', 'in', ids).forUpdate().execute()).map((s) => [s.id, s]));
    const { updates, notices } = streaks(ids, subs, outcomes, rules);
    if (updates.length) {
      const subRows = JSON.stringify(updates.map((u) => ({ ...u, set_error: u.last_error !== undefined, last_error: wellFormed(u.last_error ?? null) })));
      await sql`UPDATE webhooks w SET consecutive_failures = u.consecutive_failures, failing_since = u.failing_since, failing_notified = u.failing_notified,
          last_delivery_at = u.last_delivery_at, last_delivery_status = u.last_delivery_status,
          last_error = CASE WHEN u.set_error THEN u.last_error ELSE w.last_error END,
          disabled = CASE WHEN u.disabled_reason IS NOT NULL THEN 1 ELSE w.disabled END, disabled_reason = COALESCE(u.disabled_reason, w.disabled_reason)
        FROM json_to_recordset(${subRows}::json) AS u(id text, consecutive_failures int, failing_since bigint, failing_notified int, last_delivery_at bigint,
          last_delivery_status int, set_error boolean, last_error text, disabled_reason text)
        WHERE w.id = u.id`.execute(trx);
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
