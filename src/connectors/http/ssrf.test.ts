import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type TestServer } from '../../security/test-helpers.js';
import { closeGuardedDispatchers } from '../../security/index.js';
import { runRequest } from './request.js';
import type { Connection } from './auth.js';

// 127.0.0.1 plays a public API (allow-listed), 127.0.0.2 an internal service that must stay out of reach.
let api: TestServer;
let internal: TestServer;
const PUBLIC_ONLY = ['127.0.0.1'];
beforeAll(async () => {
  internal = await startServer((_req, res) => res.end('internal secrets'), '127.0.0.2');
  api = await startServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/to') return res.writeHead(302, { location: u.searchParams.get('url') ?? '/' }).end();
    res.end('public');
  });
});
afterAll(async () => { await api.close(); await internal.close(); await closeGuardedDispatchers(); });

const conn = (private_network: unknown): Connection => ({ name: 'c', type: 'http', config: { private_network }, secrets: {} });
const blocked = { code: 'HF_ERR_SSRF_BLOCKED' };

describe('SSRF guard on http.request', () => {
  it('refuses loopback, link-local metadata and private literals by default', async () => {
    for (const url of [`${api.url}/`, 'http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/', 'http://[::1]:9/', 'http://2130706433:9/']) {
      await expect(runRequest(conn(false), { url })).rejects.toMatchObject(blocked);
    }
  });

  it('refuses a DNS name that resolves to loopback', async () => {
    await expect(runRequest(conn(false), { url: `http://localhost:${api.port}/` })).rejects.toMatchObject(blocked);
    await expect(runRequest(undefined, { url: `http://localhost:${api.port}/` })).rejects.toMatchObject(blocked);
  });

  it('refuses a redirect into the private network, also to metadata', async () => {
    const hop = (to: string) => `${api.url}/to?url=${encodeURIComponent(to)}`;
    await expect(runRequest(conn(PUBLIC_ONLY), { url: hop(`${internal.url}/`) })).rejects.toMatchObject(blocked);
    await expect(runRequest(conn(PUBLIC_ONLY), { url: hop('http://169.254.169.254/') })).rejects.toMatchObject(blocked);
  });

  it('reaches private addresses when the connection allows private networks', async () => {
    const { output } = await runRequest(conn(true), { url: `http://localhost:${api.port}/to?url=${encodeURIComponent(`${internal.url}/`)}` });
    expect(output).toMatchObject({ status: 200, body: 'internal secrets', redirects: [{ status: 302 }] });
  });

  it('with a proxy, still refuses private targets by resolving them first', async () => {
    const c: Connection = { name: 'p', type: 'http', config: { proxy_url: api.url }, secrets: {} };
    await expect(runRequest(c, { url: `http://localhost:${internal.port}/` })).rejects.toMatchObject(blocked);
    await expect(runRequest(c, { url: 'http://169.254.169.254/' })).rejects.toMatchObject(blocked);
  });
});
