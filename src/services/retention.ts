/**
 * @module services/retention
 * What `HOOKFLOW_RETENTION_DAYS` removes: finished jobs with their steps, outbox events already
 * fanned out to their subscriptions, finished webhook deliveries with their attempt log, and
 * test-run snapshots of drafts (negative versions) last used before the cutoff that no job runs.
 * Unfinished work (queued, running or waiting jobs, pending deliveries, undispatched events) is
 * never touched, whatever its age. Deletes go in batches, each in its own transaction, so a
 * large backlog never holds the store in one long transaction.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import type { Store } from '../store/types.js';
import { pruneSnapshots } from './recipe-snapshots.js';

export interface Pruned { jobs: number; outbox: number; deliveries: number; snapshots: number }

/** Deletes what `next` selects, one batch at a time, until it selects nothing; returns how many. */
async function inBatches<K>(store: Store, next: () => Promise<K[]>, remove: (trx: Transaction<DB>, keys: K[]) => Promise<void>): Promise<number> {
  let total = 0;
  for (;;) {
    const keys = await next();
    if (keys.length === 0) return total;
    await store.tx((trx) => remove(trx, keys));
    total += keys.length;
  }
}

export async function pruneJobs(store: Store, cutoff: number, batch = 1000): Promise<number> {
  return inBatches(store,
    async () => (await store.db.selectFrom('jobs').select('id').where('finished_at', '<', cutoff)
      .where('status', 'in', ['succeeded', 'failed', 'canceled']).limit(batch).execute()).map((r) => r.id),
    async (trx, ids) => {
      await trx.deleteFrom('job_steps').where('job_id', 'in', ids).execute();
      await trx.deleteFrom('jobs').where('id', 'in', ids).execute();
    });
}

export async function pruneOutbound(store: Store, cutoff: number, batch = 1000): Promise<Omit<Pruned, 'jobs' | 'snapshots'>> {
  const deliveries = await inBatches(store,
    async () => (await store.db.selectFrom('webhook_deliveries').select('id').where('status', '<>', 'pending')
      .where('updated_at', '<', cutoff).limit(batch).execute()).map((r) => r.id),
    async (trx, ids) => {
      await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', ids).execute();
      await trx.deleteFrom('webhook_deliveries').where('id', 'in', ids).where('status', '<>', 'pending').execute();
    });
  const outbox = await inBatches(store,
    async () => (await store.db.selectFrom('outbox').select('id').where('dispatched_at', 'is not', null)
      .where('dispatched_at', '<', cutoff).limit(batch).execute()).map((r) => Number(r.id)),
    async (trx, ids) => { await trx.deleteFrom('outbox').where('id', 'in', ids).execute(); });
  return { outbox, deliveries };
}

/** One retention pass over everything older than `olderThanMs`. */
export async function prune(store: Store, olderThanMs: number, now = Date.now()): Promise<Pruned> {
  const cutoff = now - olderThanMs;
  const jobs = await pruneJobs(store, cutoff);
  // After the jobs: a snapshot whose test-run jobs just went goes with them.
  const snapshots = await pruneSnapshots(store.db, cutoff);
  return { jobs, ...(await pruneOutbound(store, cutoff)), snapshots };
}
