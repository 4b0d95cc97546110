/**
 * Lock order under the crash-test load: one serving `hookflow start` and three `hookflow worker`
 * processes settle and heartbeat thousands of jobs at once on a private PostgreSQL cluster. Any
 * "deadlock detected" (SQLSTATE 40P01), in a process's log or in `pg_stat_database.deadlocks`,
 * fails the test. Before the lock order was fixed this load deadlocked several times per run.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './dialects.js';
import { freePort, killAll, pool, postWithRetry, spawnHookflow, waitHealthy, waitOutput, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { applyCrashRecipe, startReceiver, type Receiver } from './helpers/receiver.js';
import { clusterUnavailable, createCluster, type PgCluster } from './helpers/pg-cluster.js';

const EVENTS = 2000;
const WHY = clusterUnavailable();
if (WHY) console.warn(`[deadlock-postgres] skipped: ${WHY}`);

describe.skipIf(WHY !== null)('PostgreSQL lock order under load (3 workers)', () => {
  const token = `hf_test_${randomBytes(16).toString('hex')}`;
  let cluster: PgCluster | undefined;
  let receiver: Receiver | undefined;
  let dataDir: string;

  beforeAll(async () => {
    cluster = await createCluster('hf-pgc-deadlock-');
    receiver = await startReceiver({ minDelayMs: 1, maxDelayMs: 5 });
    dataDir = tempDir('hf-deadlock-');
  }, 60_000);

  afterAll(async () => {
    await killAll();
    await receiver?.close();
    cluster?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('settles thousands of jobs with heartbeats running and never deadlocks', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const env = {
      HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HOOKFLOW_DATABASE_URL: cluster!.url, HOOKFLOW_LEASE_MS: '2000', HOOKFLOW_POLL_MS: '20',
    };
    const server = spawnHookflow('start', { ...env, HOOKFLOW_WORKER_CONCURRENCY: '0' });
    await waitHealthy(server, port);
    const workers: HfProcess[] = [];
    for (let i = 0; i < 3; i++) workers.push(spawnHookflow('worker', { ...env, HOOKFLOW_WORKER_CONCURRENCY: '64', HOOKFLOW_LOG_LEVEL: 'info' }));
    await Promise.all(workers.map((w) => waitOutput(w, /hookflow worker started/)));
    const admin = await cluster!.client();
    const deadlocks = async () => Number((await admin.query<{ n: string }>(`SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()`)).rows[0]!.n);
    const before = await deadlocks();

    const api = new Api(`http://127.0.0.1:${port}`, token);
    const url = await applyCrashRecipe(api, 'deadlock-load', receiver!);
    const t0 = Date.now();
    await pool(EVENTS, 40, async (n) => {
      const r = await postWithRetry(url, JSON.stringify({ n }), { 'content-type': 'application/json', 'webhook-id': `dl-${n}` }, { deadlineMs: 60_000, delayMs: 20 });
      expect(r.status).toBe(200);
    });
    const deadline = Date.now() + 120_000;
    let open = -1;
    while (Date.now() < deadline) {
      open = Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM jobs WHERE status NOT IN ('succeeded','failed','canceled')`)).rows[0]!.n);
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = await deadlocks();
    const logs = [server, ...workers].map((p) => p.output()).join('\n');
    const pgLog = fs.readFileSync(cluster!.logFile, 'utf8');
    const inLogs = (logs.match(/40P01|deadlock detected/g) ?? []).length;
    const inPgLog = (pgLog.match(/deadlock detected/g) ?? []).length;
    const status = (await admin.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM jobs GROUP BY status`)).rows;
    await admin.end();
    // The first deadlock's report names the two statements, for whoever has to fix it.
    const first = pgLog.indexOf('deadlock detected');
    if (first >= 0) console.log(pgLog.slice(Math.max(0, first - 200), first + 1500));
    console.log(`[deadlock-postgres] ${JSON.stringify({ events: EVENTS, ms: Date.now() - t0, deadlocks: after - before, deadlock_lines_in_process_logs: inLogs, deadlock_lines_in_pg_log: inPgLog, jobs: status })}`);
    expect(open).toBe(0);
    expect(status.map((r) => [r.status, Number(r.n)])).toEqual([['succeeded', EVENTS]]);
    for (const p of [server, ...workers]) expect(p.alive).toBe(true);
    expect({ deadlocks: after - before, inLogs, inPgLog }).toEqual({ deadlocks: 0, inLogs: 0, inPgLog: 0 });
  });
});
