/**
 * @module store/job-indexes
 * Readers of the jobs table's partial indexes that must say exactly what a full index would.
 *
 * Finished jobs by when they finished. `jobs_finished_slow` (migration 0025) indexes `finished_at`
 * only for jobs that took longer than `SHORT_RUN_MS` from creation to finish; a quicker job
 * finished within that much of its `created_at`, so `jobs_created_at`, read that much wider, finds
 * it. The two readers together see exactly what one index on `finished_at` would, and the job
 * that runs before its insert (most of them) writes one index entry less.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { DB } from './schema.js';

/**
 * `jobs_status_live` (migration 0026) indexes the jobs that have not succeeded. A query for such
 * statuses adds this term, as the index's WHERE says it, so that both planners use the index.
 */
export const NOT_SUCCEEDED: Expression<SqlBool> = sql<SqlBool>`status <> 'succeeded'`;

/**
 * How many jobs have each status, as one GROUP BY status would answer (statuses with none are
 * left out): the others from the index, succeeded ones as all jobs less those, in one statement.
 */
export async function statusCounts(db: Kysely<DB>): Promise<Record<string, number>> {
  const r = await sql<{ status: string | null; n: number | string }>`SELECT status, count(*) AS n FROM jobs WHERE ${NOT_SUCCEEDED} GROUP BY status
    UNION ALL SELECT NULL, count(*) FROM jobs`.execute(db);
  const out: Record<string, number> = {};
  let all = 0;
  let others = 0;
  for (const row of r.rows) {
    if (row.status === null) all = Number(row.n);
    else { out[row.status] = Number(row.n); others += Number(row.n); }
  }
  if (all > others) out.succeeded = all - others;
  return out;
}

/** From creation to finish, at most this long: a quick job, not in `jobs_finished_slow`. */
export const SHORT_RUN_MS = 1000;

// As written in the index's WHERE (a literal, not a parameter): only then do the planners use it.
const slow = sql<boolean>`finished_at - created_at > ${sql.lit(SHORT_RUN_MS)}`;
const quick = sql<boolean>`finished_at - created_at <= ${sql.lit(SHORT_RUN_MS)}`;

const COLUMNS = ['recipe', 'status', 'started_at', 'created_at', 'finished_at'] as const;

/**
 * The jobs finished at `since` or later, latest first, at most `limit`; `sampled` when there were
 * more (each index gives at most `limit`: the latest slow ones, the latest created quick ones).
 */
export async function finishedSince(db: Kysely<DB>, since: number, limit: number) {
  const [slowRows, quickRows] = await Promise.all([
    db.selectFrom('jobs').select(COLUMNS).where('finished_at', '>=', since).where(slow).orderBy('finished_at', 'desc').limit(limit).execute(),
    db.selectFrom('jobs').select(COLUMNS).where('created_at', '>=', since - SHORT_RUN_MS).where('finished_at', '>=', since).where(quick)
      .orderBy('created_at', 'desc').limit(limit).execute(),
  ]);
  const rows = [...slowRows, ...quickRows].sort((a, b) => Number(b.finished_at) - Number(a.finished_at));
  const sampled = rows.length > limit || slowRows.length === limit || quickRows.length === limit;
  return { rows: rows.slice(0, limit), sampled };
}

/**
 * A time that moves whenever a job finishes: the latest finish among the slow jobs and the quick
 * jobs created in the last `SHORT_RUN_MS` before the newest job. A job finishing now finished
 * after every job was created, so it is among those: no quick job's finish goes unseen, and the
 * read stays an index search and at most a second of jobs.
 */
export async function lastFinishedAt(db: Kysely<DB>): Promise<number> {
  const [s, q] = await Promise.all([
    db.selectFrom('jobs').select((eb) => eb.fn.max('finished_at').as('f')).where(slow).executeTakeFirst(),
    db.selectFrom('jobs').select((eb) => eb.fn.max('finished_at').as('f'))
      .where('created_at', '>=', sql<number>`(SELECT max(created_at) FROM jobs) - ${sql.lit(SHORT_RUN_MS)}`).where(quick).executeTakeFirst(),
  ]);
  return Math.max(Number(s?.f ?? 0), Number(q?.f ?? 0));
}
