import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { closeGuardedDispatchers } from './dispatcher.js';
import { safeFetch } from './fetch.js';
import { startServer, type TestServer } from './test-helpers.js';

// 127.0.0.2 plays the private network, 127.0.0.1 (allow-listed) the public internet.
let inside: TestServer;
let outside: TestServer;
const PUBLIC_ONLY = ['127.0.0.1'];

beforeAll(async () => {
  inside = await startServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, headers: req.headers }));
  }, '127.0.0.2');
  outside = await startServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/hop') return res.writeHead(Number(u.searchParams.get('status') ?? 302), { location: u.searchParams.get('to') ?? '/' }).end();
    if (u.pathname === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (u.pathname === '/slow') return void setTimeout(() => res.end('late'), 2_000);
    res.end(JSON.stringify({ method: req.method, headers: req.headers }));
  });
});
afterAll(async () => { await inside.close(); await outside.close(); await closeGuardedDispatchers(); });

const hop = (to: string, status = 302): string => `${outside.url}/hop?status=${status}&to=${encodeURIComponent(to)}`;

describe('safeFetch', () => {
  it('refuses loopback by default and reaches it when allowed', async () => {
    await expect(safeFetch(`${outside.url}/`)).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
    await expect(safeFetch(`http://2130706433:${outside.port}/`)).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
    const res = await safeFetch(`${outside.url}/`, { allowPrivate: true });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });

  it('refuses a redirect into the private network', async () => {
    await expect(safeFetch(hop(`${inside.url}/`), { allowPrivate: PUBLIC_ONLY })).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
    await expect(safeFetch(hop('http://169.254.169.254/latest/meta-data/'), { allowPrivate: PUBLIC_ONLY }))
      .rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
    await expect(safeFetch(hop('file:///etc/passwd'), { allowPrivate: PUBLIC_ONLY })).rejects.toMatchObject({ code: 'HF_ERR_VALIDATION' });
  });

  it('follows allowed redirects, dropping credentials when the origin changes', async () => {
    const res = await safeFetch(hop(`${inside.url}/`), {
      allowPrivate: true,
      headers: { Authorization: 'Bearer s3cret', 'X-Trace': 't1' },
    });
    expect(res.redirects).toBe(1);
    expect(res.url).toBe(`${inside.url}/`);
    const echo = (await res.body.json()) as { headers: Record<string, string> };
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers['x-trace']).toBe('t1');
  });

  it('keeps credentials and method on a same-origin 307, turns POST into GET on 303', async () => {
    const opts = { allowPrivate: true, method: 'POST' as const, body: '{"a":1}', headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' } };
    const kept = (await (await safeFetch(hop('/echo', 307), opts)).body.json()) as { method: string; headers: Record<string, string> };
    expect(kept.method).toBe('POST');
    expect(kept.headers.authorization).toBe('Bearer s3cret');
    const got = (await (await safeFetch(hop('/echo', 303), opts)).body.json()) as { method: string; headers: Record<string, string> };
    expect(got.method).toBe('GET');
    expect(got.headers['content-type']).toBeUndefined();
  });

  it('stops after maxRedirects, or returns the 3xx when redirects are off', async () => {
    await expect(safeFetch(`${outside.url}/loop`, { allowPrivate: true })).rejects.toMatchObject({ code: 'HF_ERR_HTTP_REQUEST' });
    const res = await safeFetch(`${outside.url}/loop`, { allowPrivate: true, maxRedirects: 0 });
    expect(res.statusCode).toBe(302);
    await res.body.dump();
  });

  it('turns the overall deadline into a retryable request error without the query string', async () => {
    const err = await safeFetch(`${outside.url}/slow?api_key=k123`, { allowPrivate: true, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HF_ERR_HTTP_REQUEST', retryable: true });
    expect((err as Error).message).not.toContain('k123');
  });

  it('passes the caller’s own abort through', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const err = await safeFetch(`${outside.url}/slow`, { allowPrivate: true, signal: ctl.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
  });
});
