/**
 * @module outbound/claim
 * The hot SQL of delivery: claim due deliveries per subscription, at most `limit` each (the free
 * room in that subscription's lane), so one endpoint's backlog never fills a whole claim. A
 * claim pushes `next_attempt_at` to the end of the lease: an in-flight delivery is not due, and
 * after a crash it becomes due again by itself, with no reaper. PostgreSQL claims every
 * subscription in one statement (LATERAL + `FOR UPDATE SKIP LOCKED`, so processes never claim
 * the same row); SQLite, one process, reads the due rows of each subscription through the partial
 * index and leases them by key, all in one transaction. On SQLite these are better-sqlite3
 * prepared statements, not Kysely: claims run many times a second, and compiling and preparing
 * each statement again was the largest single cost of the 20,000-delivery bench (about a third
 * of its busy time).
 */
import { sql } from 'kysely';
import type { Store } from '../store/index.js';
import { preparedStatements } from '../store/sqlite/prepared.js';
import type { WebhookDeliveriesTable } from '../store/schema.js';

export type DeliveryRow = WebhookDeliveriesTable;

export interface ClaimRequest {
  webhookId: string;
  limit: number;
  /** A subscription pending verification may receive only its handshake. */
  onlyVerify: boolean;
}

export async function claimDeliveries(store: Store, reqs: ClaimRequest[], now: number, leaseUntil: number, workerId: string): Promise<DeliveryRow[]> {
  const wanted = reqs.filter((r) => r.limit > 0);
  if (wanted.length === 0) return [];
  // Every SQLite store exposes its driver (store/sqlite/open); PostgreSQL goes through Kysely.
  if (store.sqlite) return claimSql(store.sqlite, (s) => s.claimAll(wanted, now, leaseUntil, workerId));
  // The candidates are a MATERIALIZED CTE, picked once: as a subquery in UPDATE … FROM the planner
  // could rescan the LATERAL per target row, and each rescan (re-checking rows this statement had
  // already leased) moved past them to further rows, so a claim with limit 3 leased 5.
  const r = await sql<DeliveryRow>`WITH c AS MATERIALIZED (SELECT x.id FROM unnest(${wanted.map((w) => w.webhookId)}::text[], ${wanted.map((w) => w.limit)}::int[], ${wanted.map((w) => w.onlyVerify)}::bool[]) AS w(wid, k, only_verify)
      CROSS JOIN LATERAL (SELECT id FROM webhook_deliveries WHERE webhook_id = w.wid AND status = 'pending' AND next_attempt_at <= ${now}
        AND (NOT w.only_verify OR event_type = 'webhook.verify') ORDER BY next_attempt_at LIMIT w.k FOR UPDATE SKIP LOCKED) x)
    UPDATE webhook_deliveries d SET next_attempt_at = ${leaseUntil}, locked_by = ${workerId}
    FROM c WHERE d.id = c.id AND d.status = 'pending' AND d.next_attempt_at <= ${now}
    RETURNING d.*`.execute(store.db);
  return r.rows;
}

const claimSql = preparedStatements((db) => {
  // A read then an update by key in the same (exclusive) transaction: measured 45% cheaper than
  // UPDATE … WHERE id IN (SELECT …) RETURNING *, and the claim is still atomic because SQLite has
  // one writer and this process is the only one. The index is named as in queue/sqlite.
  // Rows come back as arrays, without the three columns the lease sets: better-sqlite3 builds a row
  // object property by property, which measured about 40% of this read.
  const due = (verifyOnly: string) => db.prepare(`SELECT id, webhook_id, outbox_id, event_type, payload, attempts, last_status, last_error, created_at, updated_at
    FROM webhook_deliveries INDEXED BY webhook_deliveries_due
    WHERE webhook_id = @wid AND status = 'pending' AND next_attempt_at <= @now ${verifyOnly} ORDER BY next_attempt_at LIMIT @limit`).raw(true);
  const any = due('');
  const verify = due(`AND event_type = 'webhook.verify'`);
  const lease = db.prepare(`UPDATE webhook_deliveries SET next_attempt_at = ?, locked_by = ? WHERE id = ?`);
  type Raw = [string, string, number | null, string, string, number, number | null, string | null, number, number];
  const claimAll = db.transaction((wanted: ClaimRequest[], now: number, until: number, worker: string) => {
    const out: DeliveryRow[] = [];
    for (const w of wanted) {
      for (const r of (w.onlyVerify ? verify : any).all({ wid: w.webhookId, now, limit: w.limit }) as Raw[]) {
        lease.run(until, worker, r[0]);
        out.push({
          id: r[0], webhook_id: r[1], outbox_id: r[2], event_type: r[3], payload: r[4], status: 'pending', attempts: r[5],
          next_attempt_at: until, locked_by: worker, last_status: r[6], last_error: r[7], created_at: r[8], updated_at: r[9],
        });
      }
    }
    return out;
  });
  return { claimAll };
});
