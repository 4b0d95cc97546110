/**
 * @module store/postgres/open
 * The shared store for scale-out: any number of processes on any hosts.
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from '../schema.js';
import type { Store } from '../types.js';
import { migrate } from '../migrations/index.js';
import { PostgresQueueSql } from '../../queue/postgres.js';

// Times are bigint epoch-ms; JavaScript numbers hold them exactly until the year 287396.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * The advisory lock migrations run under. Kysely's migrator introspects every schema's tables
 * (`has_schema_privilege` by name), which fails with "schema … does not exist" if another schema
 * is dropped meanwhile: whoever drops a Hookflow schema (tests do) takes this lock first.
 */
export const MIGRATION_LOCK = 74711;

export interface PostgresOptions {
  url: string;
  /** A schema to live in (tests use one per file); created when missing. */
  schema?: string;
  poolSize?: number;
}

export async function openPostgres(opts: PostgresOptions): Promise<Store> {
  const options = opts.schema ? `-c search_path=${opts.schema}` : undefined;
  if (opts.schema) {
    const c = new pg.Client({ connectionString: opts.url });
    await c.connect();
    await c.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema.replace(/"/g, '')}"`);
    await c.end();
  }
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, options });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  // Several processes may start at once; the lock lets one migrate while others wait.
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(db, 'postgres');
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return {
    dialect: 'postgres',
    db,
    queue: new PostgresQueueSql(pool),
    tx: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
}
