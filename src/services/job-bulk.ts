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
import { conditions, scan, type JobFilter } from './job-search.js';
import { cancelDescendants } from './jobs.js';

const BATCH = 500;
const ACTIVE = ['queued', 'waiting', 'running'];

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

async function count(store: Store, f: JobFilter): Promise<number> {
  const r = await store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where((eb) => conditions(eb, f, store.dialect)).executeTakeFirst();
  return Number(r?.n ?? 0);
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

async function cancelBatch(store: Store, numbers: number[], now: number): Promise<number> {
  const error = JSON.stringify({ code: 'HF_ERR_JOB_CANCELED', message: 'The job was canceled' });
  return store.tx(async (trx) => {
    const rows = await trx.updateTable('jobs').set({ status: 'canceled', finished_at: now, locked_by: null, locked_until: null, error })
      .where('number', 'in', numbers).where('status', 'in', ACTIVE).returning(['id', 'parent_job_id']).execute();
    if (!rows.length) return 0;
    const ids = rows.map((r) => r.id);
    const parents = rows.map((r) => r.parent_job_id).filter((p): p is string => !!p);
    if (parents.length) await trx.updateTable('jobs').set({ status: 'queued', run_at: now }).where('id', 'in', parents).where('status', '=', 'waiting').execute();
    await trx.updateTable('ops_actions').set({ status: 'request_canceled', closed_at: now }).where('job_id', 'in', ids).where('status', '=', 'open').execute();
    await cancelDescendants(trx, ids, now);
    return rows.length;
  });
}

export async function bulk(store: Store, action: BulkAction, filter: JobFilter, expected: number): Promise<BulkResult> {
  const top = await store.db.selectFrom('jobs').select((eb) => eb.fn.max('number').as('n')).executeTakeFirst();
  const f: JobFilter = { ...filter, maxNumber: Number(top?.n ?? 0) };
  const scanned = f.expr ? (await scan(store, f, f.expr)).numbers : null;
  const matched = scanned ? scanned.length : await count(store, f);
  if (matched !== expected) throw new HookflowError('HF_ERR_JOBS_CHANGED', { matched, expected, action }, { details: { matched, expected } });
  let done = 0;
  for await (const numbers of batches(store, f, scanned)) {
    done += action === 'repeat' ? await repeatBatch(store, numbers, Date.now()) : await cancelBatch(store, numbers, Date.now());
  }
  // Jobs that left the filter on the way (finished, say) count as skipped.
  return { matched, done, skipped: matched - done };
}
