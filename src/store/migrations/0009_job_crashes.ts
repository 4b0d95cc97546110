/**
 * @module store/migrations/0009_job_crashes
 * Counts how often a job's lease expired while it was running (its process died mid-job), so a
 * job that kills its process every time is failed as poison instead of crashing it forever.
 */
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const jobCrashes: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE jobs ADD COLUMN crashes integer NOT NULL DEFAULT 0`.execute(db);
  },
});
