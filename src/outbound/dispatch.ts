/**
 * @module outbound/dispatch
 * Outbox → deliveries. One transaction reads a batch of undispatched events, writes one delivery
 * per matching subscription and marks the events dispatched, so a crash at any point either
 * leaves the batch for the next run or has fanned it out completely. On PostgreSQL several
 * processes dispatch at once: `FOR UPDATE SKIP LOCKED` hands each a different batch. SQLite has
 * one process and its transactions run one at a time; there the batch is written with prepared
 * statements (Kysely compiled a 400-row insert statement's parameters row by row).
 */
import { sql } from 'kysely';
import type { Store } from '../store/index.js';
import { preparedStatements } from '../store/sqlite/prepared.js';
import type { OutboxTable, WebhookDeliveriesTable, WebhooksTable } from '../store/schema.js';
import { eventMatches } from './events.js';
import { envelope, newMessageId } from './model.js';

const DELIVERY_COLS = 'id, webhook_id, outbox_id, event_type, payload, status, attempts, next_attempt_at, locked_by, last_status, last_error, created_at, updated_at';

type Event = Omit<OutboxTable, 'id'> & { id: number | string };
type SubRow = Pick<WebhooksTable, 'id' | 'event' | 'recipe' | 'verify' | 'verified_at'>;

/** One delivery per matching subscription for each event. */
function fanOut(events: Event[], subs: SubRow[], now: number): WebhookDeliveriesTable[] {
  // Pending-verification subscriptions receive nothing but the handshake, as in 4me.
  const active = subs.filter((s) => !s.verify || s.verified_at !== null);
  const rows: WebhookDeliveriesTable[] = [];
  // No subscriber: nothing to parse or wrap.
  if (active.length === 0) return rows;
  for (const e of events) {
    const data = JSON.parse(e.payload) as { id?: string };
    const payload = envelope(e.type, data, Number(e.created_at));
    // An event about a subscription is not sent to that subscription itself.
    const about = e.type.startsWith('webhook.') ? data.id : undefined;
    for (const s of active) {
      if (!eventMatches(s.event, e.type) || (s.recipe && s.recipe !== e.recipe) || s.id === about) continue;
      rows.push({
        id: newMessageId(), webhook_id: s.id, outbox_id: Number(e.id), event_type: e.type,
        payload, status: 'pending', attempts: 0,
        next_attempt_at: now, locked_by: null, last_status: null, last_error: null, created_at: now, updated_at: now,
      });
    }
  }
  return rows;
}

export async function dispatchBatch(store: Store, now: number, limit = 500): Promise<number> {
  if (store.sqlite) return dispatchSql(store.sqlite, (s) => s.dispatch(now, limit));
  // Without any enabled subscription, one statement marks a batch dispatched: one round trip
  // instead of five (BEGIN, two reads, the update, COMMIT). A settled job's event is written
  // dispatched already then (queue/sqlite.ts); this is for the rest. A subscription that commits
  // meanwhile misses the batch, as it would have once the transaction below had read the
  // subscriptions.
  const fast = await store.pg!.pool.query<{ n: number; subs: boolean }>({ name: 'hf_dispatch_nosubs', text: DISPATCH_NO_SUBS, values: [now, limit] });
  if (!fast.rows[0]!.subs) return Number(fast.rows[0]!.n);
  return store.tx(async (trx) => {
    // PostgreSQL (SQLite returned above): processes dispatching at once each take another batch.
    const events = await trx.selectFrom('outbox').selectAll().where('dispatched_at', 'is', null).orderBy('id').limit(limit).forUpdate().skipLocked().execute();
    if (events.length === 0) return 0;
    const subs = await trx.selectFrom('webhooks').select(['id', 'event', 'recipe', 'verify', 'verified_at']).where('disabled', '=', 0).execute();
    const rows = fanOut(events, subs, now);
    // One statement for the whole fan-out, the rows as one JSON parameter (store/postgres/json-rows.ts).
    if (rows.length) {
      await sql`INSERT INTO webhook_deliveries (${sql.raw(DELIVERY_COLS)})
        SELECT ${sql.raw(DELIVERY_COLS)} FROM ROWS FROM (json_to_recordset(${JSON.stringify(rows)}::json) AS (id text, webhook_id text, outbox_id bigint,
          event_type text, payload text, status text, attempts int, next_attempt_at bigint, locked_by text, last_status int, last_error text,
          created_at bigint, updated_at bigint)) WITH ORDINALITY
          AS d(${sql.raw(DELIVERY_COLS)}, n)
        ORDER BY n
        ON CONFLICT DO NOTHING`.execute(trx);
    }
    const ids = events.map((e) => Number(e.id));
    await trx.updateTable('outbox').set({ dispatched_at: now }).where('id', 'in', ids).execute();
    return events.length;
  });
}

const DISPATCH_NO_SUBS = `WITH subs AS (SELECT EXISTS (SELECT 1 FROM webhooks WHERE disabled = 0) AS subs),
  batch AS (SELECT id FROM outbox WHERE dispatched_at IS NULL AND NOT (SELECT subs FROM subs) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED),
  done AS (UPDATE outbox o SET dispatched_at = $1 FROM batch WHERE o.id = batch.id RETURNING 1)
  SELECT (SELECT count(*) FROM done)::int AS n, (SELECT subs FROM subs) AS subs`;

const dispatchSql = preparedStatements((db) => {
  const pending = db.prepare(`SELECT * FROM outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT ?`);
  const subs = db.prepare(`SELECT id, event, recipe, verify, verified_at FROM webhooks WHERE disabled = 0`);
  const insert = db.prepare(`INSERT INTO webhook_deliveries (id, webhook_id, outbox_id, event_type, payload, status, attempts, next_attempt_at,
      locked_by, last_status, last_error, created_at, updated_at)
    VALUES (@id, @webhook_id, @outbox_id, @event_type, @payload, @status, @attempts, @next_attempt_at, @locked_by, @last_status, @last_error, @created_at, @updated_at)
    ON CONFLICT DO NOTHING`);
  // The batch is the first undispatched ids in order, and this transaction is the only writer.
  const done = db.prepare(`UPDATE outbox SET dispatched_at = ? WHERE id BETWEEN ? AND ? AND dispatched_at IS NULL`);
  // No enabled subscription: mark the batch without reading its payloads into JS.
  const skip = db.prepare(`UPDATE outbox SET dispatched_at = ? WHERE id IN (SELECT id FROM outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT ?)`);
  const anySub = db.prepare(`SELECT 1 FROM webhooks WHERE disabled = 0 LIMIT 1`).pluck();
  const anyPending = db.prepare(`SELECT 1 FROM outbox WHERE dispatched_at IS NULL LIMIT 1`).pluck();
  const dispatch = db.transaction((now: number, limit: number): number => {
    // Nothing waiting (settled jobs' events are written dispatched while nobody subscribes): a
    // read (~6 µs) instead of the UPDATE, which cost ~70 µs even when it changed no row, and runs
    // up to 200 times a second under load (5 ms after each settle).
    if (anyPending.get() === undefined) return 0;
    if (anySub.get() === undefined) return skip.run(now, limit).changes;
    // Not empty: anyPending read a row in this same transaction, and nothing else writes meanwhile.
    const events = pending.all(limit) as Event[];
    for (const row of fanOut(events, subs.all() as SubRow[], now)) insert.run(row);
    done.run(now, events[0]!.id, events[events.length - 1]!.id);
    return events.length;
  });
  return { dispatch };
});
