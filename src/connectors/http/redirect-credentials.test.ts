// Credentials never follow a redirect to another origin: two loopback servers on different ports
// (two origins); the second must see none of what each auth type put on the request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingHttpHeaders } from 'node:http';
import { startServer, type TestServer } from '../../security/test-helpers.js';
import { closeGuardedDispatchers } from '../../security/index.js';
import { runRequest } from './request.js';
import type { Connection } from './auth.js';

const SECRET = 'Sup3r-s3cret-value';
let first: TestServer;
let second: TestServer;
const seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  second = await startServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; }).on('end', () => { seen.push({ url: req.url ?? '', headers: req.headers, body }); res.end('landed'); });
  });
  first = await startServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const status = Number(q.get('status') ?? 302);
    q.delete('status');
    q.set('keep', '1');
    // The Location repeats the query, auth parameters included, as a careless server would.
    req.resume().on('end', () => res.writeHead(status, { location: `${second.url}/landing?${q}` }).end());
  });
});
afterAll(async () => { await first.close(); await second.close(); await closeGuardedDispatchers(); });

const conn = (auth: Record<string, unknown>, secrets: Record<string, unknown>): Connection =>
  ({ name: 'c', type: 'http', config: { private_network: true, auth }, secrets });

const CASES: Array<[string, Connection]> = [
  ['basic', conn({ type: 'basic', username: 'u' }, { password: SECRET })],
  ['bearer', conn({ type: 'bearer' }, { token: SECRET })],
  ['header', conn({ type: 'header', header: 'X-Api-Token', prefix: 'Token ' }, { token: SECRET, headers: { 'X-Extra-Auth': SECRET } })],
  ['query', conn({ type: 'query', param: 'key' }, { token: SECRET, params: { sig: SECRET } })],
  ['custom', conn({ type: 'custom' }, { headers: { 'X-Custom-Auth': SECRET }, params: { key: SECRET } })],
];

describe('a redirect to another origin', () => {
  for (const [name, c] of CASES) {
    it(`drops every credential of ${name} auth`, async () => {
      seen.length = 0;
      const { output } = await runRequest(c, { url: `${first.url}/start`, headers: { cookie: `sid=${SECRET}`, 'proxy-authorization': `Basic ${SECRET}` } });
      expect(output.status).toBe(200);
      expect(seen).toHaveLength(1);
      const got = JSON.stringify(seen[0]);
      expect(got).not.toContain(SECRET);
      expect(got).not.toContain(Buffer.from(`u:${SECRET}`).toString('base64'));
      expect(seen[0]!.headers).not.toHaveProperty('authorization');
      expect(seen[0]!.headers).not.toHaveProperty('cookie');
      expect(seen[0]!.headers).not.toHaveProperty('proxy-authorization');
      expect(seen[0]!.url).toContain('keep=1');
    });
  }

  it('does not re-send custom auth body fields to another origin on a 307', async () => {
    seen.length = 0;
    const c = conn({ type: 'custom' }, { body: { client_secret: SECRET } });
    await expect(runRequest(c, { method: 'POST', url: `${first.url}/start?status=307`, body: { a: 1 } })).rejects.toMatchObject({ code: 'HF_ERR_HTTP_STATUS' });
    expect(seen).toHaveLength(0);
  });

  it('keeps the credentials on a redirect within the same origin', async () => {
    let landed: string | undefined;
    const same = await startServer((req, res) => {
      if (req.url === '/start') return res.writeHead(302, { location: '/next' }).end();
      landed = req.headers.authorization;
      res.end('ok');
    });
    try {
      await runRequest(conn({ type: 'bearer' }, { token: SECRET }), { url: `${same.url}/start` });
      expect(landed).toBe(`Bearer ${SECRET}`);
    } finally { await same.close(); }
  });
});
