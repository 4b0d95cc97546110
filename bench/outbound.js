#!/usr/bin/env node
/**
 * Outbound webhook benchmark (needs `npm run build`): `node bench/outbound.js [--deliveries N] [--dialect sqlite|postgres]`;
 * BENCH_LOG=error shows the worker's errors on stderr.
 * Prints one JSON line per result:
 *  - outbound_throughput: events already in the outbox, fanned out to 10 subscriptions, signed,
 *    POSTed to a local receiver (a child process) and recorded in the store; deliveries/s from
 *    worker start to the last recorded success.
 *  - outbound_engine: the reusable `deliver` + `Lanes` alone (no store), deliveries/s.
 *  - outbound_isolation: 20 endpoints, 2 of them (10%) never answer (timeout 2 s); events at a
 *    steady rate; p50/p99/max delay from event commit to arrival at the healthy endpoints.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--receiver') {
  // Child: answers /ok at once, never answers /dead; reports arrival delays on request.
  const delays = [];
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url.startsWith('/dead')) return;
      count++;
      try {
        const ts = JSON.parse(Buffer.concat(chunks).toString('utf8')).timestamp;
        delays.push(Date.now() - Date.parse(ts));
      } catch { /* not an envelope */ }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (m) => {
    if (m === 'stats') process.send({ count, delays });
    if (m === 'count') process.send({ count });
    if (m === 'reset') { count = 0; delays.length = 0; process.send({ reset: true }); }
  });
} else {
  await main();
}

async function main() {
  const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1]] : null)).filter(Boolean));
  const total = Number(args.deliveries ?? 20_000);
  const dialect = args.dialect ?? 'sqlite';
  const dist = path.resolve(path.dirname(SELF), '../dist');
  const { openSqlite } = await import(path.join(dist, 'store/sqlite/open.js'));
  const { openPostgres } = await import(path.join(dist, 'store/postgres/open.js'));
  const { SecretBox } = await import(path.join(dist, 'security/index.js'));
  const out = await import(path.join(dist, 'outbound/index.js'));
  const pino = (await import('pino')).default;

  const child = fork(SELF, ['--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise((r) => child.once('message', r));
  const ask = (m) => new Promise((r) => { child.once('message', r); child.send(m); });
  const base = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-bench-out-'));
  const schemas = [];
  const open = () => (dialect === 'postgres'
    ? openPostgres({ url: process.env.HOOKFLOW_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', schema: schemas[schemas.push(`hf_bench_${randomBytes(4).toString('hex')}`) - 1], poolSize: 4 })
    : openSqlite({ file: path.join(dataDir, `${randomBytes(4).toString('hex')}.db`) }));
  const box = new SecretBox(randomBytes(32));
  const log = pino({ level: process.env.BENCH_LOG ?? 'silent' }, pino.destination(2));
  const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

  async function setup(endpoints, { timeoutMs = 10_000, concurrency = 32 } = {}) {
    const store = await open();
    const svc = new out.WebhookService(store, box, { publicUrl: 'http://bench', now: Date.now });
    const worker = new out.OutboundWorker(
      { store, box, log, now: Date.now, workerId: 'bench' },
      { timeoutMs, retry: out.DEFAULT_RETRY, concurrency, pollMs: 50, issuer: 'http://bench', disable: out.DEFAULT_DISABLE, failingAfter: 5 },
    );
    svc.notify = () => worker.notify(true);
    for (const p of endpoints) await svc.create({ event: 'job.*', uri: `${base}${p}`, private_network: true });
    return { store, svc, worker };
  }
  const insertEvents = (store, n, at = Date.now()) => store.tx(async (trx) => {
    for (let i = 0; i < n; i += 500) {
      await trx.insertInto('outbox').values(Array.from({ length: Math.min(500, n - i) }, (_, k) => ({
        type: 'job.succeeded', recipe: 'bench', created_at: at, payload: JSON.stringify({ id: `job-${i + k}`, status: 'succeeded' }),
      }))).execute();
    }
  });
  const succeeded = async (store) => Number((await store.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'succeeded').executeTakeFirstOrThrow()).n);

  // 1. Full pipeline throughput.
  {
    const subs = 10;
    const { store, worker } = await setup(Array.from({ length: subs }, (_, i) => `/ok/${i}`));
    await insertEvents(store, Math.ceil(total / subs));
    const want = Math.ceil(total / subs) * subs;
    const t0 = performance.now();
    await ask('reset');
    worker.start();
    // Watch arrivals at the receiver (a message to the child) and scan the store only for the
    // tail: a count over the deliveries every 20 ms would take the worker's own thread and lock.
    while ((await ask('count')).count < want) await new Promise((r) => setTimeout(r, 20));
    while ((await succeeded(store)) < want) await new Promise((r) => setTimeout(r, 5));
    const secs = (performance.now() - t0) / 1000;
    await worker.stop();
    await store.close();
    emit({ bench: 'outbound_throughput', dialect, deliveries: want, subscriptions: subs, seconds: +secs.toFixed(2), per_second: Math.round(want / secs), target_per_second: 5000, ok: want / secs >= 5000 });
  }

  // 2. The delivery engine alone.
  {
    const signer = new out.StandardWebhooksSigner([{ secret: out.newSecret(), expires_at: null }]);
    let done = 0;
    const lanes = new out.Lanes(async (_k, i) => {
      const r = await out.deliver({ url: `${base}/ok/engine`, allowPrivate: true, timeoutMs: 10_000 }, { id: `msg_${i}`, type: 'job.succeeded', body: JSON.stringify({ type: 'job.succeeded', timestamp: new Date().toISOString(), data: { i } }) }, signer);
      if (r.ok) done++;
    });
    const t0 = performance.now();
    for (let i = 0; i < total; i++) lanes.push(`k${i % 10}`, i, { concurrency: 32, ratePerSec: null });
    await lanes.idle();
    const secs = (performance.now() - t0) / 1000;
    emit({ bench: 'outbound_engine', deliveries: done, seconds: +secs.toFixed(2), per_second: Math.round(done / secs) });
  }

  // 3. Isolation: 10% of endpoints never answer.
  {
    await ask('reset');
    const endpoints = Array.from({ length: 20 }, (_, i) => (i < 2 ? `/dead/${i}` : `/ok/${i}`));
    const { store, worker } = await setup(endpoints, { timeoutMs: 2_000, concurrency: 8 });
    worker.start();
    const rate = 100; // events/s, each to 20 endpoints: 1,800 healthy deliveries/s
    const seconds = 6;
    for (let tick = 0; tick < (seconds * 1000) / 20; tick++) {
      await insertEvents(store, rate / 50);
      worker.notify();
      await new Promise((r) => setTimeout(r, 20));
    }
    const expected = rate * seconds * 18;
    const until = Date.now() + 15_000;
    let stats;
    do {
      await new Promise((r) => setTimeout(r, 100));
      stats = await ask('stats');
    } while (stats.count < expected && Date.now() < until);
    await worker.stop(100);
    await store.close();
    const d = stats.delays.sort((a, b) => a - b);
    const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
    emit({ bench: 'outbound_isolation', dialect, endpoints: 20, dead_endpoints: 2, healthy_deliveries: stats.count, expected_healthy: expected, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: d[d.length - 1], target_p99_ms: 100, ok: stats.count >= expected && q(0.99) < 100 });
  }
  child.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'postgres') {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: process.env.HOOKFLOW_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
    await c.connect();
    for (const schema of schemas) await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
  await (await import(path.join(dist, 'security/index.js'))).closeGuardedDispatchers();
  process.exit(0);
}
