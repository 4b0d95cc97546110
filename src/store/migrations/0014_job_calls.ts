/**
 * @module store/migrations/0014_job_calls
 * Callable recipes: a child job names the job (and step) that called it, how deep the call chain
 * is, and keeps its `result` for the caller. The index finds a job's children for the job page.
 */
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const jobCalls: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE jobs ADD COLUMN parent_job_id text`.execute(db);
    await sql`ALTER TABLE jobs ADD COLUMN parent_step_id text`.execute(db);
    await sql`ALTER TABLE jobs ADD COLUMN call_depth integer NOT NULL DEFAULT 0`.execute(db);
    await sql`ALTER TABLE jobs ADD COLUMN result text`.execute(db);
    await sql`CREATE INDEX jobs_parent ON jobs (parent_job_id) WHERE parent_job_id IS NOT NULL`.execute(db);
  },
});
