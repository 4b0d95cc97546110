/**
 * @module triggers/inbound-dedup
 * Inbound de-duplication keys per recipe (4me deliveries and the webhook trigger), in their own
 * table so that a replay is recognised long after its job was pruned (`HOOKFLOW_DEDUP_RETENTION_DAYS`, default 90). A delivery may carry two
 * keys — the signed JWT `jti` and the unsigned `X-4me-Delivery` header — and a repeat by either
 * one is the same delivery. The jobs table's unique (recipe, dedup_key) still settles a race
 * between two copies arriving at once. Keys are checked and recorded by the job insert itself
 * (NewJob.dedup_keys in queue/types.ts), in its transaction on SQLite and its statement on PostgreSQL.
 */
import type { Store } from '../store/types.js';

/** The keys of a delivery, the one the job row carries first. */
export function dedupKeys(jti: string | null, deliveryId: string | null): string[] {
  return [...(jti ? [`4me-jti:${jti}`] : []), ...(deliveryId ? [`4me-delivery:${deliveryId}`] : [])];
}

export async function pruneDedup(store: Store, cutoff: number, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await store.db.selectFrom('inbound_dedup').select(['recipe', 'key']).where('created_at', '<', cutoff).limit(batch).execute();
    if (!rows.length) return total;
    await store.tx(async (trx) => {
      for (const r of rows) await trx.deleteFrom('inbound_dedup').where('recipe', '=', r.recipe).where('key', '=', r.key).execute();
    });
    total += rows.length;
  }
}
