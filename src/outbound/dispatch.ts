/**
 * @module outbound/dispatch
 * Outbox → deliveries. One transaction reads a batch of undispatched events, writes one delivery
 * per matching subscription and marks the events dispatched, so a crash at any point either
 * leaves the batch for the next run or has fanned it out completely. On PostgreSQL several
 * processes dispatch at once: `FOR UPDATE SKIP LOCKED` hands each a different batch. SQLite has
 * one process and its transactions run one at a time.
 */
import type { Store } from '../store/index.js';
import { eventMatches } from './events.js';
import { envelope, newMessageId } from './model.js';

const INSERT_CHUNK = 400;

export async function dispatchBatch(store: Store, now: number, limit = 500): Promise<number> {
  return store.tx(async (trx) => {
    let q = trx.selectFrom('outbox').selectAll().where('dispatched_at', 'is', null).orderBy('id').limit(limit);
    if (store.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const events = await q.execute();
    if (events.length === 0) return 0;
    // Pending-verification subscriptions receive nothing but the handshake, as in 4me.
    const subs = await trx.selectFrom('webhooks').select(['id', 'event', 'recipe', 'verify', 'verified_at']).where('disabled', '=', 0).execute();
    const active = subs.filter((s) => !s.verify || s.verified_at !== null);
    const rows = [];
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
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx.insertInto('webhook_deliveries').values(rows.slice(i, i + INSERT_CHUNK)).onConflict((oc) => oc.doNothing()).execute();
    }
    const ids = events.map((e) => Number(e.id));
    await trx.updateTable('outbox').set({ dispatched_at: now }).where('id', 'in', ids).execute();
    return events.length;
  });
}
