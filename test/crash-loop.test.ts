/**
 * Crash test of a loop: one job loops over 500 items with concurrency 8, each iteration POSTing
 * its item to a receiver. `hookflow start` is killed with SIGKILL twice while iterations are in
 * flight and restarted on the same store; the job resumes at the iterations not finished.
 *
 * Checked: the job succeeds with the 500 outputs in item order; every item's effect was applied
 * exactly once, under one idempotency key carrying its index; and the engine itself did not run
 * finished iterations again: an item was called twice only when its call was in flight or its
 * answer not yet committed at a kill, at most one per loop lane per kill (8 × 2), never 500.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, PG_URL, dialectAvailable, dropSchema, tempDir } from './dialects.js';
import { freePort, kill9, killAll, sleep, spawnHookflow, waitHealthy, waitUntil, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

const ITEMS = 500;
const LANES = 8;
const KILLS = [150, 330];

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`crash: kill -9 in a 500-item loop on ${dialect}`, () => {
    const schema = `hf_crash_loop_${randomBytes(6).toString('hex')}`;
    const token = `hf_test_${randomBytes(16).toString('hex')}`;
    const dataDir = tempDir('hf-crash-loop-');
    let receiver: Receiver | undefined;

    afterAll(async () => {
      await killAll();
      await receiver?.close();
      if (dialect === 'postgres') await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('resumes at the unfinished iterations, applies each effect once and outputs all 500 in order', { timeout: 240_000 }, async () => {
      const port = await freePort();
      receiver = await startReceiver({ minDelayMs: 5, maxDelayMs: 30 });
      const env: Record<string, string> = {
        HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`,
        HOOKFLOW_LEASE_MS: '2000', HOOKFLOW_POLL_MS: '50',
        ...(dialect === 'postgres' ? { HOOKFLOW_DATABASE_URL: PG_URL, HOOKFLOW_PG_SCHEMA: schema } : {}),
      };
      let proc: HfProcess = spawnHookflow('start', env);
      await waitHealthy(proc, port);
      const api = new Api(`http://127.0.0.1:${port}`, token);
      await api.createConnection({ name: 'local', type: 'http', config: { private_network: true } });
      const url = await api.putRecipe({
        name: 'loop-crash', trigger: { type: 'webhook' },
        steps: [{
          id: 'each', action: 'foreach', with: { items: '{{ trigger.body.items }}', concurrency: LANES }, steps: [
            { id: 'call', action: 'http.request', connection: 'local', with: { method: 'POST', url: receiver.url, body: { n: '{{ item }}' } }, retry: { attempts: 10, backoff: 'fixed', delay_ms: 100 } },
            { id: 'out', action: 'transform', with: { n: '{{ item }}', echoed: '{{ steps.call.body.n }}', index: '{{ index }}' } },
          ],
        }],
      });
      const items = Array.from({ length: ITEMS }, (_, i) => i + 1);
      const posted = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
      expect(posted.status).toBe(200);
      const jobId = ((await posted.json()) as { job_id: string }).job_id;

      const kills: Array<{ applied: number; inFlight: number }> = [];
      for (const mark of KILLS) {
        await waitUntil(() => receiver!.applied.size >= mark, 120_000, `${mark} effects applied`);
        const until = Date.now() + 500;
        while (receiver.inFlight.size === 0 && Date.now() < until) await sleep(1);
        kills.push({ applied: receiver.applied.size, inFlight: receiver.inFlight.size });
        await kill9(proc);
        await sleep(100 + Math.random() * 200);
        proc = spawnHookflow('start', env);
        await waitHealthy(proc, port);
      }
      // Killed mid-loop both times: work was left on each side of each kill.
      for (const k of kills) expect(k.applied).toBeLessThan(ITEMS);

      const deadline = Date.now() + 150_000;
      let job = await api.job(jobId);
      while (!['succeeded', 'failed', 'canceled'].includes(job.status) && Date.now() < deadline) {
        await sleep(200);
        job = await api.job(jobId);
      }
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      // The list is over the job page's value cap: read it whole from its download.
      const full = await fetch(`http://127.0.0.1:${port}/api/v1/jobs/${jobId}/steps/each/output`, { headers: { authorization: `Bearer ${token}` } });
      expect(await full.json()).toEqual(items.map((n, i) => ({ n, echoed: n, index: i })));

      // Exactly one key per item, carrying its index, and each applied once.
      expect(receiver.keyless).toBe(0);
      const keys = [...receiver.calls.keys()];
      expect(keys.length).toBe(ITEMS);
      expect(new Set(keys)).toEqual(new Set(items.map((_, i) => `${jobId}:each[${i}].call:1`)));
      expect([...receiver.applied.entries()].sort((a, b) => Number(a[1]) - Number(b[1])).map(([k, n]) => [k, n])).toEqual(items.map((n, i) => [`${jobId}:each[${i}].call:1`, n]));

      // The engine ran again only the iterations unfinished at a kill, never a recorded one.
      const repeated = [...receiver.calls.entries()].filter(([, c]) => c > 1);
      expect(repeated.every(([, c]) => c <= 1 + KILLS.length)).toBe(true);
      expect(repeated.length).toBeLessThanOrEqual(LANES * KILLS.length);
      expect(receiver.totalCalls()).toBeLessThanOrEqual(ITEMS + LANES * KILLS.length);
      // Every iteration is recorded as finished, with its steps.
      const rows = new Map(job.steps.map((s) => [s.id, s]));
      for (let i = 0; i < ITEMS; i++) {
        expect(rows.get(`each[${i}]`)?.status, `iteration ${i}`).toBe('succeeded');
        expect(rows.get(`each[${i}].call`)?.idempotency_key).toBe(`${jobId}:each[${i}].call:1`);
      }
      console.log(`[crash-loop ${dialect}] ${JSON.stringify({ items: ITEMS, kills, repeated: repeated.length, receiver_calls: receiver.totalCalls(), duplicate_calls: receiver.duplicateCalls })}`);
    });
  });
}
