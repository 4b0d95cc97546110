/**
 * One in-process Hookflow for the alerting tests: a real runtime on a SQLite file or a PostgreSQL
 * schema, its server listening on loopback, an admin token, and the alerting clock moved by the
 * test (`advance`) instead of waited for. `tick()` runs one round of escalation steps and
 * notifications at the moved time, as the runtime's own timer would.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Dialect } from '../../src/store/types.js';
import { buildApp } from '../../src/server/app.js';
import { loadSettings } from '../../src/config/index.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { PG_URL, dropSchema, tempDir } from '../dialects.js';

export const ADMIN = 'hf_test_alerts_admin_token';

export interface Harness {
  rt: Runtime;
  app: FastifyInstance;
  env: Record<string, string>;
  base: string;
  advance(ms: number): void;
  tick(): Promise<void>;
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any; headers: Headers }>;
  /** POST /api/events (no bearer token). */
  event(body: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  /** Stops this process's runtime and server and starts new ones on the same store (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(dialect: Dialect, extra: Record<string, string> = {}): Promise<Harness> {
  const dataDir = tempDir();
  const schema = `hf_test_${randomBytes(6).toString('hex')}`;
  const env: Record<string, string> = {
    HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_LOG_LEVEL: 'silent', HOOKFLOW_POLL_MS: '20', HOOKFLOW_LEASE_MS: '2000', HOOKFLOW_PUBLIC_URL: 'http://hookflow.test',
    ...(dialect === 'postgres' ? { HOOKFLOW_DATABASE_URL: PG_URL, HOOKFLOW_PG_SCHEMA: schema } : {}),
    ...extra,
  };
  let offset = 0;
  const open = async () => {
    const rt = await createRuntime(loadSettings(env), { workers: true });
    // The moved clock: every alerting part reads deps.now.
    rt.alerts.deps.now = () => Date.now() + offset;
    const app = await buildApp(rt);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { rt, app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
  };
  const first = await open();
  await first.rt.users.bootstrapAdmin(ADMIN);
  const h: Harness = {
    ...first, env,
    call: async (method, path, body, token = ADMIN) => {
      const r = await fetch(`${h.base}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : null; } catch { /* keep the text */ }
      return { status: r.status, body: parsed as any, headers: r.headers };
    },
    advance: (ms) => { offset += ms; },
    tick: () => h.rt.alerts.tick(),
    event: (body) => h.call('POST', '/api/events', body, null),
    async restart() {
      await h.app.close();
      await h.rt.close();
      Object.assign(h, await open());
    },
    async close() {
      await h.app.close();
      await h.rt.close();
      if (dialect === 'postgres') await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** PUT a resource and fail loudly unless it was stored. */
export async function put(h: Harness, path: string, body: unknown): Promise<any> {
  const r = await h.call('PUT', path, body);
  if (r.status !== 200 && r.status !== 201) throw new Error(`PUT ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const CLI_BIN = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));

/** The built CLI against a harness's server, as the admin; `json` parses `--json` output. */
export function harnessCli(base: () => string, token = ADMIN) {
  const cli = (...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, HOOKFLOW_URL: base(), HOOKFLOW_TOKEN: token, HOOKFLOW_LOG_LEVEL: 'warn' }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
  const json = async (...args: string[]) => {
    const r = await cli(...args, '--json');
    if (r.code !== 0) throw new Error(`hookflow ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as any;
  };
  return { cli, json };
}
