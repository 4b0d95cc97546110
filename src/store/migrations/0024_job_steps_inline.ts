/**
 * @module store/migrations/0024_job_steps_inline
 * `jobs.steps`: the steps of a job that ran before its insert, as one JSON text in its row, when
 * their data is small (queue/inline-steps.ts); NULL when the job's steps are `job_steps` rows.
 */
import { Kysely } from 'kysely';
import type { MigrationFactory } from './types.js';

export const jobStepsInline: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('steps', 'text').execute();
  },
});
