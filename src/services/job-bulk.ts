/**
 * @module services/job-bulk
 * Repeat or cancel every job a filter matches (POST /api/v1/jobs/bulk). The caller states the
 * count it was shown; a different count now refuses (HF_ERR_JOBS_CHANGED), so nobody repeats
 * 10,000 jobs believing they were 10. The set is fixed at the start (numbers up to the newest
 * match), so repeats made on the way, which may match the same filter, are not acted on again.
 *
 * Work goes in batches of BATCH jobs, one transaction and a few statements each: a repeat is one
 * INSERT … SELECT that copies the trigger text inside the database (it never travels to Node),
 * with the recipe's current version; a cancel is one UPDATE plus the same follow-ups a single
 * cancel makes (parents woken, open actions closed, calls canceled).
 */
import { sql } from 'kysely';
import type { Store } from '../store/types.js';
import { HookflowError } from '../errors.js';
import { jobId } from '../queue/ids.js';
import { conditions, countMatches, scan, type JobFilter } from './job-search.js';
import { cancelJobs } from './jobs.js';

const BATCH = 500;

export type BulkAction = 'repeat' | 'cancel';
export interface BulkResult { matched: number; done: number; skipped: number }

/** The matching job numbers, newest first, in batches: the scanned matches of a filter expression, or by SQL. */
async function* batches(store: Store, f: JobFilter, scanned: number[] | null): AsyncGenerator<number[]> {
  if (scanned) {
    for (let i = 0; i < scanned.length; i += BATCH) yield scanned.slice(i, i + BATCH);
    return;
  }
  let before: number | null = null;
  for (;;) {
    let q = store.db.selectFrom('jobs').select('number').where((eb) => conditions(eb, f, store.dialect)).orderBy('number', 'desc').limit(BATCH);
    if (before !== null) q = q.where('number', '<', before);
    const rows = await q.execute();
    if (rows.length) yield rows.map((r) => Number(r.number));
    if (rows.length < BATCH) return;
    before = Number(rows[rows.length - 1]!.number);
  }
}

/** New jobs from the same stored trigger text, each linked as a repeat of its original; jobs of deleted recipes are skipped. */
async function repeatBatch(store: Store, numbers: number[], now: number): Promise<number> {
  const pairs = numbers.map((n) => sql`(${jobId(now)}, ${n})`);
  const n = store.dialect === 'postgres' ? sql`cast(v.n as bigint)` : sql`v.n`;
  const r = await sql`WITH v(id, n) AS (VALUES ${sql.join(pairs)})
    INSERT INTO jobs (id, recipe, recipe_version, status, trigger, dedup_key, repeat_of, concurrency_key, run_at, claims, timeout_at, created_at, title)
    SELECT v.id, j.recipe, r.current_version, 'queued', j.trigger, NULL, j.id, CASE WHEN r.concurrency IS NULL THEN NULL ELSE j.recipe END,
      ${now}, 0, NULL, ${now}, j.title
    FROM v JOIN jobs j ON j.number = ${n} JOIN recipes r ON r.name = j.recipe AND r.deleted_at IS NULL`.execute(store.db);
  return Number(r.numAffectedRows ?? 0);
}

export async function bulk(store: Store, action: BulkAction, filter: JobFilter, expected: number): Promise<BulkResult> {
  const top = await store.db.selectFrom('jobs').select((eb) => eb.fn.max('number').as('n')).executeTakeFirst();
  const f: JobFilter = { ...filter, maxNumber: Number(top?.n ?? 0) };
  const scanned = f.expr ? (await scan(store, f, f.expr)).numbers : null;
  const matched = scanned ? scanned.length : await countMatches(store, f);
  if (matched !== expected) throw new HookflowError('HF_ERR_JOBS_CHANGED', { matched, expected, action }, { details: { matched, expected } });
  let done = 0;
  for await (const numbers of batches(store, f, scanned)) {
    done += action === 'repeat' ? await repeatBatch(store, numbers, Date.now()) : await store.tx((trx) => cancelJobs(trx, 'number', numbers, Date.now()));
  }
  // Jobs that left the filter on the way (finished, say) count as skipped.
  return { matched, done, skipped: matched - done };
}
