/**
 * @module store/migrations/0023_job_event_deferred
 * `jobs.event_deferred`: 1 on a job whose final event (`job.succeeded` / `job.failed`) was not
 * written to the outbox because no subscription was enabled when the job committed. Such an
 * event only ever waited there for a replay; the job row holds everything its payload says, so
 * a replay writes it then (outbound/log.ts) and clears the mark. NULL on every other job.
 */
import { Kysely } from 'kysely';
import type { MigrationFactory } from './types.js';

export const jobEventDeferred: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('event_deferred', 'integer').execute();
  },
});
