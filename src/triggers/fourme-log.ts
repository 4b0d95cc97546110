/**
 * @module triggers/fourme-log
 * The per-connection delivery log: one row per delivery and recipe saying what it became
 * (`accepted`, `duplicate`, `ignored`, `error`, `refused`, `verify`) and why. 4me is answered 200
 * for everything but a failed signature, so a stopped recipe or a payload that does not fit shows
 * up here and in `hookflow_4me_deliveries_total{connection,outcome}`, not as a failing webhook.
 * Bounded: rows older than the retention and beyond the newest `HOOKFLOW_4ME_LOG_ROWS` per
 * connection are pruned hourly.
 */
import type { Store } from '../store/types.js';
import type { Metrics } from '../server/metrics.js';

export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored' | 'error' | 'refused' | 'verify';

export interface DeliveryRow {
  recipe: string | null;
  outcome: DeliveryOutcome;
  reason: string | null;
  job_id: string | null;
}

export interface DeliveryMeta {
  connection: string;
  delivery_id: string | null;
  jti: string | null;
  webhook_id: string | null;
  event: string | null;
}

export async function logDelivery(store: Store, metrics: Metrics | undefined, meta: DeliveryMeta, rows: DeliveryRow[], now = Date.now()): Promise<void> {
  if (!rows.length) return;
  for (const r of rows) metrics?.inc('hookflow_4me_deliveries_total', { connection: meta.connection, outcome: r.outcome });
  // Diagnostics only: the jobs may have committed already, so a failed log write must not turn the answer into a 5xx.
  await store.db.insertInto('fourme_deliveries').values(rows.map((r) => ({ ...meta, ...r, reason: r.reason?.slice(0, 1000) ?? null, received_at: now }))).execute()
    .catch(() => undefined);
}

export async function listDeliveries(store: Store, connection: string, opts: { limit: number; before?: number; outcome?: string }) {
  let q = store.db.selectFrom('fourme_deliveries').selectAll().where('connection', '=', connection);
  if (opts.before) q = q.where('id', '<', opts.before);
  if (opts.outcome) q = q.where('outcome', '=', opts.outcome);
  const rows = await q.orderBy('id', 'desc').limit(opts.limit + 1).execute();
  const more = rows.length > opts.limit;
  const items = rows.slice(0, opts.limit).map(({ connection: _c, received_at, id, ...r }) => ({ id: Number(id), received_at: new Date(Number(received_at)).toISOString(), ...r }));
  return { items, next_cursor: more ? String(items[items.length - 1]!.id) : null };
}

/** Age first, then a per-connection cap so a flood of deliveries cannot grow the log without bound. */
export async function pruneFourmeLog(store: Store, cutoff: number, keepPerConnection: number): Promise<number> {
  let total = Number((await store.db.deleteFrom('fourme_deliveries').where('received_at', '<', cutoff).executeTakeFirst()).numDeletedRows);
  const conns = await store.db.selectFrom('fourme_deliveries').select('connection').groupBy('connection').execute();
  for (const { connection } of conns) {
    const edge = await store.db.selectFrom('fourme_deliveries').select('id').where('connection', '=', connection)
      .orderBy('id', 'desc').offset(keepPerConnection).limit(1).executeTakeFirst();
    if (!edge) continue;
    const res = await store.db.deleteFrom('fourme_deliveries').where('connection', '=', connection).where('id', '<=', edge.id).executeTakeFirst();
    total += Number(res.numDeletedRows);
  }
  return total;
}
