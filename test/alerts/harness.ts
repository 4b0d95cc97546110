/**
 * One in-process Hookflow for the alerting tests: a real runtime on a SQLite file or a PostgreSQL
 * schema, its server listening on loopback, an admin token, and the alerting clock moved by the
 * test (`advance`) instead of waited for. `tick()` runs one round of escalation steps and
 * notifications at the moved time, as the runtime's own timer would.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Dialect } from '../../src/store/types.js';
import { buildApp } from '../../src/server/app.js';
import { testRuntime, type TestRuntime } from '../runtime-helpers.js';

export const ADMIN = 'hf_test_alerts_admin_token';

export interface Harness {
  t: TestRuntime;
  app: FastifyInstance;
  base: string;
  advance(ms: number): void;
  tick(): Promise<void>;
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any; headers: Headers }>;
  /** POST /api/events (no bearer token). */
  event(body: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startHarness(dialect: Dialect, env: Record<string, string> = {}): Promise<Harness> {
  const t = await testRuntime(dialect, { HOOKFLOW_PUBLIC_URL: 'http://hookflow.test', ...env });
  await t.rt.users.bootstrapAdmin(ADMIN);
  let offset = 0;
  t.rt.alerts.deps.now = () => Date.now() + offset;
  const app = await buildApp(t.rt);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call: Harness['call'] = async (method, path, body, token = ADMIN) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* keep the text */ }
    return { status: r.status, body: parsed as any, headers: r.headers };
  };
  return {
    t, app, base, call,
    advance: (ms) => { offset += ms; },
    tick: () => t.rt.alerts.tick(),
    event: (body) => call('POST', '/api/events', body, null),
    async close() { await app.close(); await t.close(); },
  };
}

/** PUT a resource and fail loudly unless it was stored. */
export async function put(h: Harness, path: string, body: unknown): Promise<any> {
  const r = await h.call('PUT', path, body);
  if (r.status !== 200 && r.status !== 201) throw new Error(`PUT ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
