import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, expect } from 'vitest';
import { httpRequestAction as httpRequest } from './request.js';

describe('http.request with a 4me connection', () => {
  it('signs with the 4me bearer token and account header', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => { seen.push(req.headers); res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const out = await httpRequest({ method: 'GET', url: `${base}/v1/me` }, {
        job: { id: 'j', number: 1, recipe: 'r', recipe_version: 1 }, step: { id: 's', action: 'http.request' }, attempt: 1,
        idempotencyKey: 'j:s:1', signal: new AbortController().signal,
        connection: { name: 'acme', type: '4me', config: { account: 'wdc', base_url: base, auth: { type: 'personal_access_token' }, private_network: true }, secrets: { token: 'pat-secret-123' } },
      } as unknown as Parameters<typeof httpRequest>[1]) as { status: number };
      expect(out.status).toBe(200);
      expect(seen[0]!.authorization).toBe('Bearer pat-secret-123');
      expect(seen[0]!['x-4me-account']).toBe('wdc');
    } finally {
      server.close();
    }
  });
});
