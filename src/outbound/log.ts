/**
 * @module outbound/log
 * The delivery log and the ways to send again: one delivery (same message id, so receivers can
 * still dedup), or everything since a time — failed deliveries are retried and events the
 * subscription missed (it was disabled or did not exist yet) are delivered from the outbox.
 */
import type { Store } from '../store/index.js';
import { HookflowError } from '../errors.js';
import { eventMatches } from './events.js';
import { envelope, iso, newMessageId } from './model.js';
import type { Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import { jobEvent } from '../queue/job-event.js';

export interface DeliveryView {
  id: string;
  webhook_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  payload: unknown;
  created_at: string;
  updated_at: string;
}

export interface AttemptView {
  id: number;
  delivery_id: string;
  attempt: number;
  at: string;
  status_code: number | null;
  response: string | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: string | null;
  trigger: string;
}

export async function listDeliveries(store: Store, webhookId: string, q: { status?: string; limit?: number; before?: string }): Promise<{ items: DeliveryView[]; next_cursor: string | null }> {
  const limit = q.limit ?? 50;
  let sel = store.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (q.status) sel = sel.where('status', '=', q.status);
  if (q.before) {
    const [t, id] = Buffer.from(q.before, 'base64url').toString('utf8').split('|');
    sel = sel.where((eb) => eb.or([eb('created_at', '<', Number(t)), eb.and([eb('created_at', '=', Number(t)), eb('id', '<', id ?? '')])]));
  }
  const rows = await sel.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id, webhook_id: r.webhook_id, event_type: r.event_type, status: r.status, attempts: r.attempts,
      next_attempt_at: r.status === 'pending' ? iso(r.next_attempt_at) : null, last_status: r.last_status, last_error: r.last_error,
      payload: JSON.parse(r.payload), created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
    })),
    next_cursor: rows.length > limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null,
  };
}

export async function listAttempts(store: Store, webhookId: string, deliveryId?: string, limit = 100): Promise<AttemptView[]> {
  let sel = store.db.selectFrom('webhook_attempts').selectAll().where('webhook_id', '=', webhookId);
  if (deliveryId) sel = sel.where('delivery_id', '=', deliveryId);
  const rows = await sel.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: Number(r.id), delivery_id: r.delivery_id, attempt: r.attempt, at: iso(r.at)!, status_code: r.status_code, response: r.response,
    duration_ms: r.duration_ms, error: r.error, next_attempt_at: iso(r.next_attempt_at), trigger: r.trigger,
  }));
}

/** Sends one delivery again now, under its original message id. */
export async function resend(store: Store, webhookId: string, deliveryId: string, now: number): Promise<void> {
  const r = await store.db.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: now, locked_by: null, updated_at: now })
    .where('id', '=', deliveryId).where('webhook_id', '=', webhookId).where('status', '!=', 'canceled').executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Delivery ${deliveryId} of webhook ${webhookId}` });
}

/** Rows a replay reads and writes per step. */
const REPLAY_BATCH = 500;

/**
 * Requeues the subscription's failed deliveries since `since` and creates one for every event
 * since then it has none for. A step at a time, each its own statement or transaction: a backlog
 * of any size is never in memory at once and holds the store's write lock (on SQLite, every
 * webhook's acknowledgement waits on it) one batch at a time. Every step can be done twice
 * (deferred events are unmarked as they are written, a delivery is unique per event and
 * subscription), so a replay cut short is completed by asking again.
 */
export async function replay(store: Store, webhookId: string, since: number, now: number): Promise<{ requeued: number; created: number }> {
  const sub = await store.db.selectFrom('webhooks').select(['event', 'recipe']).where('id', '=', webhookId).executeTakeFirst();
  if (!sub) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Webhook ${webhookId}` });
  const requeued = await store.db.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: now, locked_by: null, updated_at: now })
    .where('webhook_id', '=', webhookId).where('status', '=', 'failed').where('created_at', '>=', since).executeTakeFirst();
  let number = 0;
  while (number >= 0) number = await store.tx((trx) => writeDeferredEvents(trx, since, number));
  // Undispatched rows are left to the dispatcher, which fans them out to this subscription anyway.
  let created = 0;
  for (let after = 0; ;) {
    const events = await store.db.selectFrom('outbox').selectAll().where('id', '>', after).where('created_at', '>=', since).where('dispatched_at', 'is not', null)
      .orderBy('id').limit(REPLAY_BATCH).execute();
    if (events.length === 0) break;
    after = Number(events[events.length - 1]!.id);
    const rows = events.filter((e) => eventMatches(sub.event, e.type) && (!sub.recipe || sub.recipe === e.recipe)).map((e) => ({
      id: newMessageId(), webhook_id: webhookId, outbox_id: Number(e.id), event_type: e.type, payload: envelope(e.type, JSON.parse(e.payload), Number(e.created_at)),
      status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, last_status: null, last_error: null, created_at: now, updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 200) {
      const r = await store.db.insertInto('webhook_deliveries').values(rows.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      created += Number(r.numInsertedOrUpdatedRows ?? 0);
    }
  }
  return { requeued: Number(requeued.numUpdatedRows), created };
}

/**
 * The final events of jobs that committed finished while no subscription was enabled
 * (`jobs.event_deferred`, queue/sqlite.ts), written to the outbox from their rows — as they
 * would have been written then, already dispatched — and unmarked, so a later replay finds them
 * there and does not write them twice. One batch, of the jobs numbered after `after`; answers the
 * last number it took, or -1 when there were none.
 */
async function writeDeferredEvents(trx: Transaction<DB>, since: number, after: number): Promise<number> {
  const jobs = await trx.selectFrom('jobs').select(['id', 'number', 'recipe', 'recipe_version', 'status', 'repeat_of', 'error', 'created_at', 'finished_at'])
    .where('number', '>', after).where('event_deferred', '=', 1).where('finished_at', '>=', since).orderBy('number').limit(REPLAY_BATCH).execute();
  if (jobs.length === 0) return -1;
  await trx.insertInto('outbox').values(jobs.map((j) => {
    const ev = jobEvent({ ...j, created_at: Number(j.created_at) }, Number(j.number), j.status as 'succeeded' | 'failed', j.error, Number(j.finished_at));
    return { type: ev.type, recipe: ev.recipe, payload: ev.payload, created_at: ev.created_at, dispatched_at: ev.created_at };
  })).execute();
  await trx.updateTable('jobs').set({ event_deferred: null }).where('id', 'in', jobs.map((j) => j.id)).execute();
  return Number(jobs[jobs.length - 1]!.number);
}
