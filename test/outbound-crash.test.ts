/**
 * Crash test for outbound webhooks: `kill -9` the sending `hookflow start` while job.succeeded
 * deliveries are in flight, restart it on the same data, and check that every job's event
 * reaches the receiver at least once. The receiver dedups by webhook-id, as the spec tells
 * receivers to, and counts what arrived more than once.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './dialects.js';
import { freePort, kill9, killAll, pool, postWithRetry, sleep, spawnHookflow, waitHealthy, waitUntil } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { signaturesThatVerify, startWebhookReceiver } from './helpers/webhook-receiver.js';

const EVENTS = 300;

describe('crash: kill -9 of the webhook sender', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await killAll();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('delivers every job.succeeded at least once across kill -9 and restart', { timeout: 120_000 }, async () => {
    const byJob = new Map<string, Set<string>>();
    let arrivals = 0;
    const rx = await startWebhookReceiver();
    const answer = rx.answer;
    rx.answer = (r) => {
      arrivals++;
      const body = JSON.parse(r.body) as { data: { id: string } };
      const ids = byJob.get(body.data.id) ?? new Set<string>();
      ids.add(String(r.headers['webhook-id']));
      byJob.set(body.data.id, ids);
      return answer(r);
    };
    const dataDir = tempDir('hf-outbound-crash-');
    dirs.push(dataDir);
    const port = await freePort();
    const token = `hf_test_${randomBytes(16).toString('hex')}`;
    const env = {
      HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HOOKFLOW_POLL_MS: '50', HOOKFLOW_LEASE_MS: '2000', HOOKFLOW_WEBHOOK_TIMEOUT_MS: '1000', HOOKFLOW_WEBHOOK_CONCURRENCY: '2',
    };
    let proc = spawnHookflow('start', env);
    await waitHealthy(proc, port);
    const api = new Api(`http://127.0.0.1:${port}`, token);
    const sub = await api.call('POST', '/api/v1/webhooks', { event: 'job.succeeded', uri: rx.url, private_network: true });
    expect(sub.status).toBe(201);
    const url = await api.putRecipe({ name: 'crash-out', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: { n: '{{ trigger.body.n }}' } }] });

    await pool(EVENTS, 20, async (n) => {
      const r = await postWithRetry(url, JSON.stringify({ n }), { 'content-type': 'application/json', 'webhook-id': `in-${n}` });
      expect(r.status).toBe(200);
    });
    // The kill lands while the rest of the 300 events are being fanned out and delivered.
    await waitUntil(() => byJob.size >= 40, 30_000, 'first deliveries');
    await kill9(proc);
    const before = byJob.size;
    expect(before).toBeLessThan(EVENTS);
    proc = spawnHookflow('start', env);
    await waitHealthy(proc, port);

    const jobs = await api.waitAllFinished('crash-out', EVENTS, 60_000);
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
    await waitUntil(() => jobs.every((j) => byJob.has(j.id)), 60_000, `all ${EVENTS} events delivered (have ${byJob.size})`);
    // One webhook-id per event, however often it arrived.
    expect([...byJob.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(arrivals).toBeGreaterThanOrEqual(EVENTS);
    expect(rx.requests.every((r) => signaturesThatVerify(sub.body.secret, r) === 1)).toBe(true);
    await sleep(10);
    await rx.close();
  });
});
