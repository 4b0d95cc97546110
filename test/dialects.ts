/**
 * The dialect matrix (kysely style): suites loop `for (const dialect of DIALECTS)`.
 * PostgreSQL runs when reachable; otherwise its suites are skipped and the output says why.
 * `HOOKFLOW_TEST_DIALECTS=sqlite` narrows the matrix.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openSqlite } from '../src/store/sqlite/open.js';
import { MIGRATION_LOCK, openPostgres } from '../src/store/postgres/open.js';
import type { Dialect, Store } from '../src/store/types.js';

export const PG_URL = process.env.HOOKFLOW_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  // A loaded machine can be slow to accept a connection: try a few times before skipping.
  for (let attempt = 0; attempt < 3; attempt++) {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      await c.end().catch(() => undefined);
    }
  }
  return false;
}

export const PG_OK = await reachable();
if (!PG_OK) console.warn(`[hookflow tests] PostgreSQL unreachable at ${PG_URL}: PostgreSQL suites are skipped`);

const wanted = (process.env.HOOKFLOW_TEST_DIALECTS ?? 'sqlite,postgres').split(',');
export const DIALECTS: Dialect[] = (['sqlite', 'postgres'] as const).filter((d) => wanted.includes(d));

export function dialectAvailable(d: Dialect): boolean {
  return d === 'sqlite' || PG_OK;
}

export interface TestStore {
  store: Store;
  /** Settings that open the same store from another process. */
  env: Record<string, string>;
  dataDir: string;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = 'hf-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh, empty store: a new SQLite file or a new PostgreSQL schema. */
export async function openTestStore(dialect: Dialect): Promise<TestStore> {
  const dataDir = tempDir();
  if (dialect === 'sqlite') {
    const store = await openSqlite({ file: path.join(dataDir, 'hookflow.db') });
    return { store, dataDir, env: { HOOKFLOW_DATA_DIR: dataDir }, cleanup: async () => { await store.close(); fs.rmSync(dataDir, { recursive: true, force: true }); } };
  }
  const schema = `hf_test_${randomBytes(6).toString('hex')}`;
  const store = await openPostgres({ url: PG_URL, schema });
  return {
    store,
    dataDir,
    env: { HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_DATABASE_URL: PG_URL, HOOKFLOW_PG_SCHEMA: schema },
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  // Under the migration lock: a drop during another store's migration breaks its introspection.
  await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
}
