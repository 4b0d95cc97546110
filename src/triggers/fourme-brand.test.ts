// Both brands of one account, nothing else: the verify callback's origin and the JWT issuer, with
// a genuine 4me-signed token (test/fixtures/4me-staging-verify-rs256-jwt.json) for the issuer.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { fourmeEndpoints } from '../connectors/fourme/config.js';
import { accountOrigins, otherBrandDomain } from './fourme-brand.js';
import { checkCallback } from './fourme-handshake.js';
import { policyVerifier } from './fourme-policy.js';

const REAL = JSON.parse(fs.readFileSync(new URL('../../test/fixtures/4me-staging-verify-rs256-jwt.json', import.meta.url), 'utf8'));
const ep = (account: string, domain: string, base_url?: string) => fourmeEndpoints('c', { account, domain, ...(base_url ? { base_url } : {}) });

describe('4me / Xurrent brands', () => {
  it('swaps only the brand word of the domain', () => {
    expect(['4me.com', 'au.4me.com', '4me.qa', '4me-demo.com', '4me-staging.com', 'uk.xurrent.qa', 'xurrent.com'].map(otherBrandDomain))
      .toEqual(['xurrent.com', 'au.xurrent.com', 'xurrent.qa', 'xurrent-demo.com', 'xurrent-staging.com', 'uk.4me.qa', '4me.com']);
    // An account id with "4me" in it stays as it is (a plain string replace turned it into "myxurrent").
    expect(accountOrigins(ep('my4me', '4me.com'))).toEqual(['https://my4me.4me.com', 'https://my4me.xurrent.com']);
  });

  it('follows verify callbacks on the account in either brand, from a connection on either brand', () => {
    for (const conn of [ep('acme', '4me.com'), ep('acme', 'xurrent.com')]) {
      for (const host of ['acme.4me.com', 'acme.xurrent.com']) {
        expect(checkCallback(`https://${host}/webhooks/12/verify?code=x`, conn).host).toBe(host);
      }
      for (const bad of ['https://other.4me.com/webhooks/12/verify', 'https://other.xurrent.com/webhooks/12/verify', 'https://acme.4me.qa/webhooks/12/verify', 'https://acme.xurrent.com.evil.io/webhooks/12/verify', 'http://acme.xurrent.com/webhooks/12/verify', 'https://acme.xurrent.com/people/1']) {
        expect(() => checkCallback(bad, conn), bad).toThrow(/not on the connection's account/);
      }
    }
  });

  it('verifies the genuine 4me-staging token for its account in either brand and for no other account', async () => {
    const p = REAL.policy;
    const def = { type: '4me.webhook' as const, connection: 'c', policy: { jwt_alg: p.jwtAlg, public_key: p.publicKeyPem, audience: p.jwtAudience } };
    const req = { rawBody: Buffer.from(JSON.stringify(REAL.body)), headers: { 'content-type': 'application/json' }, query: {}, remoteAddress: '127.0.0.1' };
    for (const domain of ['4me-staging.com', 'xurrent-staging.com']) {
      const res = await (await policyVerifier(def, ep('wdc', domain, 'http://127.0.0.1:9'))).call(null, req);
      expect(res.claims).toMatchObject({ iss: 'https://wdc.4me-staging.com', sub: '1', jti: '96119b558943acdecb001b75d9eee781479b7d9efe4025cb14611b868a4f407b', data: { event: 'webhook.verify', account_id: 'wdc' } });
      expect(res.claims!.exp).toBeUndefined();
    }
    await expect((await policyVerifier(def, ep('other', '4me-staging.com', 'http://127.0.0.1:9')))(req)).rejects.toThrow(/iss/);
  });
});
