/**
 * @module store/migrations/0003_http
 * The HTTP connector's tables: binary responses stored in chunks (never one big value in memory),
 * inferred step output schemas, captured webhook samples, and the polling trigger's cursor and lease.
 */
import { Kysely, sql } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const http: MigrationFactory = (dialect) => {
  const { time, blob } = columnTypes(dialect);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('blobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('size', time, (c) => c.notNull())
        .addColumn('content_type', 'text')
        .addColumn('complete', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('blob_chunks')
        .addColumn('blob_id', 'text', (c) => c.notNull().references('blobs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('data', blob, (c) => c.notNull())
        .addPrimaryKeyConstraint('blob_chunks_pk', ['blob_id', 'seq'])
        .execute();
      await db.schema.createTable('step_schemas')
        .addColumn('recipe', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('schema', 'text', (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('step_schemas_pk', ['recipe', 'step_id'])
        .execute();
      await db.schema.createTable('trigger_samples')
        .addColumn('recipe', 'text', (c) => c.primaryKey())
        .addColumn('armed', 'integer', (c) => c.notNull())
        .addColumn('armed_at', time, (c) => c.notNull())
        .addColumn('sample', 'text')
        .addColumn('schema', 'text')
        .addColumn('captured_at', time)
        .execute();
      await db.schema.createTable('poll_state')
        .addColumn('recipe', 'text', (c) => c.primaryKey())
        .addColumn('cursor', 'text')
        .addColumn('next_poll_at', time, (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('auth_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', time)
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX poll_state_due ON poll_state (next_poll_at)`.execute(db);
    },
  };
};
