import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { HookflowError } from '../errors.js';
import { errorHandler, toHookflowError } from '../server/errors.js';
import { PG_OK, PG_URL } from '../../test/dialects.js';
import { freePort } from '../../test/helpers/proc.js';
import { isStoreUnavailable } from './unavailable.js';

/** The error a real pg client gives when nothing listens on the port. */
async function refused(): Promise<unknown> {
  const c = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'x', connectionTimeoutMillis: 2000 });
  return c.connect().then(() => null, (e: unknown) => e);
}

describe('store unavailable: one mapping for connection-class errors', () => {
  it('a refused PostgreSQL connection is unavailable and answers 503 with Retry-After on any route', async () => {
    const e = await refused();
    expect(isStoreUnavailable(e)).toBe(true);
    const app = Fastify();
    app.setErrorHandler(errorHandler({ bodyLimit: 1024 }));
    app.get('/api/v1/x', async () => { throw e; });
    const r = await app.inject({ method: 'GET', url: '/api/v1/x' });
    expect(r.statusCode).toBe(503);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.json().error.code).toBe('HF_ERR_STORE_UNAVAILABLE');
    await app.close();
  });

  it('SQLite busy past its timeout is unavailable (503), not an internal error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-busy-'));
    const a = new Database(path.join(dir, 'db'));
    const b = new Database(path.join(dir, 'db'));
    try {
      a.pragma('journal_mode = WAL');
      a.exec('CREATE TABLE t (x INTEGER)');
      b.pragma('busy_timeout = 0');
      a.exec('BEGIN EXCLUSIVE');
      let err: unknown;
      try { b.exec('INSERT INTO t VALUES (1)'); } catch (x) { err = x; }
      expect((err as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(toHookflowError(err, { bodyLimit: 1024 }).code).toBe('HF_ERR_STORE_UNAVAILABLE');
      a.exec('ROLLBACK');
    } finally {
      a.close();
      b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!PG_OK)('other database errors (a unique violation) stay 500 HF_ERR_INTERNAL', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query('CREATE TEMP TABLE hf_unique_probe (x int PRIMARY KEY)');
      await c.query('INSERT INTO hf_unique_probe VALUES (1)');
      const e = await c.query('INSERT INTO hf_unique_probe VALUES (1)').then(() => null, (x: unknown) => x);
      expect((e as { code?: string }).code).toBe('23505');
      expect(isStoreUnavailable(e)).toBe(false);
      expect(toHookflowError(e, { bodyLimit: 1024 })).toMatchObject({ code: 'HF_ERR_INTERNAL', status: 500 });
    } finally {
      await c.end();
    }
  });

  it("a coded error keeps its code: an HTTP step's refused connection is not the store's", async () => {
    const e = new HookflowError('HF_ERR_HTTP_REQUEST', { url: 'http://x', reason: 'refused' }, { cause: await refused() });
    expect(isStoreUnavailable(e)).toBe(false);
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
  });
});
