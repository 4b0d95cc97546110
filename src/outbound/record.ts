/**
 * @module outbound/record
 * Writes a batch of attempt outcomes in one transaction (group commit: thousands of deliveries a
 * second cost tens of commits, not thousands): the attempt log, each delivery's new state, and
 * each subscription's failure streak. The streak decides `webhook.failing` (once per streak) and
 * the auto-disable (410 at once, or the lasting-failure rule); both events enter the outbox in
 * the same transaction.
 */
import type { Store } from '../store/index.js';
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

export async function recordOutcomes(store: Store, workerId: string, outcomes: Outcome[], rules: StreakRules): Promise<Notice[]> {
  if (outcomes.length === 0) return [];
  return store.tx(async (trx) => {
    // PostgreSQL binds at most 65,535 parameters per statement: 500 rows × 11 columns stays far below.
    for (let i = 0; i < outcomes.length; i += 500) {
      await trx.insertInto('webhook_attempts').values(outcomes.slice(i, i + 500).map((o) => ({
        delivery_id: o.row.id, webhook_id: o.row.webhook_id, attempt: o.row.attempts + 1, at: o.at, status_code: o.result.status,
        response: o.result.response, duration_ms: o.result.durationMs, error: o.result.error, next_attempt_at: o.nextAt,
        trigger: o.row.attempts === 0 ? 'initial' : 'retry',
      }))).execute();
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
    let q = trx.selectFrom('webhooks').select(['id', 'uri', 'event', 'disabled', 'consecutive_failures', 'failing_since', 'failing_notified', 'mail_exceptions_to']).where('id', 'in', ids);
    if (store.dialect === 'postgres') q = q.forUpdate();
    const subs = new Map((await q.execute()).map((s) => [s.id, s]));
    const notices: Notice[] = [];
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
      await trx.updateTable('webhooks').set({
        consecutive_failures: cf, failing_since: since, failing_notified: notified,
        last_delivery_at: last!.at, last_delivery_status: last!.result.status,
        ...(lastError !== undefined ? { last_error: lastError } : {}),
        ...(disabledReason ? { disabled: 1, disabled_reason: disabledReason } : {}),
      }).where('id', '=', id).execute();
    }
    if (notices.length) {
      const at = outcomes[outcomes.length - 1]!.at;
      await trx.insertInto('outbox').values(notices.map((n) => ({ type: n.type, recipe: null, payload: JSON.stringify(n.data), created_at: at }))).execute();
    }
    return notices;
  });
}
