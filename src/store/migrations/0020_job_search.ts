/**
 * @module store/migrations/0020_job_search
 * The jobs console: each job's `title` (the recipe's `title` template, evaluated when the job is
 * made), an index for created-at time ranges (the list orders by number, but a range on
 * created_at otherwise reads every job), and one on `repeat_of`, so a job page finds the repeats
 * of a job without a scan. Text search (`q`) stays a scan of the rows the other filters leave:
 * a trigram index needs pg_trgm, which Hookflow cannot assume is installed.
 */
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const jobSearch: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('title', 'text').execute();
    await db.schema.createIndex('jobs_created_at').on('jobs').column('created_at').execute();
    await sql`CREATE INDEX jobs_repeat_of ON jobs (repeat_of) WHERE repeat_of IS NOT NULL`.execute(db);
  },
});
