/**
 * Lease fencing. When a job's lease lapses while its run is still alive (a long GC pause, a
 * CPU-bound expression, a frozen VM: the heartbeat did not run for 2/3 of the lease), the reaper
 * hands the job back and a worker claims it again. The stale run may finish the one step it was
 * inside (the idempotency key covers that), but it must stop at its next write, so no job ever
 * has more than one step called twice — also when the worker that claims it again is the same one.
 *
 * The lapse is made deterministic here: the test runs the reaper's own statement against the
 * store while every running job is inside a slow http.request step; the only worker then claims
 * the jobs again.
 *
 * Was a bug (fixed by fencing on the lease `<worker>:<claim>`): a run's writes were fenced by worker id
 * only (`locked_by = workerId` in queue/sqlite.ts and queue/postgres.ts saveSteps/settle), so
 * the stale run keeps passing the check and runs every remaining step a second time; and
 * engine/worker.ts keys #running by job id, so the stale run's `finally` deletes the live run's
 * entry (no more heartbeats for it, and the worker claims past its concurrency).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './dialects.js';
import { freePort, killAll, pool, postWithRetry, spawnHookflow, waitHealthy, waitUntil, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

const JOBS = 4;
const STEPS = ['a', 'b', 'c'];

describe('lease fencing: a run whose job was reaped stops at its next write', () => {
  const token = `hf_test_${randomBytes(16).toString('hex')}`;
  let dataDir: string;
  let port: number;
  let proc: HfProcess;
  let receiver: Receiver;

  beforeAll(async () => {
    dataDir = tempDir('hf-fencing-');
    port = await freePort();
    receiver = await startReceiver({ minDelayMs: 800, maxDelayMs: 900 });
    proc = spawnHookflow('start', {
      HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HOOKFLOW_LEASE_MS: '30000', HOOKFLOW_POLL_MS: '50', HOOKFLOW_WORKER_CONCURRENCY: String(JOBS),
    });
    await waitHealthy(proc, port);
  });

  afterAll(async () => {
    await killAll();
    await receiver?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('repeats at most the step in flight when the job is claimed again by the same worker', { timeout: 60_000 }, async () => {
    const api = new Api(`http://127.0.0.1:${port}`, token);
    await api.createConnection({ name: 'local', type: 'http', config: { private_network: true } });
    const url = await api.putRecipe({
      name: 'fencing', trigger: { type: 'webhook' },
      steps: STEPS.map((id) => ({ id, action: 'http.request', connection: 'local', with: { method: 'POST', url: receiver.url, body: { n: '{{ trigger.body.n }}' } } })),
    });
    await pool(JOBS, JOBS, async (n) => {
      expect((await postWithRetry(url, JSON.stringify({ n }), { 'content-type': 'application/json', 'webhook-id': `f-${n}` })).status).toBe(200);
    });
    await waitUntil(() => receiver.inFlight.size === JOBS, 20_000, 'every job inside its first step');

    // The lease lapsed and the reaper ran: exactly its statement (queue/sqlite.ts `reap`).
    const db = new Database(path.join(dataDir, 'hookflow.db'));
    db.pragma('busy_timeout = 5000');
    const reaped = db.prepare(`UPDATE jobs SET status = 'queued', locked_by = NULL, locked_until = NULL WHERE status = 'running'`).run().changes;
    db.close();
    expect(reaped).toBe(JOBS);

    const jobs = await api.waitAllFinished('fencing', JOBS, 30_000);
    expect(jobs.filter((j) => j.status !== 'succeeded')).toEqual([]);
    const repeated = new Map<string, string[]>();
    for (const [key, c] of receiver.calls) {
      if (c < 2) continue;
      const [job, step] = key.split(':') as [string, string];
      repeated.set(job, [...(repeated.get(job) ?? []), step]);
    }
    console.log(`[crash-lease-fencing] ${JSON.stringify({ reaped, calls: receiver.totalCalls(), duplicate_calls: receiver.duplicateCalls, repeated_steps: Object.fromEntries(repeated) })}`);
    for (const [job, steps] of repeated) expect(steps, `job ${job}: steps called twice`).toHaveLength(1);
  });
});
