import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type TestServer } from '../../security/test-helpers.js';
import { closeGuardedDispatchers } from '../../security/index.js';
import { runRequest, retryAfterSeconds } from './request.js';
import type { Connection } from './auth.js';

let server: TestServer;
const hits: Record<string, number> = {};
beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    if (path === '/429') return res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' }).end('{"error":"slow down"}');
    if (path === '/503') return res.writeHead(503).end('maintenance');
    if (path === '/slow-headers') return void setTimeout(() => res.end('late'), 3_000);
    if (path === '/big') return res.end('x'.repeat(2048));
    res.end('ok');
  });
});
afterAll(async () => { await server.close(); await closeGuardedDispatchers(); });

const conn = (timeouts: Record<string, number> = {}): Connection => ({ name: 'c', type: 'http', config: { base_url: server.url, private_network: true, timeouts }, secrets: {} });

describe('flaky servers', () => {
  it('429 is retryable and carries Retry-After', async () => {
    const err = await runRequest(conn(), { url: '/429' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HF_ERR_HTTP_STATUS', retryable: true, retryAfter: 7, details: { status: 429, body: { error: 'slow down' } } });
  });

  it('503 is retryable', async () => {
    const err = await runRequest(conn(), { url: '/503' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HF_ERR_HTTP_STATUS', retryable: true, details: { status: 503, body: 'maintenance' } });
  });

  it('slow headers hit the headers timeout as a retryable request error', async () => {
    const err = await runRequest(conn({ headers_ms: 200 }), { url: '/slow-headers' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HF_ERR_HTTP_REQUEST', retryable: true });
    expect((err as Error).message).toMatch(/headers timeout/);
  });

  it('the total timeout bounds the whole call', async () => {
    const err = await runRequest(conn({ total_ms: 200 }), { url: '/slow-headers' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HF_ERR_HTTP_REQUEST', retryable: true });
    expect((err as Error).message).toMatch(/no answer within 200 ms/);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterSeconds('120')).toBe(120);
    expect(retryAfterSeconds(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(30);
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });
});
