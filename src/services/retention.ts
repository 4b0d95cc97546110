/**
 * @module services/retention
 * What `HOOKFLOW_RETENTION_DAYS` removes besides finished jobs: outbox events already fanned out
 * to their subscriptions, and finished webhook deliveries with their attempt log. Pending
 * deliveries are never touched, whatever their age. Deletes go in batches so a large backlog
 * never holds the store in one long transaction.
 */
import type { Store } from '../store/types.js';

export interface Pruned { outbox: number; deliveries: number }

export async function pruneOutbound(store: Store, cutoff: number, batch = 1000): Promise<Pruned> {
  const out: Pruned = { outbox: 0, deliveries: 0 };
  for (;;) {
    const ids = (await store.db.selectFrom('webhook_deliveries').select('id').where('status', '<>', 'pending')
      .where('updated_at', '<', cutoff).limit(batch).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    await store.tx(async (trx) => {
      await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', ids).execute();
      await trx.deleteFrom('webhook_deliveries').where('id', 'in', ids).where('status', '<>', 'pending').execute();
    });
    out.deliveries += ids.length;
  }
  for (;;) {
    const ids = (await store.db.selectFrom('outbox').select('id').where('dispatched_at', 'is not', null)
      .where('dispatched_at', '<', cutoff).limit(batch).execute()).map((r) => Number(r.id));
    if (ids.length === 0) break;
    await store.db.deleteFrom('outbox').where('id', 'in', ids).execute();
    out.outbox += ids.length;
  }
  return out;
}
