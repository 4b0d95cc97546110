/**
 * Poison jobs: a job whose process dies while it runs, again and again, must not crash it
 * forever. A real `hookflow start` is killed with SIGKILL while a step waits on a local HTTP
 * server that never answers; after the third death the job fails with HF_ERR_JOB_POISON and the
 * step is not started a fourth time. A job that died once and then succeeds is unaffected.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, PG_URL, dialectAvailable, dropSchema, tempDir } from './dialects.js';
import { freePort, kill9, killAll, sleep, spawnHookflow, waitHealthy, waitUntil, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';

/** `/hang` never answers; `/once` hangs on its first call and answers every later one. */
async function startHangServer(): Promise<{ url: string; arrivals: Map<string, number>; close(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    req.resume();
    const n = (arrivals.get(req.url!) ?? 0) + 1;
    arrivals.set(req.url!, n);
    if (req.url === '/once' && n > 1) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`poison jobs (${dialect})`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterAll(async () => {
      await killAll();
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    });

    // A 3 s lease: on a loaded machine a 1 s lease can expire under a live process, which counts too.
    it('fails a job as HF_ERR_JOB_POISON after its process died 3 times in it, and runs it no 4th time', { timeout: 180_000 }, async () => {
      const hang = await startHangServer();
      cleanups.push(hang.close);
      const dataDir = tempDir('hf-poison-');
      cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
      const schema = `hf_poison_${randomBytes(6).toString('hex')}`;
      if (dialect === 'postgres') cleanups.push(() => dropSchema(schema));
      const port = await freePort();
      const token = `hf_test_${randomBytes(16).toString('hex')}`;
      const env: Record<string, string> = {
        HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token,
        HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`, HOOKFLOW_LEASE_MS: '3000', HOOKFLOW_POLL_MS: '50', HOOKFLOW_LOG_LEVEL: process.env.DEBUG_POISON ? 'info' : 'warn',
        ...(dialect === 'postgres' ? { HOOKFLOW_DATABASE_URL: PG_URL, HOOKFLOW_PG_SCHEMA: schema } : {}),
      };
      let proc: HfProcess = spawnHookflow('start', env);
      const all = [proc];
      await waitHealthy(proc, port);
      const api = new Api(`http://127.0.0.1:${port}`, token);
      await api.createConnection({ name: 'local', type: 'http', config: { private_network: true } });
      const recipe = (name: string, path: string) => api.putRecipe({
        name, trigger: { type: 'webhook' },
        steps: [{ id: 'call', action: 'http.request', connection: 'local', with: { method: 'POST', url: `${hang.url}${path}`, body: { n: 1 }, timeout_ms: 120_000 } }],
      });
      const poisonUrl = await recipe('poison', '/hang');
      const onceUrl = await recipe('crash-once', '/once');
      const post = async (url: string) => {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(r.status).toBe(200);
        return ((await r.json()) as { job_id: string }).job_id;
      };
      const poisonJob = await post(poisonUrl);
      const onceJob = await post(onceUrl);
      const arrived = (path: string) => hang.arrivals.get(path) ?? 0;

      for (let death = 1; death <= 3; death++) {
        // The step is running (its request reached the server) when the process dies.
        await waitUntil(() => arrived('/hang') >= death && (death > 1 || arrived('/once') >= 1), 60_000, `call ${death} of the poison job`).catch(async (e: Error) => {
          throw new Error(`${e.message}; job ${JSON.stringify(await api.job(poisonJob))}; output:\n${all.map((p) => p.output()).join('\n-----\n')}`);
        });
        await kill9(proc);
        proc = spawnHookflow('start', env);
        all.push(proc);
        await waitHealthy(proc, port);
        if (death === 1) {
          // Died once, then answered: it succeeds (committed before the next death).
          const until = Date.now() + 60_000;
          while ((await api.job(onceJob)).status !== 'succeeded' && Date.now() < until) await sleep(100);
        }
      }

      const deadline = Date.now() + 60_000;
      let job = await api.job(poisonJob);
      while (job.status !== 'failed' && Date.now() < deadline) {
        await sleep(100);
        job = await api.job(poisonJob);
      }
      expect(job.status, JSON.stringify(job)).toBe('failed');
      expect(job.error?.code).toBe('HF_ERR_JOB_POISON');
      expect(job.error?.message, `calls ${JSON.stringify([...hang.arrivals])}`).toMatch(/3 times/);
      expect(job.steps.find((s) => s.id === 'call')?.error?.code).toBe('HF_ERR_JOB_POISON');
      // Well past another lease and claim: the step never started a fourth time.
      await sleep(4000);
      expect(arrived('/hang')).toBe(3);
      expect((await api.job(poisonJob)).status).toBe('failed');

      const once = await api.job(onceJob);
      expect(once.status, JSON.stringify(once)).toBe('succeeded');
      expect(arrived('/once')).toBe(2);
      expect(proc.alive).toBe(true);
    });
  });
}
