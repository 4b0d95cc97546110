/**
 * @module store/migrations/0022_steps_without_rowid
 * On SQLite, `job_steps` becomes a WITHOUT ROWID table: its rows live in the b-tree of their
 * primary key (job_id, step_id). As a rowid table each step row was written twice, once in the
 * table and once in the key's own index, and every job writes at least one row per step.
 * Micro-bench, 2 steps per job, 40 jobs per commit: 12.1–13.9 → 9.9–12.2 µs per job. Every
 * reader looks steps up by job id, the key's first column, as before. PostgreSQL keeps its
 * table: a heap with a separate primary-key index is all it has.
 */
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const stepsWithoutRowid: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    if (dialect !== 'sqlite') return;
    // Kysely runs SQLite migrations outside a transaction: in one of its own, the copy is all or
    // nothing, so a failure or a process killed halfway leaves the old table as it was.
    await db.transaction().execute(copy);
  },
});

async function copy(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE job_steps_new (
    job_id text NOT NULL, step_id text NOT NULL, seq integer NOT NULL, status text NOT NULL, attempts integer NOT NULL,
    input text, output text, error text, idempotency_key text NOT NULL, started_at integer, finished_at integer,
    CONSTRAINT job_steps_pk PRIMARY KEY (job_id, step_id)) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO job_steps_new (job_id, step_id, seq, status, attempts, input, output, error, idempotency_key, started_at, finished_at)
    SELECT job_id, step_id, seq, status, attempts, input, output, error, idempotency_key, started_at, finished_at FROM job_steps`.execute(db);
  await sql`DROP TABLE job_steps`.execute(db);
  await sql`ALTER TABLE job_steps_new RENAME TO job_steps`.execute(db);
}
