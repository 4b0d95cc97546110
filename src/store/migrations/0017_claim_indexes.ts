/**
 * @module store/migrations/0017_claim_indexes
 * The claim's index holds only what a claim may take. `jobs_runnable` also held the jobs of
 * concurrency-limited recipes, so the claim filtered them row by row, and finding the limited
 * recipes with due jobs scanned every runnable job on each claim that came back short (5 ms with
 * 10k queued on PostgreSQL). Now unlimited jobs are in claim order in one index and limited ones
 * by recipe in another, and the old index goes: a partial index costs a write per queued job.
 */
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const claimIndexes: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await sql`CREATE INDEX jobs_claimable ON jobs (run_at, number) WHERE status IN ('queued', 'waiting') AND concurrency_key IS NULL`.execute(db);
    await sql`CREATE INDEX jobs_claimable_limited ON jobs (concurrency_key, run_at, number)
      WHERE status IN ('queued', 'waiting') AND concurrency_key IS NOT NULL`.execute(db);
    await sql`DROP INDEX jobs_runnable`.execute(db);
  },
});
