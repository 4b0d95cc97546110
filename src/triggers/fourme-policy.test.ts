// 4me OIDC discovery and its JWKS go through the SSRF guard: a connection without private-network
// access never fetches from loopback, and a discovery document cannot point the JWKS fetch at an
// address the connection may not reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startServer, type TestServer } from '../security/test-helpers.js';
import { fourmeEndpoints } from '../connectors/fourme/config.js';
import { policyVerifier, type FourmeTriggerDef } from './fourme-policy.js';

const POLICY = 'a'.repeat(56);
let discovery: TestServer;
let internal: TestServer;
const hits = { discovery: 0, internal: 0 };
let jwksAt = '';
let keys: object[] = [];
let priv: CryptoKey;

beforeAll(async () => {
  const kp = await generateKeyPair('ES256');
  priv = kp.privateKey;
  keys = [{ ...(await exportJWK(kp.publicKey)), kid: 'k', alg: 'ES256' }];
  internal = await startServer((_q, res) => { hits.internal++; res.end(JSON.stringify({ keys })); }, '127.0.0.2');
  discovery = await startServer((q, res) => {
    hits.discovery++;
    if (q.url?.endsWith('/.well-known/openid-configuration')) return res.end(JSON.stringify({ jwks_uri: jwksAt }));
    res.end(JSON.stringify({ keys }));
  });
});
afterAll(async () => { await discovery.close(); await internal.close(); });

const def: FourmeTriggerDef = { type: '4me.webhook', connection: 'c', policy: { jwt_alg: 'es256', oidc_discovery: true, policy_name: POLICY } };
const ep = (base: string, private_network: unknown) => fourmeEndpoints('c', { account: 'wdc', domain: '4me.qa', base_url: base, private_network });

describe('4me OIDC discovery through the guard', () => {
  it('refuses discovery on loopback (literal and by name) without private-network access, fetching nothing', async () => {
    for (const base of [discovery.url, `http://localhost:${discovery.port}`, `http://[::1]:${discovery.port}`, `http://0.0.0.0:${discovery.port}`]) {
      await expect(policyVerifier(def, ep(base, false)), base).rejects.toMatchObject({ code: 'HF_ERR_SIGNATURE_INVALID' });
    }
    expect(hits.discovery).toBe(0);
  });

  it('does not let a discovery document send the JWKS fetch to an address the connection may not reach', async () => {
    jwksAt = `${internal.url}/jwks`;
    const verifier = await policyVerifier(def, ep(`http://127.0.0.1:${discovery.port}`, ['127.0.0.1']));
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setIssuer(`https://wdc.4me.qa/webhook_policies/${POLICY}`).setIssuedAt().sign(priv);
    await expect(verifier({ rawBody: Buffer.from(JSON.stringify({ jwt })), headers: {}, query: {}, remoteAddress: '127.0.0.1' })).rejects.toMatchObject({ code: 'HF_ERR_SIGNATURE_INVALID' });
    expect(hits.discovery).toBe(1);
    expect(hits.internal).toBe(0);
  });

  it('works where an admin allowed the private network', async () => {
    jwksAt = `http://127.0.0.1:${discovery.port}/jwks`;
    const e = ep(`http://localhost:${discovery.port}`, true);
    const verifier = await policyVerifier(def, e);
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setIssuer(`https://wdc.4me.qa/webhook_policies/${POLICY}`).setIssuedAt().sign(priv);
    await expect(verifier({ rawBody: Buffer.from(JSON.stringify({ jwt })), headers: {}, query: {}, remoteAddress: '127.0.0.1' })).resolves.toBeTruthy();
  });
});
