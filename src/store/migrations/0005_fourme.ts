/**
 * @module store/migrations/0005_fourme
 * The 4me trigger's tables: which recipe listens to which 4me webhook on which connection (one
 * inbound URL per connection routes to many recipes), and the outcome of each `webhook.verify`
 * handshake (so `hookflow 4me verify` can redo it and people can see why a webhook stays inactive).
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const fourme: MigrationFactory = (dialect) => {
  const { time } = columnTypes(dialect);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('fourme_routes')
        .addColumn('recipe', 'text', (c) => c.primaryKey())
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('webhook_id', 'text')
        .addColumn('webhook_node_id', 'text')
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('fourme_routes_connection').on('fourme_routes').columns(['connection']).execute();
      await db.schema.createTable('fourme_verifications')
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('webhook_id', 'text', (c) => c.notNull())
        .addColumn('callback', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('received_at', time, (c) => c.notNull())
        .addColumn('verified_at', time)
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('fourme_verifications_pk', ['connection', 'webhook_id'])
        .execute();
    },
  };
};
