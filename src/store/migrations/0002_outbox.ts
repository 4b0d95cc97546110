/**
 * @module store/migrations/0002_outbox
 * The outbox: events written in the same transaction as the change that caused them, so none
 * is lost and none is sent for a change that rolled back. The outbound module delivers them.
 */
import { Kysely, sql } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const outbox: MigrationFactory = (dialect) => {
  const { time, serial } = columnTypes(dialect);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('outbox')
        .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('recipe', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('dispatched_at', time)
        .execute();
      await sql`CREATE INDEX outbox_pending ON outbox (id) WHERE dispatched_at IS NULL`.execute(db);
    },
  };
};
