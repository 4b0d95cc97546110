/**
 * In-process runtimes on a test store (SQLite file or PostgreSQL schema), for engine, queue and
 * API tests that need no child process.
 */
import { loadSettings } from '../src/config/index.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import type { Dialect } from '../src/store/types.js';
import { PG_URL, tempDir, dropSchema } from './dialects.js';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

export interface TestRuntime {
  rt: Runtime;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function testRuntime(dialect: Dialect, extra: Record<string, string> = {}, workers = true): Promise<TestRuntime> {
  const dataDir = tempDir();
  const schema = `hf_test_${randomBytes(6).toString('hex')}`;
  const env: Record<string, string> = {
    HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_LOG_LEVEL: 'silent', HOOKFLOW_POLL_MS: '20', HOOKFLOW_LEASE_MS: '2000',
    ...(dialect === 'postgres' ? { HOOKFLOW_DATABASE_URL: PG_URL, HOOKFLOW_PG_SCHEMA: schema } : {}),
    ...extra,
  };
  const rt = await createRuntime(loadSettings(env), { workers });
  return {
    rt, env,
    async close() {
      await rt.close();
      if (dialect === 'postgres') await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until the job is final; returns its view with steps. */
export async function waitJob(rt: Runtime, id: string, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const j = await rt.jobs.show(id);
    if (['succeeded', 'failed', 'canceled'].includes(j.status)) return j;
    if (Date.now() > until) throw new Error(`job ${id} still ${j.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function waitFor(cond: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
