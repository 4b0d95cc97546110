/**
 * Crash test on SQLite: `kill -9` the one `hookflow start` process while 2,000 webhooks arrive
 * and their http.request steps are in flight, restart it on the same data dir and port, and check
 * the guarantees: nothing acknowledged is lost, one job per event, every job succeeds, every
 * effect is applied once (the receiver dedups by the idempotency key the step sends).
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './dialects.js';
import { freePort, kill9, killAll, pool, postWithRetry, sleep, spawnHookflow, waitHealthy, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { applyCrashRecipe, expectExactlyOnce, startReceiver, type Receiver } from './helpers/receiver.js';

const EVENTS = 2000;
const CONCURRENCY = 50;
const RECIPE = 'crash';

describe('crash: kill -9 of hookflow start on SQLite', () => {
  let dataDir: string;
  let port: number;
  let env: Record<string, string>;
  let proc: HfProcess;
  let receiver: Receiver;
  const token = `hf_test_${randomBytes(16).toString('hex')}`;

  beforeAll(async () => {
    dataDir = tempDir('hf-crash-sqlite-');
    port = await freePort();
    receiver = await startReceiver({ minDelayMs: 5, maxDelayMs: 20 });
    env = {
      HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token,
      HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`, HOOKFLOW_LEASE_MS: '2000', HOOKFLOW_POLL_MS: '50',
      HOOKFLOW_WORKER_CONCURRENCY: '32',
    };
    proc = spawnHookflow('start', env);
    await waitHealthy(proc, port);
  });

  afterAll(async () => {
    await killAll();
    await receiver?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged event, runs each once and applies each effect once', { timeout: 180_000 }, async () => {
    const t0 = Date.now();
    const api = new Api(`http://127.0.0.1:${port}`, token);
    const triggerUrl = await applyCrashRecipe(api, RECIPE, receiver);
    expect(triggerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\//);

    // The sender: each event is retried until it is acknowledged, with the same webhook-id.
    const acked = new Map<number, string>();
    let duplicateAcks = 0;
    let retriedPosts = 0;
    let done = 0;
    const sending = pool(EVENTS, CONCURRENCY, async (n) => {
      const r = await postWithRetry(triggerUrl, JSON.stringify({ n }), { 'content-type': 'application/json', 'webhook-id': `evt-${n}` }, { deadlineMs: 120_000, delayMs: 50 });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.status).toBe('accepted');
      if (r.body.duplicate) duplicateAcks++;
      if (r.attempts > 1) retriedPosts++;
      acked.set(n, r.body.job_id);
      done++;
    });

    // The killer: three kill -9 at random moments while events arrive and effects are in flight.
    const kills: Array<{ at: number; acked: number; inFlight: string[] }> = [];
    let stopped = false;
    void sending.catch(() => undefined).finally(() => { stopped = true; });
    const killing = (async () => {
      const marks = [0.15, 0.45, 0.75].map((f) => Math.floor(EVENTS * (f + Math.random() * 0.1)));
      for (const mark of marks) {
        while (done < mark && !stopped) await sleep(5);
        if (stopped) return;
        // Land the kill while effects are in flight whenever there are some.
        const until = Date.now() + 500;
        while (receiver.inFlight.size === 0 && Date.now() < until) await sleep(1);
        await sleep(Math.random() * 15);
        const inFlight = [...receiver.inFlight];
        await kill9(proc);
        kills.push({ at: Date.now() - t0, acked: done, inFlight });
        await sleep(50 + Math.random() * 300); // downtime: posts fail with connection errors
        proc = spawnHookflow('start', env);
        await waitHealthy(proc, port);
      }
    })();

    await Promise.all([sending, killing]);
    const tAcked = Date.now() - t0;
    expect(acked.size).toBe(EVENTS);

    const jobs = await api.waitAllFinished(RECIPE, EVENTS, 120_000);
    const tDone = Date.now() - t0;

    // One job per acknowledged event (the one the acknowledgement named), all succeeded, each effect applied once.
    expectExactlyOnce(expect, jobs, acked, receiver, EVENTS);

    // A call in flight at a kill was never answered to its job, so the step ran again with the
    // same key: proof that the kills landed mid-step and that resumption reuses the key.
    const midStep = kills.flatMap((k) => k.inFlight);
    for (const key of midStep) expect(receiver.calls.get(key), `key ${key} in flight at a kill`).toBeGreaterThanOrEqual(2);
    for (const key of midStep.slice(0, 20)) {
      const job = await api.job(key.split(':')[0]!);
      const call = job.steps.find((s) => s.id === 'call')!;
      expect(call.status).toBe('succeeded');
      expect(call.idempotency_key).toBe(key);
      expect(call.attempts).toBeGreaterThanOrEqual(2);
    }
    expect(kills.length).toBe(3);

    console.log(`[crash-sqlite] ${JSON.stringify({
      events: EVENTS, kills: kills.map((k) => ({ at_ms: k.at, acked: k.acked, in_flight: k.inFlight.length })),
      retried_posts: retriedPosts, duplicate_acks: duplicateAcks, receiver_calls: receiver.totalCalls(),
      duplicate_calls: receiver.duplicateCalls, applied: receiver.applied.size, all_acked_ms: tAcked, all_done_ms: tDone,
    })}`);
  });
});
