/**
 * @module store/migrations/0008_retention
 * Indexes the retention pass reads: dispatched outbox events and finished deliveries by age.
 */
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const retention: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await sql`CREATE INDEX outbox_dispatched ON outbox (dispatched_at) WHERE dispatched_at IS NOT NULL`.execute(db);
    await sql`CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (updated_at) WHERE status <> 'pending'`.execute(db);
  },
});
