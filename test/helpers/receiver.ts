/**
 * A side-effect receiver: an HTTP API that honours `Idempotency-Key` the way a payment API does.
 * It counts every call per key and applies each key once; a call with an applied key answers
 * the stored result without applying again. A delay keeps calls in flight so kills land mid-step.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api, JobItem } from './api.js';

export interface Receiver {
  port: number;
  url: string;
  /** Calls per idempotency key (every arrival, including repeats). */
  calls: Map<string, number>;
  /** Applied effects: key → the body's `n`. */
  applied: Map<string, unknown>;
  /** Calls whose key was already applied (answered from the stored result). */
  readonly duplicateCalls: number;
  /** Calls without an idempotency-key header (must stay 0). */
  readonly keyless: number;
  /** Keys whose call arrived and has not been answered yet. */
  inFlight: Set<string>;
  totalCalls(): number;
  close(): Promise<void>;
}

export async function startReceiver(opts: { minDelayMs?: number; maxDelayMs?: number } = {}): Promise<Receiver> {
  const min = opts.minDelayMs ?? 5;
  const max = opts.maxDelayMs ?? 20;
  const calls = new Map<string, number>();
  const applied = new Map<string, unknown>();
  const inFlight = new Set<string>();
  let duplicateCalls = 0;
  let keyless = 0;
  let total = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      total++;
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !key) {
        keyless++;
        res.writeHead(400).end();
        return;
      }
      calls.set(key, (calls.get(key) ?? 0) + 1);
      inFlight.add(key);
      let n: unknown = null;
      try { n = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { n?: unknown }).n; } catch { /* no body */ }
      const delay = min + Math.random() * (max - min);
      setTimeout(() => {
        let replay = false;
        if (applied.has(key)) {
          duplicateCalls++;
          replay = true;
        } else {
          applied.set(key, n);
        }
        inFlight.delete(key);
        // The caller may have died meanwhile; writing to a closed socket is harmless.
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ applied: true, replay, n: applied.get(key) }));
      }, delay);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port, url: `http://127.0.0.1:${port}/effect`, calls, applied, inFlight,
    get duplicateCalls() { return duplicateCalls; },
    get keyless() { return keyless; },
    totalCalls: () => total,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/**
 * The exactly-once check of the crash tests: one job per acknowledged event, and the job the
 * acknowledgement named; every job succeeded; every effect applied once, with its job's key.
 */
export function expectExactlyOnce(expect: typeof import('vitest').expect, jobs: JobItem[], acked: Map<number, string>, receiver: Receiver, events: number): void {
  expect(jobs.length).toBe(events);
  const byN = new Map<number, string>();
  for (const j of jobs) {
    const n = j.trigger?.body?.n as number;
    expect(byN.has(n), `two jobs for n=${n}`).toBe(false);
    byN.set(n, j.id);
  }
  for (const [n, id] of acked) expect(byN.get(n), `event n=${n}`).toBe(id);
  const notOk = jobs.filter((j) => j.status !== 'succeeded');
  expect(notOk.map((j) => ({ id: j.id, status: j.status, error: j.error })).slice(0, 5)).toEqual([]);
  expect(receiver.keyless).toBe(0);
  expect(receiver.applied.size).toBe(events);
  for (const [n, id] of acked) expect(receiver.applied.get(`${id}:call:1`), `effect of n=${n}`).toBe(n);
}

/**
 * The crash tests' recipe: a transform, a POST of `n` to the receiver (retried), a transform.
 * Answers the recipe's trigger URL.
 */
export async function applyCrashRecipe(api: Api, name: string, receiver: Receiver): Promise<string> {
  await api.createConnection({ name: 'local', type: 'http', config: { private_network: true } });
  return api.putRecipe({
    name,
    trigger: { type: 'webhook' },
    steps: [
      { id: 'prep', action: 'transform', with: { n: '{{ trigger.body.n }}' } },
      { id: 'call', action: 'http.request', connection: 'local', with: { method: 'POST', url: receiver.url, body: { n: '{{ steps.prep.n }}' } }, retry: { attempts: 10, backoff: 'fixed', delay_ms: 100 } },
      { id: 'done', action: 'transform', with: { ok: true } },
    ],
  });
}
