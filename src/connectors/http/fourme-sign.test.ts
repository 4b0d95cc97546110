import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, expect } from 'vitest';
import { runRequest } from './request.js';

describe('http.request with a 4me connection', () => {
  it('signs with the 4me bearer token and account header', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => { seen.push(req.headers); res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const conn = { name: 'acme', type: '4me', config: { account: 'wdc', base_url: base, auth: { type: 'personal_access_token' }, private_network: true }, secrets: { token: 'pat-secret-123' } };
      const out = (await runRequest(conn, { method: 'GET', url: `${base}/v1/me` }, { idempotencyKey: 'j:s:1' })).output;
      expect(out.status).toBe(200);
      expect(seen[0]!.authorization).toBe('Bearer pat-secret-123');
      expect(seen[0]!['x-4me-account']).toBe('wdc');
    } finally {
      server.close();
    }
  });
});
