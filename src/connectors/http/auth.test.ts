import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type http from 'node:http';
import { startServer, type TestServer } from '../../security/test-helpers.js';
import { closeGuardedDispatchers } from '../../security/index.js';
import { runRequest } from './request.js';
import type { Connection } from './auth.js';

// One server checks every static auth type; it answers 401 unless the request carries the right credentials.
function check(req: http.IncomingMessage, body: string): boolean {
  const u = new URL(req.url ?? '/', 'http://x');
  switch (u.pathname) {
    case '/basic': return req.headers.authorization === `Basic ${Buffer.from('ann:pw-1234').toString('base64')}`;
    case '/header': return req.headers['x-api-key'] === 'key-5678' && req.headers['x-tenant'] === 'acme';
    case '/query': return u.searchParams.get('api_key') === 'qk-9999';
    case '/custom': return req.headers['x-app'] === 'app-1' && u.searchParams.get('sig') === 'sig-2222' && JSON.parse(body || '{}').account === 'acct-3333';
    case '/bearer': return req.headers.authorization === 'Bearer tok-4444';
  }
  return false;
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const ok = check(req, body);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, echo: body ? JSON.parse(body) : null, idem: req.headers['idempotency-key'] ?? null, auth: req.headers.authorization ?? null }));
    });
  });
});
afterAll(async () => { await server.close(); await closeGuardedDispatchers(); });

const conn = (type: string, auth: Record<string, unknown>, secrets: Record<string, unknown>): Connection => ({
  name: 'c', type, config: { base_url: server.url, private_network: true, auth }, secrets,
});

describe('http.request auth types', () => {
  it('basic: username in config, password secret', async () => {
    const { output } = await runRequest(conn('http', { type: 'basic', username: 'ann' }, { password: 'pw-1234' }), { url: '/basic' });
    // The server echoed the header back; what the auth derived from the secret is scrubbed too.
    expect(output).toMatchObject({ status: 200, body: { ok: true, auth: '[redacted]' } });
  });

  it('header: any set of headers', async () => {
    const { output } = await runRequest(conn('http', { type: 'header' }, { headers: { 'X-Api-Key': 'key-5678', 'X-Tenant': 'acme' } }), { url: '/header' });
    expect(output.status).toBe(200);
  });

  it('query: parameters added to every request, never shown in the output', async () => {
    const { output } = await runRequest(conn('http', { type: 'query' }, { params: { api_key: 'qk-9999' } }), { url: '/query', query: { page: 1 } });
    expect(output.status).toBe(200);
    expect(JSON.stringify(output)).not.toContain('qk-9999');
  });

  it('custom: headers, query parameters and body fields together', async () => {
    const c = conn('http', { type: 'custom' }, { headers: { 'X-App': 'app-1' }, params: { sig: 'sig-2222' }, body: { account: 'acct-3333' } });
    const { output } = await runRequest(c, { method: 'POST', url: '/custom', body: { name: 'venue' } });
    expect(output.status).toBe(200);
    // The body field reached the server, and the echo of it is scrubbed from step data.
    expect((output.body as { echo: Record<string, unknown> }).echo).toEqual({ name: 'venue', account: '[redacted]' });
  });

  it('a wrong secret is a non-retryable step error with the status', async () => {
    const err = await runRequest(conn('http', { type: 'basic', username: 'ann' }, { password: 'wrong-pw' }), { url: '/basic' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HF_ERR_HTTP_STATUS', retryable: false, details: { status: 401 } });
  });

  it('accept_status turns a non-2xx into an output', async () => {
    const { output } = await runRequest(conn('http', { type: 'none' }, {}), { url: '/basic', accept_status: [401] });
    expect(output.status).toBe(401);
  });

  it('signs with a non-http connection that has an auth block of the same shape', async () => {
    const { output } = await runRequest(conn('workflowgen', { type: 'bearer' }, { token: 'tok-4444' }), { url: '/bearer' }, { idempotencyKey: 'job:step:1' });
    expect(output).toMatchObject({ status: 200, body: { ok: true, idem: 'job:step:1' } });
  });

  it('absolute URLs ignore the base URL; relative ones need it', async () => {
    const { output } = await runRequest(conn('http', { type: 'bearer' }, { token: 'tok-4444' }), { url: `${server.url}/bearer` });
    expect(output.status).toBe(200);
    await expect(runRequest({ name: 'x', type: 'http', config: {}, secrets: {} }, { url: '/bearer' })).rejects.toMatchObject({ code: 'HF_ERR_VALIDATION' });
  });
});
