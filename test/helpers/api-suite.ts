/**
 * One API test suite's setup on a dialect: a test runtime, its app listening on loopback, an admin
 * token, and a REST client. Registers its own beforeAll/afterAll, so a suite writes only its tests.
 */
import { afterAll, beforeAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Dialect } from '../../src/store/types.js';
import type { Runtime } from '../../src/runtime.js';
import { buildApp } from '../../src/server/app.js';
import { testRuntime, type TestRuntime } from '../runtime-helpers.js';
import { Api } from './api.js';

export const ADMIN = 'hf_test_admin_token';

export interface ApiSuite {
  readonly t: TestRuntime;
  readonly rt: Runtime;
  readonly app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** An /api/v1 call as the admin. */
  req(method: string, path: string, body?: unknown, type?: string): Promise<{ status: number; body: any }>;
  /** POSTs a JSON body to a trigger URL (its host replaced by this app's). */
  hook(url: string, body: unknown): Promise<{ status: number; body: Record<string, any> }>;
}

export function apiSuite(dialect: Dialect, opts: { env?: Record<string, string>; workers?: boolean } = {}): ApiSuite {
  let t: TestRuntime | undefined;
  let app: FastifyInstance | undefined;
  let base = '';
  beforeAll(async () => {
    t = await testRuntime(dialect, opts.env, opts.workers);
    await t.rt.users.bootstrapAdmin(ADMIN);
    app = await buildApp(t.rt);
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await app?.close(); await t?.close(); });
  return {
    get t() { return t!; },
    get rt() { return t!.rt; },
    get app() { return app!; },
    get base() { return base; },
    req: (method, path, body, type) => new Api(base, ADMIN).call(method, `/api/v1${path}`, body, type),
    async hook(url, body) {
      const r = await fetch(url.replace(/^https?:\/\/[^/]+/, base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as Record<string, any> };
    },
  };
}
