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
import { clientConfig, DEFAULT_TIMEOUTS, GuardedPool, type PoolTimeouts } from './pool.js';

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
  timeouts?: Partial<PoolTimeouts>;
  /** The health check's own deadline (statement and connect), ms. */
  healthTimeoutMs?: number;
  /** Where connection errors go (logged; the pool replaces the client). */
  onError?: (e: Error) => void;
}

export async function openPostgres(opts: PostgresOptions): Promise<Store> {
  const options = opts.schema ? `-c search_path=${opts.schema}` : undefined;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const onError = opts.onError ?? (() => undefined);
  if (opts.schema) {
    const c = new pg.Client(clientConfig({ url: opts.url, timeouts }));
    c.on('error', onError);
    try {
      await c.connect();
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema.replace(/"/g, '')}"`);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  const guarded = new GuardedPool({ url: opts.url, max: opts.poolSize ?? 10, options, timeouts, onError });
  // The health check has its own connection and a short deadline: a pool busy with long work must
  // not look like an outage, and a silent connection must not look healthy.
  const health = new GuardedPool({ url: opts.url, max: 1, options, timeouts: { ...timeouts, statementMs: opts.healthTimeoutMs ?? 2_000, connectMs: opts.healthTimeoutMs ?? 2_000 }, onError });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: guarded }) });
  // Several processes may start at once; the lock lets one migrate while others wait.
  try {
    const client = await guarded.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migrate(db, 'postgres');
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  } catch (e) {
    // The caller may try again (the store was unreachable): leave no pool behind.
    await Promise.all([db.destroy().catch(() => undefined), health.end().catch(() => undefined)]);
    throw e;
  }
  return {
    dialect: 'postgres',
    db,
    queue: new PostgresQueueSql(guarded),
    pg: { pool: guarded },
    tx: (fn) => db.transaction().execute(fn),
    ping: async (timeoutMs) => {
      await withDeadline(health.query('SELECT 1'), timeoutMs);
    },
    close: async () => {
      await Promise.all([db.destroy(), health.end().catch(() => undefined)]);
    },
  };
}

/** Rejects with a connection-class error when `p` takes longer than `ms`. */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timer = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`connection timeout: no answer within ${ms} ms`)), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, timer]).finally(() => clearTimeout(t));
}
