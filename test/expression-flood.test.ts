/**
 * Runaway expressions against a real `hookflow start` (SQLite, one process serving and running
 * jobs, default 1 s expression limit). A catastrophic regular expression over the webhook body
 * backtracks for minutes in one native call that JSONata cannot interrupt; on an expression
 * thread it is killed at the limit, so the event loop that accepts webhooks keeps answering.
 * Probe latency (GET /healthz from outside) stands for the server's event-loop delay and is
 * printed; only generous bounds are asserted.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './dialects.js';
import { freePort, killAll, sleep, spawnHookflow, waitHealthy, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';

const EVENTS = 200;
const EVIL = `${'a'.repeat(Number(process.env.FLOOD_CHARS ?? 32))}!`;
const ANSWER_MS = 30_000;

/** GET /healthz every 50 ms until stopped; the slowest answer is the worst event-loop stall seen from outside. */
function probe(base: string): { stop(): Promise<{ max: number; count: number; failed: number }> } {
  let running = true;
  let max = 0;
  let count = 0;
  let failed = 0;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(ANSWER_MS) });
        await r.text();
        if (r.status !== 200) failed++;
      } catch {
        failed++;
      }
      max = Math.max(max, performance.now() - t);
      count++;
      await sleep(50);
    }
  })();
  return { stop: async () => { running = false; await loop; return { max, count, failed }; } };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: any; ms: number }> {
  const t = performance.now();
  try {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(ANSWER_MS) });
    return { status: r.status, body: await r.json().catch(() => null), ms: performance.now() - t };
  } catch (e) {
    return { status: 0, body: String(e), ms: performance.now() - t };
  }
}

describe('runaway expressions do not take the server down (SQLite, hookflow start)', () => {
  let dataDir: string;
  let port: number;
  let proc: HfProcess;
  let api: Api;
  let base: string;
  const token = `hf_test_${randomBytes(16).toString('hex')}`;

  beforeAll(async () => {
    dataDir = tempDir('hf-flood-');
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = spawnHookflow('start', { HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: base, HOOKFLOW_POLL_MS: '50' });
    await waitHealthy(proc, port);
    api = new Api(base, token);
  });

  afterAll(async () => {
    await killAll();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`answers ${EVENTS} concurrent events whose job expression runs away, and fails those jobs with HF_ERR_EXPRESSION_LIMIT`, { timeout: 400_000 }, async () => {
    const url = await api.putRecipe({
      name: 'regex-flood', trigger: { type: 'webhook' },
      steps: [{ id: 'm', action: 'transform', with: { m: '{{ $match(trigger.body.s, /(a+)+$/) }}' } }],
    });
    const p = probe(base);
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: EVENTS }, (_, i) => post(url, { s: EVIL, i })));
    const acceptedIn = performance.now() - t0;
    const accepted = answers.filter((a) => a.status === 200).length;
    const slowest = Math.max(...answers.map((a) => a.ms));

    const deadline = Date.now() + 360_000;
    let jobs = await api.jobs('regex-flood');
    while (jobs.some((j) => !['failed', 'succeeded', 'canceled'].includes(j.status)) && Date.now() < deadline) {
      await sleep(1000);
      jobs = await api.jobs('regex-flood');
    }
    const doneIn = performance.now() - t0;
    const probed = await p.stop();
    console.log(JSON.stringify({
      scenario: 'regex flood', events: EVENTS, chars: EVIL.length, accepted, unanswered: answers.filter((a) => a.status === 0).length,
      all_answered_ms: Math.round(acceptedIn), slowest_answer_ms: Math.round(slowest), jobs_finished_ms: Math.round(doneIn),
      probe_max_ms: Math.round(probed.max), probes: probed.count, probe_failures: probed.failed,
    }));

    expect(accepted, JSON.stringify(answers.filter((a) => a.status !== 200).slice(0, 3))).toBe(EVENTS);
    expect(jobs).toHaveLength(EVENTS);
    for (const j of jobs) {
      expect(j.status).toBe('failed');
      expect(j.error?.code).toBe('HF_ERR_EXPRESSION_LIMIT');
    }
    expect(probed.failed).toBe(0);
    expect(probed.max).toBeLessThan(ANSWER_MS);
    expect(proc.alive).toBe(true);
  });

  it('costs one request a coded error when a dedup_key expression runs away, and no one else', { timeout: 120_000 }, async () => {
    const evilUrl = await api.putRecipe({ name: 'regex-dedup', trigger: { type: 'webhook', dedup_key: '$match(body.s, /(a+)+$/).match' }, steps: [{ id: 'x', action: 'transform', with: { ok: true } }] });
    const goodUrl = await api.putRecipe({ name: 'plain', trigger: { type: 'webhook' }, steps: [{ id: 'x', action: 'transform', with: { n: '{{ trigger.body.n * 2 }}' } }] });
    const p = probe(base);
    const evil = Promise.all(Array.from({ length: 4 }, () => post(evilUrl, { s: EVIL })));
    await sleep(100);
    const good = await Promise.all(Array.from({ length: 20 }, (_, n) => post(goodUrl, { n })));
    const bad = await evil;
    const probed = await p.stop();
    console.log(JSON.stringify({
      scenario: 'runaway dedup_key', runaway_answers: bad.map((a) => `${a.status} ${a.body?.error?.code} ${Math.round(a.ms)}ms`),
      plain_accepted: good.filter((a) => a.status === 200).length, plain_slowest_ms: Math.round(Math.max(...good.map((a) => a.ms))), probe_max_ms: Math.round(probed.max),
    }));
    for (const a of bad) {
      expect(a.status).toBe(422);
      expect(a.body.error.code).toBe('HF_ERR_EXPRESSION_LIMIT');
      expect(a.body.error.message).toMatch(/dedup_key/);
    }
    expect(good.every((a) => a.status === 200)).toBe(true);
    expect(probed.failed).toBe(0);
    expect(await api.jobs('regex-dedup')).toHaveLength(0);
    expect(proc.alive).toBe(true);
  });

  it('fails jobs whose expressions build huge strings or arrays, and the process stays up', { timeout: 120_000 }, async () => {
    const exprs = [
      '$length($pad("", 500000000))',
      '$join([1..10000000].("xxxxxxxxxx"))',
      '($f := function($s){ $f($s & $s) }; $length($f(trigger.body.s)))',
      '$count([1..400000].($string($) & "-" & $pad("", 400, "y")))',
    ];
    const url = await api.putRecipe({
      name: 'huge', trigger: { type: 'webhook' },
      steps: [{ id: 'x', action: 'transform', with: { v: `{{ [${exprs.map((e) => `trigger.body.k = ${exprs.indexOf(e)} ? (${e})`).join(', ')}] }}` } }],
    });
    for (let k = 0; k < exprs.length; k++) expect((await post(url, { k, s: 'ab' })).status).toBe(200);
    const deadline = Date.now() + 100_000;
    let jobs = await api.jobs('huge');
    while (jobs.some((j) => j.status !== 'failed' && j.status !== 'succeeded') && Date.now() < deadline) {
      await sleep(500);
      jobs = await api.jobs('huge');
    }
    console.log(JSON.stringify({ scenario: 'huge values', errors: jobs.map((j) => j.error?.message) }));
    expect(jobs).toHaveLength(exprs.length);
    for (const j of jobs) {
      expect(j.status).toBe('failed');
      expect(j.error?.code).toBe('HF_ERR_EXPRESSION_LIMIT');
    }
    expect(proc.alive).toBe(true);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
