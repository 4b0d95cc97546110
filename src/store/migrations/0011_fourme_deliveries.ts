/**
 * @module store/migrations/0011_fourme_deliveries
 * The 4me connection's delivery log (what each delivery became per recipe: a job, a duplicate, or
 * ignored and why — 4me gets 200 either way, so this is where people see it) and the inbound
 * de-duplication keys, kept apart from jobs so a replay is recognised after its job was pruned.
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const fourmeDeliveries: MigrationFactory = (dialect) => {
  const { time, serial } = columnTypes(dialect);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('fourme_deliveries')
        .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('received_at', time, (c) => c.notNull())
        .addColumn('delivery_id', 'text')
        .addColumn('jti', 'text')
        .addColumn('webhook_id', 'text')
        .addColumn('event', 'text')
        .addColumn('recipe', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('job_id', 'text')
        .execute();
      await db.schema.createIndex('fourme_deliveries_connection').on('fourme_deliveries').columns(['connection', 'id']).execute();
      await db.schema.createIndex('fourme_deliveries_received').on('fourme_deliveries').columns(['received_at']).execute();
      await db.schema.createTable('inbound_dedup')
        .addColumn('recipe', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('inbound_dedup_pk', ['recipe', 'key'])
        .execute();
      await db.schema.createIndex('inbound_dedup_created').on('inbound_dedup').columns(['created_at']).execute();
    },
  };
};
