import { describe, it, expect } from 'vitest';
import { verifyRequest, type InboundRequest, type VerificationConfig } from './index.js';

const req = (p: Partial<InboundRequest> = {}): InboundRequest =>
  ({ rawBody: Buffer.from('{}'), headers: {}, query: {}, remoteAddress: '127.0.0.1', ...p });

const outcome = (cfg: VerificationConfig, r: InboundRequest): Promise<string> =>
  verifyRequest(cfg, r).then(() => 'ok', (e: { code: string }) => e.code);

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('query_secret', () => {
  const cfg: VerificationConfig = { type: 'query_secret', secret: 's3cret-token' };

  it('accepts the right token in the default param', async () => {
    expect(await verifyRequest(cfg, req({ query: { token: 's3cret-token' } }))).toEqual({});
  });

  it('uses a custom param name', async () => {
    const custom: VerificationConfig = { type: 'query_secret', param: 'key', secret: 'abc' };
    expect(await outcome(custom, req({ query: { key: 'abc' } }))).toBe('ok');
    expect(await outcome(custom, req({ query: { token: 'abc' } }))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects a wrong, shorter, longer or missing token without echoing the secret', async () => {
    for (const token of ['s3cret-tokem', 's3cret', 's3cret-token-and-more', '']) {
      expect(await outcome(cfg, req({ query: { token } }))).toBe('HF_ERR_SIGNATURE_INVALID');
    }
    const err = await verifyRequest(cfg, req({ query: { token: 'nope' } })).catch((e: Error) => e);
    expect((err as Error).message).not.toContain('s3cret');
    expect(await outcome(cfg, req())).toBe('HF_ERR_SIGNATURE_INVALID');
  });
});

describe('basic', () => {
  const cfg: VerificationConfig = { type: 'basic', username: 'hook', password: 'p@ss:word' };

  it('accepts the right credentials (password may contain a colon, scheme any case)', async () => {
    expect(await outcome(cfg, req({ headers: { authorization: basic('hook', 'p@ss:word') } }))).toBe('ok');
    const lower = basic('hook', 'p@ss:word').replace('Basic', 'basic');
    expect(await outcome(cfg, req({ headers: { authorization: lower } }))).toBe('ok');
  });

  it('rejects a wrong password, wrong user, missing header or another scheme', async () => {
    for (const authorization of [basic('hook', 'wrong'), basic('other', 'p@ss:word'), 'Bearer p@ss:word', 'Basic !!!', undefined]) {
      expect(await outcome(cfg, req({ headers: { authorization } }))).toBe('HF_ERR_SIGNATURE_INVALID');
    }
  });
});

describe('header_token', () => {
  const cfg: VerificationConfig = { type: 'header_token', header: 'X-Api-Key', token: 'k-123' };
  const bearer: VerificationConfig = { type: 'header_token', header: 'Authorization', token: 'tok', prefix: 'Bearer ' };

  it('accepts the token from a header configured in any case', async () => {
    expect(await outcome(cfg, req({ headers: { 'x-api-key': 'k-123' } }))).toBe('ok');
  });

  it('strips a prefix, case-insensitively', async () => {
    expect(await outcome(bearer, req({ headers: { authorization: 'Bearer tok' } }))).toBe('ok');
    expect(await outcome(bearer, req({ headers: { authorization: 'bearer tok' } }))).toBe('ok');
  });

  it('rejects a wrong token, a missing header and a wrong prefix', async () => {
    expect(await outcome(cfg, req({ headers: { 'x-api-key': 'k-124' } }))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(cfg, req({ headers: { 'x-other': 'k-123' } }))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(bearer, req({ headers: { authorization: 'Token tok' } }))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(bearer, req({ headers: { authorization: 'tok' } }))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('says which header failed but never what it expected', async () => {
    const err = (await verifyRequest(cfg, req({ headers: { 'x-api-key': 'bad' } })).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('X-Api-Key');
    expect(err.message).not.toContain('k-123');
  });
});
