import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { closeGuardedDispatchers } from '../../security/index.js';
import { runRequest } from './request.js';
import type { Connection } from './auth.js';

// A CA that signs both the server certificate and the client certificate the server requires.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-tls-'));
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
let server: https.Server;
let url = '';

beforeAll(async () => {
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Hookflow Test CA');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  // The client key is encrypted: the connection's passphrase secret must open it.
  ssl('req', '-newkey', 'rsa:2048', '-keyout', 'client.key', '-passout', 'pass:open-sesame', '-out', 'client.csr', '-subj', '/CN=hookflow-client');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2');
  server = https.createServer({ key: read('server.key'), cert: read('server.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ client: peer.subject?.CN ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await closeGuardedDispatchers();
  fs.rmSync(dir, { recursive: true, force: true });
});

const conn = (withCert: boolean): Connection => ({
  name: 'mtls', type: 'http',
  config: { base_url: url, private_network: true, tls: { ca: read('ca.pem'), ...(withCert ? { cert: read('client.pem') } : {}) } },
  secrets: withCert ? { tls_key: read('client.key'), tls_passphrase: 'open-sesame' } : {},
});

describe('client TLS certificate per connection', () => {
  it('connects with the connection’s certificate and encrypted key', async () => {
    const { output } = await runRequest(conn(true), { url: '/whoami' });
    expect(output).toMatchObject({ status: 200, body: { client: 'hookflow-client' } });
  });

  it('is refused without it', async () => {
    const err = await runRequest(conn(false), { url: '/whoami' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HF_ERR_HTTP_REQUEST' });
  });
});
