/**
 * @module store/migrations/0004_outbound
 * Outbound webhooks: subscriptions, one delivery per event and subscription (its id is the
 * `webhook-id` every attempt repeats), and the attempt log.
 */
import { Kysely, sql } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const outbound: MigrationFactory = (dialect) => {
  const { time, serial } = columnTypes(dialect);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('recipe', 'text')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled_reason', 'text')
        .addColumn('private_network', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('mail_exceptions_to', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('max_concurrency', 'integer')
        .addColumn('rate_limit', 'integer')
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('policy', 'text')
        .addColumn('verify', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('verified_at', time)
        .addColumn('verify_token_hash', 'text')
        .addColumn('verify_expires_at', time)
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failing_since', time)
        .addColumn('failing_notified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_delivery_at', time)
        .addColumn('last_delivery_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
        .addColumn('outbox_id', time)
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', time, (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      // Fan-out is idempotent: an outbox row reaches a subscription at most once, even when replayed.
      await sql`CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (outbox_id, webhook_id) WHERE outbox_id IS NOT NULL`.execute(db);
      // A claim walks one subscription's due deliveries in order; in-flight ones are pushed past their lease.
      await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (webhook_id, next_attempt_at) WHERE status = 'pending'`.execute(db);
      await db.schema.createIndex('webhook_deliveries_created').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();
      await db.schema.createTable('webhook_attempts')
        .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
        .addColumn('webhook_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('next_attempt_at', time)
        .addColumn('trigger', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'id']).execute();
      await db.schema.createIndex('webhook_attempts_webhook').on('webhook_attempts').columns(['webhook_id', 'id']).execute();
    },
  };
};
