/**
 * Table writes under kill -9, on both dialects: 400 events each upsert their own row while the
 * one `hookflow start` is killed twice mid-run and restarted. Every job succeeds, every row is
 * there once, and every upsert step answers `created: true` — a step re-run after a kill that
 * wrote its row again would answer `created: false`, so a double write cannot hide.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, PG_URL, dialectAvailable, dropSchema, tempDir } from './dialects.js';
import { freePort, kill9, killAll, pool, postWithRetry, sleep, spawnHookflow, waitHealthy, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';

const EVENTS = 400;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`table writes under kill -9 on ${dialect}`, () => {
    const dataDir = tempDir('hf-tables-crash-');
    const schema = `hf_test_${randomBytes(6).toString('hex')}`;
    afterAll(async () => {
      await killAll();
      if (dialect === 'postgres') await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('applies each step\'s write once across kills', { timeout: 240_000 }, async () => {
      const port = await freePort();
      const token = `hf_test_${randomBytes(16).toString('hex')}`;
      const env = {
        HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`,
        HOOKFLOW_LEASE_MS: '2000', HOOKFLOW_POLL_MS: '50', HOOKFLOW_WORKER_CONCURRENCY: '16',
        ...(dialect === 'postgres' ? { HOOKFLOW_DATABASE_URL: PG_URL, HOOKFLOW_PG_SCHEMA: schema } : { HOOKFLOW_DATABASE_URL: '' }),
      };
      let proc: HfProcess = spawnHookflow('start', env);
      await waitHealthy(proc, port);
      const api = new Api(`http://127.0.0.1:${port}`, token);
      expect((await api.call('POST', '/api/v1/tables', { name: 'seen', columns: [{ name: 'id' }, { name: 'n', type: 'number' }] })).status).toBe(201);
      const url = await api.putRecipe({ name: 'mark', trigger: { type: 'webhook' }, steps: [
        { id: 'mark', action: 'table.upsert', with: { table: 'seen', key: 'e{{ trigger.body.n }}', values: { n: '{{ trigger.body.n }}' } } },
        { id: 'after', action: 'transform', with: { created: '{{ steps.mark.created }}' } },
      ] });

      let done = 0;
      const sending = pool(EVENTS, 20, async (n) => {
        const r = await postWithRetry(url, JSON.stringify({ n }), { 'content-type': 'application/json', 'webhook-id': `evt-${n}` }, { deadlineMs: 120_000, delayMs: 50 });
        expect(r.status).toBe(200);
        done++;
      });
      for (const mark of [EVENTS * 0.3, EVENTS * 0.7]) {
        while (done < mark) await sleep(5);
        await sleep(Math.random() * 20);
        await kill9(proc);
        await sleep(100);
        proc = spawnHookflow('start', env);
        await waitHealthy(proc, port);
      }
      await sending;

      const jobs = await api.waitAllFinished('mark', EVENTS, 180_000);
      expect(jobs).toHaveLength(EVENTS);
      expect(jobs.filter((j) => j.status !== 'succeeded').map((j) => j.error)).toEqual([]);
      const table = await api.call('GET', '/api/v1/tables/seen');
      expect(table.body.row_count).toBe(EVENTS);
      // Every step's answer is the first write's, however often the step ran.
      const details = await Promise.all(jobs.map((j) => api.job(j.id)));
      const notCreated = details.filter((d) => (d.steps.find((s) => s.id === 'mark')!.output as { created: boolean }).created !== true);
      expect(notCreated.map((d) => d.id)).toEqual([]);
      const reran = details.filter((d) => d.steps.find((s) => s.id === 'mark')!.attempts > 1).length;
      console.log(`[tables-crash ${dialect}] ${JSON.stringify({ events: EVENTS, steps_run_again: reran })}`);
    });
  });
}
