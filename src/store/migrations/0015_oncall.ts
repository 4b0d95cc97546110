/**
 * @module store/migrations/0015_oncall
 * On-call schedules (`oncall_schedules`: `schedules` is the schedule trigger's) with layers as
 * JSON (read whole to answer "who is on call"), their overrides (rows: added and removed one at
 * a time, listed by period), personal notification
 * rules (one row per rule, ordered by position) and the rule steps an escalation schedules: rows
 * with due times fired once by a conditional update, like `alert_timers`.
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const oncall: MigrationFactory = (dialect) => {
  const { time, serial } = columnTypes(dialect);
  const pk = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('oncall_schedules')
        .addColumn('id', serial, pk)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('layers', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('oncall_overrides')
        .addColumn('id', serial, pk)
        .addColumn('schedule_id', 'integer', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('starts_at', time, (c) => c.notNull())
        .addColumn('ends_at', time, (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('oncall_overrides_period').on('oncall_overrides').columns(['schedule_id', 'ends_at']).execute();
      await db.schema.createTable('notification_rules')
        .addColumn('id', serial, pk)
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('delay_minutes', 'integer', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('template', 'text')
        .addColumn('private_network', 'integer', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addUniqueConstraint('notification_rules_order', ['user_id', 'position'])
        .execute();
      await db.schema.createTable('alert_rule_steps')
        .addColumn('id', serial, pk)
        .addColumn('alert_id', 'integer', (c) => c.notNull())
        .addColumn('dedup', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('due_at', time, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('fired_at', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .addUniqueConstraint('alert_rule_steps_dedup', ['alert_id', 'dedup'])
        .execute();
      await db.schema.createIndex('alert_rule_steps_due').on('alert_rule_steps').columns(['status', 'due_at']).execute();
    },
  };
};
