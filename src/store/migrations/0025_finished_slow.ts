/**
 * @module store/migrations/0025_finished_slow
 * `jobs_finished` keeps only the jobs that took longer than a second from creation to finish.
 * Most jobs finish within that second (every job run before its insert does), and for those the
 * `created_at` index already says when they finished, to within the second: a reader of finished
 * jobs by time takes the slow ones from this index and the quick ones from `jobs_created_at` one
 * second wider (store/job-indexes.ts). Each job run before its insert wrote one index entry less:
 * about 1.4 µs of its insert on SQLite. The 1000 is `SHORT_RUN_MS` in store/job-indexes.ts; both
 * dialects use the index only for a query that repeats the condition as written.
 */
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const finishedSlow: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await sql`DROP INDEX jobs_finished`.execute(db);
    await sql`CREATE INDEX jobs_finished_slow ON jobs (finished_at) WHERE finished_at - created_at > 1000`.execute(db);
  },
});
