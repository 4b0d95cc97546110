/**
 * Slow senders over real sockets: headers or a body trickled a byte at a time are cut off with
 * 408 and a coded body once the (lowered) timeouts pass, and the socket is closed, while a normal
 * request on another connection is answered meanwhile. Malformed requests and oversized
 * headers, which Node refuses before routing, get coded answers too.
 */
import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';

const HEADERS_MS = 1000;
const REQUEST_MS = 2000;

interface Outcome { text: string; closedAfterMs: number }

/** Opens a socket, writes `head` at once, then one byte of `trickle` every 300 ms until closed. */
function trickle(port: number, head: string, drip: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    s.on('connect', () => {
      s.write(head);
      timer = setInterval(() => { if (!s.destroyed && s.writable) s.write(drip[i++ % drip.length]!); }, 300);
    });
    s.on('data', (d) => { text += d.toString('utf8'); });
    s.on('error', () => { /* a reset after the answer is fine */ });
    s.on('close', () => { clearInterval(timer); resolve({ text, closedAfterMs: Date.now() - t0 }); });
    setTimeout(() => { clearInterval(timer); s.destroy(); reject(new Error(`socket still open after 15 s; got ${JSON.stringify(text)}`)); }, 15_000);
  });
}

function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    let text = '';
    s.on('data', (d) => { text += d.toString('utf8'); });
    s.on('error', () => undefined);
    s.on('close', () => resolve(text));
  });
}

function parse(text: string): { status: number; body: any } {
  const [head, ...rest] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1]), body: JSON.parse(rest.join('\r\n\r\n')) };
}

describe('slow senders and malformed requests', () => {
  let t: TestRuntime;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    t = await testRuntime('sqlite', { HOOKFLOW_HEADERS_TIMEOUT_MS: String(HEADERS_MS), HOOKFLOW_REQUEST_TIMEOUT_MS: String(REQUEST_MS) }, false);
    app = await buildApp(t.rt);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => { await app?.close(); await t?.close(); });

  it('cuts off headers trickled a byte at a time with 408 and closes the socket', async () => {
    const slow = trickle(port, 'POST /hooks/abc HTTP/1.1\r\nHost: x\r\n', 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    // Meanwhile a normal request is answered.
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(ok.status).toBe(200);
    const r = await slow;
    expect(r.closedAfterMs).toBeLessThan(HEADERS_MS + 4000);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_MS - 100);
    const a = parse(r.text);
    expect(a.status).toBe(408);
    expect(a.body.error.code).toBe('HF_ERR_REQUEST_TIMEOUT');
  });

  it('cuts off a body trickled a byte at a time with 408 and closes the socket', async () => {
    const head = 'POST /hooks/abc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":"';
    const slow = trickle(port, head, 'b');
    const ok = await fetch(`http://127.0.0.1:${port}/api/v1/jobs`);
    expect(ok.status).toBe(401);
    const r = await slow;
    expect(r.closedAfterMs).toBeLessThan(REQUEST_MS + 4000);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_MS - 100);
    const a = parse(r.text);
    expect(a.status).toBe(408);
    expect(a.body.error.code).toBe('HF_ERR_REQUEST_TIMEOUT');
  });

  it('answers a malformed request line and oversized headers with coded errors', async () => {
    const bad = parse(await raw(port, 'GARBAGE\r\n\r\n'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('HF_ERR_BAD_REQUEST');
    const big = parse(await raw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(big.status).toBe(431);
    expect(big.body.error.code).toBe('HF_ERR_HEADERS_TOO_LARGE');
  });
});
