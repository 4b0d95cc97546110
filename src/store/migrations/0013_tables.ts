/**
 * @module store/migrations/0013_tables
 * Lookup tables: a table's definition (key column and typed columns, JSON), its rows (one JSON
 * object each, keyed by the key column's value as text), and the writes steps applied, keyed by
 * the step's idempotency key, so a retried step returns what it did instead of writing again.
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const tables: MigrationFactory = (dialect) => {
  const { time } = columnTypes(dialect);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('lookup_tables')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text')
        .addColumn('key_column', 'text', (c) => c.notNull())
        .addColumn('columns', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('lookup_rows')
        .addColumn('table_name', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('lookup_rows_pk', ['table_name', 'key'])
        .execute();
      await db.schema.createTable('lookup_writes')
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('table_name', 'text', (c) => c.notNull())
        .addColumn('output', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('lookup_writes_table').on('lookup_writes').columns(['table_name']).execute();
      await db.schema.createIndex('lookup_writes_created').on('lookup_writes').columns(['created_at']).execute();
    },
  };
};
