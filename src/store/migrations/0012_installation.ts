/**
 * @module store/migrations/0012_installation
 * A small settings table holding this store's installation id, made once here: alerts forwarded
 * to ilert or PagerDuty carry it in their key, so two Hookflow databases forwarding to the same
 * service never land on each other's open alerts. Alert keys are matched case-insensitively from
 * now on (as ilert does), so every stored key also gets its lower-case form.
 */
import { randomUUID } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import type { MigrationFactory } from './types.js';

export const installation: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema.createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.insertInto('settings').values({ key: 'installation_id', value: randomUUID().replace(/-/g, '').slice(0, 16) }).execute();
    await sql`INSERT INTO alert_keys (source_id, alert_key, alert_id)
      SELECT source_id, lower(alert_key), alert_id FROM alert_keys WHERE alert_key <> lower(alert_key)
      ON CONFLICT DO NOTHING`.execute(db);
  },
});
