/**
 * @module store/migrations/0026_status_live
 * `jobs_status_live` replaces `jobs_status_number` and indexes the jobs that have not succeeded:
 * nearly every job ends succeeded, and those were most of what the status index held while the
 * queries it served look for the others (queued, running, failed, ...). Succeeded jobs are
 * listed newest first from the table itself and counted as all jobs less the others
 * (store/job-indexes.ts); each job run before its insert writes one index entry less. A query
 * uses the index only when it repeats `status <> 'succeeded'` as written here.
 */
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const statusLive: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await sql`DROP INDEX jobs_status_number`.execute(db);
    await sql`CREATE INDEX jobs_status_live ON jobs (status, number) WHERE status <> 'succeeded'`.execute(db);
  },
});
