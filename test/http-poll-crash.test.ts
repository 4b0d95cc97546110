/**
 * Crash test of the polling trigger: `kill -9` hookflow at the moment the polled API has answered
 * (between fetch and commit), restart it on the same data, and check that every item became
 * exactly one job: the cursor and the jobs commit together, so the re-poll neither skips nor repeats.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './dialects.js';
import { freePort, kill9, killAll, restart, spawnHookflow, waitHealthy, waitUntil, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { startServer, type TestServer } from '../src/security/test-helpers.js';

describe('crash: kill -9 between a poll’s fetch and its commit', () => {
  let dataDir: string;
  let port: number;
  let proc: HfProcess;
  let api: TestServer;
  let items = 5;
  let polls = 0;
  let killedAt = 0;
  const token = `hf_test_${randomBytes(16).toString('hex')}`;

  beforeAll(async () => {
    api = await startServer((_req, res) => {
      polls++;
      // The third poll brings five new items, and its answer is the last thing this process sees.
      if (polls === 3) items = 10;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items: Array.from({ length: items }, (_, i) => ({ id: i + 1 })) }), () => {
        if (polls === 3) { killedAt = polls; process.kill(proc.pid, 'SIGKILL'); }
      });
    });
    dataDir = tempDir('hf-poll-crash-');
    port = await freePort();
    proc = spawnHookflow('start', {
      HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`, HOOKFLOW_POLL_MS: '50',
    });
    await waitHealthy(proc, port);
  });

  afterAll(async () => {
    await killAll();
    await api?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('misses and repeats no item', async () => {
    const client = new Api(`http://127.0.0.1:${port}`, token);
    await client.createConnection({ name: 'items-api', type: 'http', config: { base_url: api.url, private_network: true } });
    await client.putRecipe({
      name: 'poll-crash',
      trigger: { type: 'http.poll', connection: 'items-api', interval_seconds: 1, since: 'all', request: { url: '/items', timeout_seconds: 1 }, items: 'body.items', dedup: { id: 'id' } },
      steps: [{ id: 'seen', action: 'transform', with: { id: '{{ trigger.item.id }}' } }],
    });
    await waitUntil(() => killedAt > 0, 30_000, 'the third poll');
    await kill9(proc);
    const before = polls;
    proc = await restart(proc, port);
    // The restarted process polls again (once the dead process's short lease ran out) from the cursor the killed poll never
    // committed. Waited for, not read at once: when the kill lands just after that poll's commit, all ten jobs may be done first.
    await waitUntil(() => polls > before, 45_000, 'a poll by the restarted process');
    const jobs = await client.waitAllFinished('poll-crash', 10, 45_000);
    expect(polls).toBeGreaterThan(before);
    const ids = jobs.map((j) => (j.trigger as { item: { id: number } }).item.id).sort((a, b) => a - b);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
  });
});
