/**
 * @module store/migrations/0006_ops
 * The operations API: applications (token URLs), stable process ids for recipe versions with an
 * `operation` trigger, and the actions people complete (one per `human.action` step run).
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const ops: MigrationFactory = (dialect) => {
  const { time, serial } = columnTypes(dialect);
  const pk = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('ops_apps')
        .addColumn('id', serial, pk)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('impersonate_user_id', 'integer')
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        // Looked up by hash on every call; the sealed token lets admins see the URL again.
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('token_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('ops_processes')
        .addColumn('id', serial, pk)
        .addColumn('recipe', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addUniqueConstraint('ops_processes_recipe_version', ['recipe', 'version'])
        .execute();
      await db.schema.createTable('ops_actions')
        .addColumn('id', serial, pk)
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('job_number', time, (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('recipe', 'text', (c) => c.notNull())
        .addColumn('activity_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('assignee_user_id', 'integer')
        .addColumn('assignee_role', 'text')
        .addColumn('form', 'text')
        .addColumn('exceptions', 'text', (c) => c.notNull())
        .addColumn('instructions', 'text')
        .addColumn('due_at', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('closed_at', time)
        .addColumn('closed_by', 'integer')
        .addUniqueConstraint('ops_actions_step', ['job_id', 'step_id'])
        .addUniqueConstraint('ops_actions_number', ['job_number', 'number'])
        .execute();
      await db.schema.createIndex('ops_actions_open').on('ops_actions').columns(['status', 'assignee_user_id']).execute();
    },
  };
};
