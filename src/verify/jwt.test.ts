import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, importPKCS8, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { verifyRequest, type InboundRequest, type VerificationConfig } from './index.js';
import { guardedJwks } from './jwks.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const NOW = new Date('2025-06-01T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

const hs = (alg: string, claims: JWTPayload = {}, secret = SECRET): Promise<string> =>
  new SignJWT({ ...claims }).setProtectedHeader({ alg }).setIssuedAt(NOW_S).setExpirationTime(NOW_S + 300)
    .sign(new TextEncoder().encode(secret));

const withKey = (alg: string, key: CryptoKey, claims: JWTPayload = {}, kid?: string): Promise<string> =>
  new SignJWT({ ...claims }).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setIssuedAt(NOW_S).setExpirationTime(NOW_S + 300).sign(key);

const bearer = (token: string, body = '{}'): InboundRequest =>
  ({ rawBody: Buffer.from(body), headers: { authorization: `Bearer ${token}` }, query: {}, remoteAddress: '127.0.0.1' });

const outcome = (cfg: VerificationConfig, r: InboundRequest, now = NOW): Promise<string> =>
  verifyRequest(cfg, r, now).then(() => 'ok', (e: { code: string }) => e.code);

const message = (cfg: VerificationConfig, r: InboundRequest): Promise<string> =>
  verifyRequest(cfg, r, NOW).then(() => 'ok', (e: Error) => e.message);

// A self-signed P-256 certificate and its key, made for this test only.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUMvIB19hUtdQy6CTXAb7DUZP1G9cwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNaG9va2Zsb3ctdGVzdDAgFw0yNjExMjMxMDQ0MDFaGA8yMTI2
MTAzMDEwNDQwMVowGDEWMBQGA1UEAwwNaG9va2Zsb3ctdGVzdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABK9EMa9L2XPQ1Ab3l3ASGRnwVlj8E1tBFmp5zpfyhaBY
YIIZA8SNGwPyPp7yyb63h1jglzlVwRi5I98O7VoV7+WjUzBRMB0GA1UdDgQWBBSk
mw+BOBorR8t8YYLqSpEi3ZQ1zDAfBgNVHSMEGDAWgBSkmw+BOBorR8t8YYLqSpEi
3ZQ1zDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQC0bO8hF7/x
jIb7A0DvDYprTQZrJmjnTLAfn8lemiAAhgIgeXYxJhmABprsFg+7P+Paxcc4u2m4
GSsJCV59Lv9iDCc=
-----END CERTIFICATE-----`;
const CERT_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgo+W5ioe6kuuJg1TL
GqKiGnpXYENnLTE+nKbI11qhItmhRANCAASvRDGvS9lz0NQG95dwEhkZ8FZY/BNb
QRZqec6X8oWgWGCCGQPEjRsD8j6e8sm+t4dY4Jc5VcEYuSPfDu1aFe/l
-----END PRIVATE KEY-----`;

describe('jwt with a shared secret', () => {
  const hs256: VerificationConfig = { type: 'jwt', algorithms: ['HS256'], secret: SECRET };

  it('accepts HS256 and returns the claims and jti', async () => {
    const result = await verifyRequest(hs256, bearer(await hs('HS256', { jti: 'evt-1', sub: 'x' })), NOW);
    expect(result.claims).toMatchObject({ sub: 'x', jti: 'evt-1' });
    expect(result.deliveryId).toBe('evt-1');
  });

  it('accepts HS512 when pinned, and rejects it when only HS256 is', async () => {
    const hs512: VerificationConfig = { type: 'jwt', algorithms: ['HS512'], secret: SECRET };
    const token = await hs('HS512');
    expect(await outcome(hs512, bearer(token))).toBe('ok');
    expect(await outcome(hs256, bearer(token))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await message(hs256, bearer(token))).toContain('HS512 is not allowed');
  });

  it('rejects a wrong secret and a tampered payload', async () => {
    expect(await outcome(hs256, bearer(await hs('HS256', {}, 'another-secret-another-secret-xx')))).toBe('HF_ERR_SIGNATURE_INVALID');
    const [h, , s] = (await hs('HS256', { admin: false })).split('.');
    const forged = Buffer.from(JSON.stringify({ admin: true, exp: NOW_S + 60 })).toString('base64url');
    expect(await outcome(hs256, bearer(`${h}.${forged}.${s}`))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects a missing header and garbage', async () => {
    expect(await outcome(hs256, { ...bearer('x'), headers: {} })).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(hs256, bearer('not.a.jwt'))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('reads a custom header with or without Bearer', async () => {
    const cfg: VerificationConfig = { type: 'jwt', algorithms: ['HS256'], secret: SECRET, location: { header: 'X-Signature-JWT' } };
    const token = await hs('HS256');
    expect(await outcome(cfg, { ...bearer(token), headers: { 'x-signature-jwt': token } })).toBe('ok');
    expect(await outcome(cfg, { ...bearer(token), headers: { 'x-signature-jwt': `bearer ${token}` } })).toBe('ok');
  });

  it('treats expired and not-yet-valid tokens as stale, within the clock tolerance', async () => {
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(NOW_S - 10).sign(new TextEncoder().encode(SECRET));
    const early = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setNotBefore(NOW_S + 10).sign(new TextEncoder().encode(SECRET));
    expect(await outcome(hs256, bearer(expired))).toBe('HF_ERR_SIGNATURE_STALE');
    expect(await outcome(hs256, bearer(early))).toBe('HF_ERR_SIGNATURE_STALE');
    const lenient: VerificationConfig = { type: 'jwt', algorithms: ['HS256'], secret: SECRET, clock_tolerance_seconds: 30 };
    expect(await outcome(lenient, bearer(expired))).toBe('ok');
    expect(await outcome(lenient, bearer(early))).toBe('ok');
  });

  it('checks issuer and audience when configured', async () => {
    const cfg: VerificationConfig = { type: 'jwt', algorithms: ['HS256'], secret: SECRET, issuer: 'https://acme.4me.com', audience: 'hookflow' };
    expect(await outcome(cfg, bearer(await hs('HS256', { iss: 'https://acme.4me.com', aud: 'hookflow' })))).toBe('ok');
    expect(await outcome(cfg, bearer(await hs('HS256', { iss: 'https://evil.example', aud: 'hookflow' })))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(cfg, bearer(await hs('HS256', { iss: 'https://acme.4me.com', aud: 'other' })))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(cfg, bearer(await hs('HS256', { aud: 'hookflow' })))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await message(cfg, bearer(await hs('HS256', { iss: 'https://evil.example', aud: 'hookflow' })))).toContain('"iss"');
  });
});

describe('jwt in a body field (4me style)', () => {
  const cfg: VerificationConfig = { type: 'jwt', algorithms: ['HS256'], secret: SECRET, location: { body_field: 'jwt' } };

  it('verifies {"jwt": …} and exposes the data claim', async () => {
    const data = { webhook_id: 7, event: 'request.update', payload: { id: 123 } };
    const token = await hs('HS256', { data, jti: 'delivery-9', iss: 'https://acme.4me.com' });
    const r: InboundRequest = { rawBody: Buffer.from(JSON.stringify({ jwt: token })), headers: {}, query: {}, remoteAddress: '127.0.0.1' };
    const result = await verifyRequest(cfg, r, NOW);
    expect(result.claims?.data).toEqual(data);
    expect(result.deliveryId).toBe('delivery-9');
  });

  it('rejects a body without the field, with a non-string field, or not JSON', async () => {
    const token = await hs('HS256');
    for (const body of ['{"token":"x"}', '{"jwt":42}', 'jwt=abc', '[]', 'null']) {
      const r: InboundRequest = { rawBody: Buffer.from(body), headers: { authorization: `Bearer ${token}` }, query: {}, remoteAddress: '::1' };
      expect(await outcome(cfg, r)).toBe('HF_ERR_SIGNATURE_INVALID');
    }
  });
});

describe('jwt with public keys', () => {
  let rs: CryptoKeyPair;
  let es: CryptoKeyPair;
  let rsPem: string;
  let esPem: string;
  beforeAll(async () => {
    rs = await generateKeyPair('RS256');
    es = await generateKeyPair('ES256');
    rsPem = await exportSPKI(rs.publicKey);
    esPem = await exportSPKI(es.publicKey);
  });

  it('accepts RS256 and ES256 with PEM public keys', async () => {
    expect(await outcome({ type: 'jwt', algorithms: ['RS256'], public_key: rsPem }, bearer(await withKey('RS256', rs.privateKey)))).toBe('ok');
    expect(await outcome({ type: 'jwt', algorithms: ['ES256'], public_key: esPem }, bearer(await withKey('ES256', es.privateKey)))).toBe('ok');
  });

  it('rejects a token signed by another key pair', async () => {
    const other = await generateKeyPair('RS256');
    expect(await outcome({ type: 'jwt', algorithms: ['RS256'], public_key: rsPem }, bearer(await withKey('RS256', other.privateKey)))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects an HS256 token against an RS256-pinned config, even one MACed with the public key PEM', async () => {
    const cfg: VerificationConfig = { type: 'jwt', algorithms: ['RS256'], public_key: rsPem };
    expect(await outcome(cfg, bearer(await hs('HS256')))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(cfg, bearer(await hs('HS256', {}, rsPem)))).toBe('HF_ERR_SIGNATURE_INVALID');
    // also when both families are allowed: HS* uses only the configured secret
    const both: VerificationConfig = { type: 'jwt', algorithms: ['RS256', 'HS256'], public_key: rsPem, secret: SECRET };
    expect(await outcome(both, bearer(await hs('HS256', {}, rsPem)))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(both, bearer(await hs('HS256')))).toBe('ok');
    expect(await outcome(both, bearer(await withKey('RS256', rs.privateKey)))).toBe('ok');
  });

  it('accepts a certificate PEM as the public key', async () => {
    const key = await importPKCS8(CERT_KEY, 'ES256');
    const cfg: VerificationConfig = { type: 'jwt', algorithms: ['ES256'], public_key: CERT };
    expect(await outcome(cfg, bearer(await withKey('ES256', key)))).toBe('ok');
    expect(await outcome(cfg, bearer(await withKey('ES256', es.privateKey)))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects configs that cannot verify their algorithms', async () => {
    const token = await withKey('RS256', rs.privateKey);
    expect(await outcome({ type: 'jwt', algorithms: ['RS256'], secret: SECRET }, bearer(token))).toBe('HF_ERR_RECIPE_INVALID');
    expect(await outcome({ type: 'jwt', algorithms: ['HS256'], public_key: rsPem }, bearer(token))).toBe('HF_ERR_RECIPE_INVALID');
    expect(await outcome({ type: 'jwt', algorithms: [], secret: SECRET }, bearer(token))).toBe('HF_ERR_RECIPE_INVALID');
    expect(await outcome({ type: 'jwt', algorithms: ['RS256'], public_key: 'not a pem' }, bearer(token))).toBe('HF_ERR_RECIPE_INVALID');
  });
});

describe('jwt alg none', () => {
  const unsecured = (claims: JWTPayload = {}): string => new UnsecuredJWT({ ...claims }).setIssuedAt(NOW_S).setExpirationTime(NOW_S + 60).encode();

  it('is rejected by default, even when listed in algorithms', async () => {
    expect(await outcome({ type: 'jwt', algorithms: ['HS256'], secret: SECRET }, bearer(unsecured()))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome({ type: 'jwt', algorithms: ['HS256', 'none'], secret: SECRET }, bearer(unsecured()))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await message({ type: 'jwt', algorithms: ['HS256'], secret: SECRET }, bearer(unsecured()))).toContain('alg none');
  });

  it('is rejected with allow_none when none is not in algorithms', async () => {
    expect(await outcome({ type: 'jwt', algorithms: ['HS256'], secret: SECRET, allow_none: true }, bearer(unsecured()))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('is accepted with allow_none and none in algorithms, claims still checked', async () => {
    const cfg: VerificationConfig = { type: 'jwt', algorithms: ['none', 'HS256'], secret: SECRET, allow_none: true, issuer: 'me' };
    const result = await verifyRequest(cfg, bearer(unsecured({ iss: 'me', jti: 'n-1' })), NOW);
    expect(result).toMatchObject({ deliveryId: 'n-1', claims: { iss: 'me' } });
    expect(await outcome(cfg, bearer(unsecured({ iss: 'you' })))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(cfg, bearer(unsecured({ iss: 'me' })), new Date(NOW.getTime() + 120_000))).toBe('HF_ERR_SIGNATURE_STALE');
    // signed tokens still verify alongside
    expect(await outcome(cfg, bearer(await hs('HS256', { iss: 'me' })))).toBe('ok');
    const onlyNone: VerificationConfig = { type: 'jwt', algorithms: ['none'], allow_none: true };
    expect(await outcome(onlyNone, bearer(unsecured()))).toBe('ok');
    expect(await outcome(onlyNone, bearer(await hs('HS256')))).toBe('HF_ERR_SIGNATURE_INVALID');
  });
});

describe('jwt with a JWKS URL', () => {
  let server: Server;
  let url: string;
  let hits = 0;
  let rs: CryptoKeyPair;
  let es: CryptoKeyPair;

  beforeAll(async () => {
    rs = await generateKeyPair('RS256');
    es = await generateKeyPair('ES256');
    const keys = [{ ...(await exportJWK(rs.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256' }];
    server = createServer((rq, res) => {
      hits++;
      if (rq.url !== '/.well-known/jwks.json') { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies tokens with keys from the JWKS and fetches it once', async () => {
    const cfg: VerificationConfig = { type: 'jwt', algorithms: ['RS256', 'ES256'], jwks_url: url, private_network: true };
    expect(await outcome(cfg, bearer(await withKey('RS256', rs.privateKey, {}, 'rs-1')))).toBe('ok');
    expect(await outcome(cfg, bearer(await withKey('ES256', es.privateKey, {}, 'es-1')))).toBe('ok');
    // a second config with the same URL shares the cached set
    const again: VerificationConfig = { type: 'jwt', algorithms: ['RS256'], jwks_url: url, private_network: true };
    expect(await outcome(again, bearer(await withKey('RS256', rs.privateKey, {}, 'rs-1')))).toBe('ok');
    expect(hits).toBe(1);
  });

  it('rejects a token from a key not in the set, and a disallowed alg', async () => {
    const cfg: VerificationConfig = { type: 'jwt', algorithms: ['RS256'], jwks_url: url, private_network: true };
    const stranger = await generateKeyPair('RS256');
    expect(await outcome(cfg, bearer(await withKey('RS256', stranger.privateKey, {}, 'rs-1')))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(cfg, bearer(await withKey('ES256', es.privateKey, {}, 'es-1')))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('reports an unreachable JWKS as an invalid signature', async () => {
    const cfg: VerificationConfig = { type: 'jwt', algorithms: ['RS256'], jwks_url: url.replace('jwks.json', 'missing.json'), private_network: true };
    expect(await outcome(cfg, bearer(await withKey('RS256', rs.privateKey, {}, 'rs-1')))).toBe('HF_ERR_SIGNATURE_INVALID');
  });
});

describe('jwt JWKS fetches go through the SSRF guard', () => {
  let v4: Server;
  let v6: Server;
  let hits = 0;
  let rs: CryptoKeyPair;
  let keys: object[];
  const listen = async (host: string) => {
    const srv = createServer((_rq, res) => { hits++; res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })); });
    await new Promise<void>((resolve) => srv.listen(0, host, resolve));
    return srv;
  };
  const port = (s: Server) => (s.address() as AddressInfo).port;

  beforeAll(async () => {
    rs = await generateKeyPair('RS256');
    keys = [{ ...(await exportJWK(rs.publicKey)), kid: 'k1', alg: 'RS256' }];
    v4 = await listen('127.0.0.1');
    v6 = await listen('::1');
  });
  afterAll(async () => { await new Promise((r) => v4.close(r)); await new Promise((r) => v6.close(r)); });

  it('refuses loopback literals, 0.0.0.0, localhost and a name resolving to loopback, and never fetches them', async () => {
    const token = await withKey('RS256', rs.privateKey, {}, 'k1');
    const urls = [
      `http://127.0.0.1:${port(v4)}/jwks`, `http://[::1]:${port(v6)}/jwks`, `http://0.0.0.0:${port(v4)}/jwks`,
      `http://localhost:${port(v4)}/jwks`, `http://vm:${port(v4)}/jwks`, `http://2130706433:${port(v4)}/jwks`,
    ];
    for (const jwks_url of urls) {
      const cfg: VerificationConfig = { type: 'jwt', algorithms: ['RS256'], jwks_url };
      expect(await outcome(cfg, bearer(token)), jwks_url).toBe('HF_ERR_SIGNATURE_INVALID');
      expect(await message(cfg, bearer(token))).toMatch(/could not be fetched/);
    }
    expect(hits).toBe(0);
    // The same URL with the private-network opt-in (what an admin grants a connection) works.
    expect(await outcome({ type: 'jwt', algorithms: ['RS256'], jwks_url: `http://localhost:${port(v4)}/jwks`, private_network: true }, bearer(token))).toBe('ok');
    expect(hits).toBe(1);
  });

  it('refetches on an unknown kid at most once per cooldown, and caps the document size', async () => {
    hits = 0;
    const get = guardedJwks(new URL(`http://127.0.0.1:${port(v4)}/rotating`), { allowPrivate: true, cooldownMs: 60_000 });
    const verify = (t: string) => import('jose').then((j) => j.jwtVerify(t, get, { algorithms: ['RS256'], currentDate: NOW })).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');
    expect(await verify(await withKey('RS256', rs.privateKey, {}, 'k1'))).toBe('ok');
    expect(hits).toBe(1);
    // A forged stream of unknown kids right after a fetch: no refetch within the cooldown.
    for (let i = 0; i < 20; i++) expect(await verify(await withKey('RS256', rs.privateKey, {}, `nope-${i}`))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(hits).toBe(1);
    // Without a cooldown, a rotated key is picked up by a kid-miss refetch.
    const rotated = await generateKeyPair('RS256');
    keys = [...keys, { ...(await exportJWK(rotated.publicKey)), kid: 'k2', alg: 'RS256' }];
    const eager = guardedJwks(new URL(`http://127.0.0.1:${port(v4)}/eager`), { allowPrivate: true, cooldownMs: 0 });
    const { jwtVerify } = await import('jose');
    await jwtVerify(await withKey('RS256', rs.privateKey, {}, 'k1'), eager, { algorithms: ['RS256'], currentDate: NOW });
    keys = [...keys, { ...(await exportJWK(rotated.publicKey)), kid: 'k3', alg: 'RS256' }];
    await jwtVerify(await withKey('RS256', rotated.privateKey, {}, 'k3'), eager, { algorithms: ['RS256'], currentDate: NOW });
    expect(hits).toBe(3);
    // A huge document is refused, not buffered.
    keys = Array.from({ length: 5000 }, (_, i) => ({ kty: 'oct', kid: `pad-${i}`, k: 'x'.repeat(100) }));
    const big = guardedJwks(new URL(`http://127.0.0.1:${port(v4)}/big`), { allowPrivate: true });
    await expect(big({ alg: 'RS256', kid: 'k1' }, { payload: '', signature: '' } as never)).rejects.toThrow(/over \d+ bytes/);
  });
});
