/**
 * @module store/migrations/0007_alerts
 * Alerting: teams (groups of users), escalation policies, alert sources, alerts with their keys,
 * log and delivery dedup, escalation timers and outgoing notifications. Timers and notifications
 * are rows, not in-memory timeouts, so a restart loses neither and several processes fire each
 * one once (a conditional update claims it).
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const alerts: MigrationFactory = (dialect) => {
  const { time, serial } = columnTypes(dialect);
  const pk = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('teams')
        .addColumn('id', serial, pk)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('team_members')
        .addColumn('team_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
        .execute();
      await db.schema.createTable('escalation_policies')
        .addColumn('id', serial, pk)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('levels', 'text', (c) => c.notNull())
        .addColumn('repeat', 'integer', (c) => c.notNull())
        .addColumn('delay_minutes', 'integer', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('alert_sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('teams', 'text', (c) => c.notNull())
        .addColumn('policy_id', 'integer')
        .addColumn('grouping', 'text', (c) => c.notNull())
        .addColumn('grouping_window', 'text')
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('summary_template', 'text')
        .addColumn('details_template', 'text')
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text')
        .addColumn('integration_key_hash', 'text', (c) => c.unique())
        .addColumn('integration_key_sealed', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('alerts')
        .addColumn('id', serial, pk)
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('alert_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('details', 'text')
        .addColumn('custom_details', 'text')
        .addColumn('links', 'text', (c) => c.notNull())
        .addColumn('images', 'text', (c) => c.notNull())
        .addColumn('record', 'text')
        .addColumn('policy_id', 'integer')
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('escalation_level', 'integer')
        .addColumn('escalation_round', 'integer', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('accepted_at', time)
        .addColumn('accepted_by', 'text')
        .addColumn('resolved_at', time)
        .addColumn('resolved_by', 'text')
        .execute();
      await db.schema.createIndex('alerts_source_status').on('alerts').columns(['source_id', 'status', 'created_at']).execute();
      await db.schema.createIndex('alerts_status').on('alerts').columns(['status', 'id']).execute();
      await db.schema.createTable('alert_keys')
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('alert_key', 'text', (c) => c.notNull())
        .addColumn('alert_id', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_keys_pk', ['source_id', 'alert_key', 'alert_id'])
        .execute();
      await db.schema.createTable('alert_log')
        .addColumn('id', serial, pk)
        .addColumn('alert_id', 'integer', (c) => c.notNull())
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('data', 'text')
        .execute();
      await db.schema.createIndex('alert_log_alert').on('alert_log').columns(['alert_id', 'id']).execute();
      await db.schema.createTable('alert_dedup')
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('alert_id', 'integer')
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_dedup_pk', ['source_id', 'key'])
        .execute();
      await db.schema.createTable('alert_timers')
        .addColumn('id', serial, pk)
        .addColumn('alert_id', 'integer', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('due_at', time, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('fired_at', time)
        .addUniqueConstraint('alert_timers_step', ['alert_id', 'level', 'round'])
        .execute();
      await db.schema.createIndex('alert_timers_due').on('alert_timers').columns(['status', 'due_at']).execute();
      await db.schema.createTable('alert_notifications')
        .addColumn('id', serial, pk)
        .addColumn('alert_id', 'integer', (c) => c.notNull())
        .addColumn('dedup', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', time, (c) => c.notNull())
        .addColumn('locked_until', time)
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('sent_at', time)
        .addUniqueConstraint('alert_notifications_dedup', ['alert_id', 'dedup'])
        .execute();
      await db.schema.createIndex('alert_notifications_due').on('alert_notifications').columns(['status', 'next_attempt_at']).execute();
    },
  };
};
