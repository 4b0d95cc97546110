/**
 * @module store/migrations/0001_core
 * Users, tokens, recipes and versions, endpoints, jobs and steps, connections, schedules.
 */
import { Kysely, sql, type Migration } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const core: MigrationFactory = (dialect) => {
  const { time, serial } = columnTypes(dialect);
  const migration: Migration = {
    async up(db: Kysely<any>) {
      await db.schema.createTable('users')
        .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('workflow_roles', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('api_tokens')
        .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('user_id', time, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('last_used_at', time)
        .execute();
      await db.schema.createTable('recipes')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('current_version', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('concurrency', 'integer')
        .addColumn('trigger_type', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('recipe_versions')
        .addColumn('recipe', 'text', (c) => c.notNull().references('recipes.name').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('recipe_versions_pk', ['recipe', 'version'])
        .execute();
      await db.schema.createTable('endpoints')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('endpoints_owner').on('endpoints').columns(['kind', 'owner']).execute();
      await db.schema.createTable('jobs')
        .addColumn('number', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('recipe', 'text', (c) => c.notNull())
        .addColumn('recipe_version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text')
        .addColumn('repeat_of', 'text')
        .addColumn('error', 'text')
        .addColumn('concurrency_key', 'text')
        .addColumn('run_at', time, (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', time)
        .addColumn('claims', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('timeout_at', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('started_at', time)
        .addColumn('finished_at', time)
        .execute();
      // A delivery key is unique per recipe: the second insert of the same key finds the first job.
      await sql`CREATE UNIQUE INDEX jobs_dedup ON jobs (recipe, dedup_key) WHERE dedup_key IS NOT NULL`.execute(db);
      // The claim scans only runnable rows, ordered by due time.
      await sql`CREATE INDEX jobs_runnable ON jobs (run_at, number) WHERE status IN ('queued', 'waiting')`.execute(db);
      await sql`CREATE INDEX jobs_leased ON jobs (locked_until) WHERE status = 'running'`.execute(db);
      await db.schema.createIndex('jobs_recipe_number').on('jobs').columns(['recipe', 'number']).execute();
      await db.schema.createIndex('jobs_status_number').on('jobs').columns(['status', 'number']).execute();
      await db.schema.createIndex('jobs_finished').on('jobs').column('finished_at').execute();
      await db.schema.createTable('job_steps')
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('input', 'text')
        .addColumn('output', 'text')
        .addColumn('error', 'text')
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('started_at', time)
        .addColumn('finished_at', time)
        .addPrimaryKeyConstraint('job_steps_pk', ['job_id', 'step_id'])
        .execute();
      await db.schema.createTable('connections')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('schedules')
        .addColumn('recipe', 'text', (c) => c.primaryKey())
        .addColumn('last_fire_at', time)
        .execute();
    },
  };
  return migration;
};
