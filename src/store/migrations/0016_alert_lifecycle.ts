/**
 * @module store/migrations/0016_alert_lifecycle
 * The alert lifecycle: a snooze time and an assignee on alerts, an acknowledgement timeout on
 * policies, lifecycle deadlines (acknowledgement timeout, end of a snooze, auto-resolve after a
 * quiet period) as rows fired once like `alert_timers`, maintenance windows per source with the
 * events they absorbed, and heartbeat monitors (only the ping token's hash is kept).
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const alertLifecycle: MigrationFactory = (dialect) => {
  const { time, serial } = columnTypes(dialect);
  const pk = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('alerts').addColumn('snoozed_until', time).execute();
      await db.schema.alterTable('alerts').addColumn('assignee', 'text').execute();
      await db.schema.alterTable('escalation_policies').addColumn('ack_timeout_minutes', 'integer').execute();
      await db.schema.createTable('alert_deadlines')
        .addColumn('id', serial, pk)
        .addColumn('alert_id', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('due_at', time, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('fired_at', time)
        .execute();
      await db.schema.createIndex('alert_deadlines_due').on('alert_deadlines').columns(['status', 'due_at']).execute();
      await db.schema.createIndex('alert_deadlines_alert').on('alert_deadlines').columns(['alert_id', 'kind', 'status']).execute();
      await db.schema.createTable('alert_maintenance')
        .addColumn('id', serial, pk)
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('starts_at', time, (c) => c.notNull())
        .addColumn('ends_at', time, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alert_maintenance_source').on('alert_maintenance').columns(['source_id', 'starts_at']).execute();
      await db.schema.createTable('alert_absorbed')
        .addColumn('id', serial, pk)
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('window_id', 'integer', (c) => c.notNull())
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('alert_key', 'text')
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('data', 'text')
        .execute();
      await db.schema.createIndex('alert_absorbed_window').on('alert_absorbed').columns(['window_id', 'id']).execute();
      await db.schema.createTable('heartbeats')
        .addColumn('id', serial, pk)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('events_from', 'text')
        .addColumn('interval_minutes', 'integer', (c) => c.notNull())
        .addColumn('grace_minutes', 'integer', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('last_beat_at', time)
        .addColumn('due_at', time, (c) => c.notNull())
        .addColumn('alert_id', 'integer')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('heartbeats_due').on('heartbeats').columns(['status', 'due_at']).execute();
      await db.schema.createIndex('heartbeats_events_from').on('heartbeats').columns(['events_from']).execute();
    },
  };
};
