/**
 * Store outages on a private PostgreSQL cluster (the shared one is never touched): PostgreSQL
 * stopped, restarted (fast and immediate) under a steady stream of webhooks, Hookflow's sessions
 * terminated, and a connection that silently stops answering (a proxy that holds the bytes).
 * No Hookflow process may exit; while the store is away the doors answer 503
 * HF_ERR_STORE_UNAVAILABLE with Retry-After, and everything works again without a restart.
 */
import fs from 'node:fs';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './dialects.js';
import { freePort, kill9, killAll, sleep, spawnHookflow, waitHealthy, waitOutput, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { applyCrashRecipe, startReceiver, type Receiver } from './helpers/receiver.js';
import { clusterUnavailable, createCluster, type PgCluster } from './helpers/pg-cluster.js';

const WHY = clusterUnavailable();
if (WHY) console.warn(`[store-outage] skipped: ${WHY}`);

interface Answer { status: number | 'error'; at: number; code?: string; retryAfter?: string | null; error?: string }

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer & { body?: any }> {
  try {
    const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(20_000) });
    const text = await r.text();
    let parsed: any = null;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, at: Date.now(), code: parsed?.error?.code, retryAfter: r.headers.get('retry-after'), body: parsed };
  } catch (e) {
    return { status: 'error', at: Date.now(), error: String((e as Error).cause ?? e) };
  }
}

async function healthz(port: number): Promise<{ status: number | 'error'; body?: any }> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return { status: r.status, body: await r.json().catch(() => null) };
  } catch (e) {
    return { status: 'error', body: String(e) };
  }
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (ok(last)) return last;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/**
 * A TCP proxy to PostgreSQL that can go silent: `freeze()` stops forwarding on every connection
 * open now, for good, without closing it (a peer that vanished without a FIN, a stuck NAT entry).
 * Connections made after `thaw()` are forwarded normally.
 */
async function silentProxy(target: number) {
  let frozen = false;
  const conns = new Set<{ a: net.Socket; b: net.Socket; dead: boolean }>();
  const server = net.createServer((a) => {
    const b = net.connect(target, '127.0.0.1');
    const c = { a, b, dead: frozen };
    conns.add(c);
    a.on('data', (d) => { if (!c.dead) b.write(d); });
    b.on('data', (d) => { if (!c.dead) a.write(d); });
    const end = () => { a.destroy(); b.destroy(); conns.delete(c); };
    a.on('close', end).on('error', end);
    b.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze() { frozen = true; for (const c of conns) c.dead = true; },
    thaw() { frozen = false; },
    /** Every open connection reset at once, as a dropped network path does. */
    drop() { for (const c of conns) { c.a.resetAndDestroy(); c.b.destroy(); } },
    get open() { return conns.size; },
    close: () => new Promise<void>((r) => { for (const c of conns) { c.a.destroy(); c.b.destroy(); } server.close(() => r()); }),
  };
}

describe.skipIf(WHY !== null)('store outages (private PostgreSQL cluster)', () => {
  const token = `hf_test_${randomBytes(16).toString('hex')}`;
  let cluster: PgCluster | undefined;
  let receiver: Receiver | undefined;
  let dataDir: string;
  let port: number;
  let env: Record<string, string>;
  let server: HfProcess;
  const workers: HfProcess[] = [];
  let api: Api;
  let hookUrl: string;
  let admin: pg.Client | undefined;
  let proxy: Awaited<ReturnType<typeof silentProxy>> | undefined;

  const all = () => [server, ...workers];
  const expectAllAlive = () => {
    for (const p of all()) expect(p.alive, `hookflow ${p.command} ${p.pid} exited:\n${p.output().slice(-3000)}`).toBe(true);
  };
  const adminClient = async () => {
    admin ??= await cluster!.client();
    return admin;
  };
  const dropAdmin = async () => {
    await admin?.end().catch(() => undefined);
    admin = undefined;
  };

  beforeAll(async () => {
    cluster = await createCluster('hf-pgc-outage-');
    receiver = await startReceiver({ minDelayMs: 2, maxDelayMs: 10 });
    dataDir = tempDir('hf-outage-');
    port = await freePort();
    env = {
      HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HOOKFLOW_DATABASE_URL: cluster.url, HOOKFLOW_LEASE_MS: '2000', HOOKFLOW_POLL_MS: '50', HOOKFLOW_LOG_LEVEL: 'info',
    };
    // The server reaches PostgreSQL through a proxy that can go silent (the last test); short
    // timeouts keep that test quick. The workers connect directly.
    proxy = await silentProxy(cluster.port);
    server = spawnHookflow('start', {
      ...env, HOOKFLOW_WORKER_CONCURRENCY: '0', HOOKFLOW_DATABASE_URL: cluster.url.replace(`:${cluster.port}/`, `:${proxy.port}/`),
      HOOKFLOW_PG_STATEMENT_TIMEOUT_MS: '3000', HOOKFLOW_PG_CONNECT_TIMEOUT_MS: '2000', HOOKFLOW_HEALTH_TIMEOUT_MS: '2000',
    });
    await waitHealthy(server, port);
    for (let i = 0; i < 2; i++) workers.push(spawnHookflow('worker', { ...env, HOOKFLOW_WORKER_CONCURRENCY: '32' }));
    await Promise.all(workers.map((w) => waitOutput(w, /hookflow worker started/)));
    api = new Api(`http://127.0.0.1:${port}`, token);
    hookUrl = await applyCrashRecipe(api, 'outage', receiver);
  }, 90_000);

  afterAll(async () => {
    await dropAdmin();
    await killAll();
    await proxy?.close();
    await receiver?.close();
    cluster?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('while PostgreSQL is down every door answers 503 HF_ERR_STORE_UNAVAILABLE with Retry-After; /healthz says why', { timeout: 60_000 }, async () => {
    expect((await healthz(port)).status).toBe(200);
    await dropAdmin();
    let late: HfProcess | undefined;
    await cluster!.stop('fast');
    try {
      const h = await waitFor(() => healthz(port), (r) => r.status === 503, 10_000, '/healthz 503');
      expect(h.body.error.code).toBe('HF_ERR_STORE_UNAVAILABLE');
      expect(h.body.error.message).toMatch(/store is unavailable \(.+\)/);
      const doors: Array<[string, Answer]> = [
        ['/hooks', await post(hookUrl, JSON.stringify({ n: -1 }), { 'webhook-id': 'down-1' })],
        ['/ops', await post(`http://127.0.0.1:${port}/ops/${'x'.repeat(40)}`, JSON.stringify({ operation: 'createRequest', args: {} }))],
        ['/api/events', await post(`http://127.0.0.1:${port}/api/events`, JSON.stringify({ integrationKey: 'k'.repeat(20), eventType: 'ALERT', summary: 'x' }))],
      ];
      const jobs = await fetch(`http://127.0.0.1:${port}/api/v1/jobs`, { headers: { authorization: `Bearer ${token}` } });
      doors.push(['/api/v1/jobs', { status: jobs.status, at: Date.now(), code: ((await jobs.json()) as any)?.error?.code, retryAfter: jobs.headers.get('retry-after') }]);
      for (const [door, a] of doors) {
        expect({ door, status: a.status, code: a.code, retryAfter: a.retryAfter !== null && Number(a.retryAfter) > 0 }).toEqual({ door, status: 503, code: 'HF_ERR_STORE_UNAVAILABLE', retryAfter: true });
      }
      // A process started now waits for the store instead of exiting.
      late = spawnHookflow('worker', { ...env, HOOKFLOW_WORKER_CONCURRENCY: '4' });
      await waitOutput(late, /store unreachable at start; retrying/, 30_000);
      await sleep(1000); // the workers' claim loops meet the outage too
      expectAllAlive();
      // Workers stop claiming and back off (250 ms doubling), not retry every 50 ms poll.
      for (const w of workers) {
        const waits = [...w.output().matchAll(/"retry_in_ms":(\d+),"msg":"claim failed; backing off"/g)].map((m) => Number(m[1]));
        expect(waits.length, w.output().slice(-2000)).toBeGreaterThan(1);
        expect(waits.length).toBeLessThan(15);
        expect(Math.max(...waits)).toBeGreaterThanOrEqual(500);
      }
    } finally {
      await cluster!.start();
    }
    const back = Date.now();
    await waitFor(() => healthz(port), (r) => r.status === 200, 10_000, '/healthz 200 after PostgreSQL is back');
    const first = await waitFor(() => post(hookUrl, JSON.stringify({ n: -1 }), { 'webhook-id': 'down-1' }), (a) => a.status === 200, 10_000, 'a webhook accepted again');
    console.log(`[store-outage] stop/start: first 2xx ${first.at - back} ms after PostgreSQL was back`);
    expectAllAlive();
    await waitOutput(late!, /hookflow worker started/, 30_000);
    await kill9(late!);
  });

  it('PostgreSQL restarted twice under a steady stream: nothing exits, only 2xx or 503, every 2xx event has exactly one succeeded job', { timeout: 120_000 }, async () => {
    const EVENTS = 400;
    const LANES = 8;
    const answers: Answer[] = [];
    const acked = new Map<number, string>();
    let next = 0;
    const t0 = Date.now();
    const lanes = Array.from({ length: LANES }, async () => {
      while (next < EVENTS && Date.now() - t0 < 60_000) {
        const n = next++;
        for (;;) {
          const a = await post(hookUrl, JSON.stringify({ n }), { 'webhook-id': `stream-${n}` });
          answers.push(a);
          if (a.status === 200) { acked.set(n, a.body.job_id); break; }
          if (Date.now() - t0 > 60_000) return;
          await sleep(a.status === 503 ? 100 : 20);
        }
        await sleep(10); // a steady stream, not a flood
      }
    });
    const restarts: Array<{ mode: string; downAt: number; backAt: number; first2xxMs?: number }> = [];
    const restarting = (async () => {
      for (const [mode, mark] of [['fast', 0.25], ['immediate', 0.6]] as const) {
        while (acked.size < EVENTS * mark && Date.now() - t0 < 60_000) await sleep(5);
        await dropAdmin();
        const downAt = Date.now();
        await cluster!.restart(mode);
        restarts.push({ mode, downAt, backAt: Date.now() });
      }
    })();
    await Promise.all([...lanes, restarting]);
    expect(acked.size).toBe(EVENTS);
    for (const r of restarts) {
      const first = answers.filter((a) => a.status === 200 && a.at >= r.backAt).sort((x, y) => x.at - y.at)[0];
      r.first2xxMs = first ? first.at - r.backAt : undefined;
    }

    // Every job finishes; one job per event, the one its 2xx named, succeeded.
    const db = await adminClient();
    await waitFor(async () => Number((await db.query(`SELECT count(*) AS n FROM jobs WHERE recipe = 'outage' AND status NOT IN ('succeeded','failed','canceled')`)).rows[0].n),
      (n) => n === 0, 60_000, 'every job finished');
    const rows = (await db.query<{ id: string; status: string; trigger: string }>(`SELECT id, status, trigger FROM jobs WHERE recipe = 'outage'`)).rows;
    const byN = new Map<number, Array<{ id: string; status: string }>>();
    for (const r of rows) {
      const n = JSON.parse(r.trigger).body.n as number;
      if (n < 0) continue;
      byN.set(n, [...(byN.get(n) ?? []), { id: r.id, status: r.status }]);
    }
    const wrong = [...acked].filter(([n, id]) => {
      const js = byN.get(n) ?? [];
      return js.length !== 1 || js[0]!.id !== id || js[0]!.status !== 'succeeded';
    }).map(([n, id]) => ({ n, acked: id, jobs: byN.get(n) }));
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(byN.size).toBe(EVENTS);

    const counts: Record<string, number> = {};
    for (const a of answers) counts[String(a.status)] = (counts[String(a.status)] ?? 0) + 1;
    const errors = answers.filter((a) => a.status === 'error').slice(0, 3);
    console.log(`[store-outage] ${JSON.stringify({ events: EVENTS, answers: counts, restarts: restarts.map((r) => ({ mode: r.mode, down_ms: r.backAt - r.downAt, first_2xx_after_back_ms: r.first2xxMs })), stream_ms: Date.now() - t0 })}`);
    // Senders saw only 2xx or 503: the server never went away, so never a refused or reset connection.
    expect({ other: answers.filter((a) => a.status !== 200 && a.status !== 503).length, errors }).toEqual({ other: 0, errors: [] });
    expect(answers.filter((a) => a.status === 503).every((a) => a.code === 'HF_ERR_STORE_UNAVAILABLE')).toBe(true);
    for (const r of restarts) expect(r.first2xxMs, `recovery after the ${r.mode} restart`).toBeLessThan(10_000);
    expectAllAlive();
  });

  it("pg_terminate_backend of Hookflow's sessions (found by application_name) ends no process", { timeout: 60_000 }, async () => {
    const db = await adminClient();
    const r = await db.query<{ n: string }>(`SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = 'hookflow'`);
    const killed = Number(r.rows[0]!.n);
    expect(killed).toBeGreaterThan(0);
    const t = Date.now();
    const answers: Answer[] = [];
    for (let n = 0; n < 30; n++) {
      for (;;) {
        const a = await post(hookUrl, JSON.stringify({ n: 10_000 + n }), { 'webhook-id': `term-${n}` });
        answers.push(a);
        if (a.status === 200) break;
        expect(a.status).toBe(503);
        await sleep(100);
      }
    }
    await waitFor(async () => Number((await db.query(`SELECT count(*) AS n FROM jobs WHERE recipe = 'outage' AND status = 'succeeded' AND (trigger::json->'body'->>'n')::int >= 10000`)).rows[0].n),
      (n) => n === 30, 30_000, 'the 30 jobs after the termination succeeded');
    console.log(`[store-outage] pg_terminate_backend: ${killed} sessions ended; 30 events took ${Date.now() - t} ms, ${answers.filter((a) => a.status === 503).length} answers were 503`);
    expect((await healthz(port)).status).toBe(200);
    expectAllAlive();
  });

  it('a connection that silently stops answering turns /healthz 503 within its timeout, and new connections recover it', { timeout: 60_000 }, async () => {
    expect((await post(hookUrl, JSON.stringify({ n: 20_000 }), { 'webhook-id': 'hang-0' })).status).toBe(200);
    proxy!.freeze();
    const t = Date.now();
    try {
      const h = await waitFor(() => healthz(port), (r) => r.status === 503, 8_000, '/healthz 503 on a silent connection');
      const toUnhealthy = Date.now() - t;
      expect(h.body.error.code).toBe('HF_ERR_STORE_UNAVAILABLE');
      // A webhook is refused within the statement timeout (3 s here), not held forever.
      const a = await post(hookUrl, JSON.stringify({ n: 20_001 }), { 'webhook-id': 'hang-1' });
      expect({ status: a.status, code: a.code }).toEqual({ status: 503, code: 'HF_ERR_STORE_UNAVAILABLE' });
      expect(a.at - t).toBeLessThan(15_000);
      // New connections go through again; the frozen ones stay frozen and must be replaced.
      proxy!.thaw();
      const t2 = Date.now();
      await waitFor(() => healthz(port), (r) => r.status === 200, 10_000, '/healthz 200 after new connections go through');
      await waitFor(() => post(hookUrl, JSON.stringify({ n: 20_001 }), { 'webhook-id': 'hang-1' }), (x) => x.status === 200, 10_000, 'webhooks accepted again');
      console.log(`[store-outage] silent connection: /healthz 503 after ${toUnhealthy} ms, webhook 503 after ${a.at - t} ms, healthy and accepting ${Date.now() - t2} ms after new connections went through`);
      expectAllAlive();
    } finally {
      proxy!.thaw();
    }
  });

  it('dropped sockets (every connection reset at once) end no process; the next requests reconnect', { timeout: 30_000 }, async () => {
    const before = proxy!.open;
    expect(before).toBeGreaterThan(0);
    proxy!.drop();
    const answers: Answer[] = [];
    for (let n = 0; n < 10; n++) {
      const a = await waitFor(() => post(hookUrl, JSON.stringify({ n: 30_000 + n }), { 'webhook-id': `drop-${n}` }), (x) => { answers.push(x); return x.status === 200; }, 10_000, 'accepted after the reset');
      expect(a.status).toBe(200);
    }
    expect(answers.every((a) => a.status === 200 || (a.status === 503 && a.code === 'HF_ERR_STORE_UNAVAILABLE'))).toBe(true);
    expect((await healthz(port)).status).toBe(200);
    console.log(`[store-outage] dropped sockets: ${before} reset, ${answers.filter((a) => a.status === 503).length} answers were 503 before all 10 events were accepted`);
    expectAllAlive();
  });
});
