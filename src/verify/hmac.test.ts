import { createHmac } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { verifyRequest, type InboundRequest, type VerificationConfig } from './index.js';

const SECRET = 'It\'s a Secret to Everybody';
const BODY = '{"action":"opened","number":1}';

const req = (headers: InboundRequest['headers'], body = BODY): InboundRequest =>
  ({ rawBody: Buffer.from(body), headers, query: {}, remoteAddress: '127.0.0.1' });

const outcome = (cfg: VerificationConfig, r: InboundRequest): Promise<string> =>
  verifyRequest(cfg, r).then(() => 'ok', (e: { code: string }) => e.code);

const mac = (alg: string, secret: string, body: string | Buffer, enc: 'hex' | 'base64' = 'hex'): string =>
  createHmac(alg, secret).update(body).digest(enc);

describe('hmac, GitHub style', () => {
  const cfg: VerificationConfig = { type: 'hmac', header: 'X-Hub-Signature-256', secret: SECRET, prefix: 'sha256=' };
  const good = `sha256=${mac('sha256', SECRET, BODY)}`;

  it('accepts a correct signature', async () => {
    expect(await verifyRequest(cfg, req({ 'x-hub-signature-256': good }))).toEqual({});
  });

  it('accepts upper-case hex', async () => {
    expect(await outcome(cfg, req({ 'x-hub-signature-256': `sha256=${mac('sha256', SECRET, BODY).toUpperCase()}` }))).toBe('ok');
  });

  it('rejects a wrong secret', async () => {
    expect(await outcome(cfg, req({ 'x-hub-signature-256': `sha256=${mac('sha256', 'other', BODY)}` }))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects a tampered body', async () => {
    expect(await outcome(cfg, req({ 'x-hub-signature-256': good }, BODY.replace('1', '2')))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects a missing header', async () => {
    expect(await outcome(cfg, req({ 'x-hub-signature': good }))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects a wrong or missing prefix', async () => {
    expect(await outcome(cfg, req({ 'x-hub-signature-256': good.replace('sha256=', 'sha1=') }))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(cfg, req({ 'x-hub-signature-256': good.slice(7) }))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects non-hex, truncated and padded signatures', async () => {
    for (const sig of [`sha256=${'z'.repeat(64)}`, good.slice(0, -2), `${good}00`, 'sha256=']) {
      expect(await outcome(cfg, req({ 'x-hub-signature-256': sig }))).toBe('HF_ERR_SIGNATURE_INVALID');
    }
  });

  it('never echoes the expected signature or the secret', async () => {
    const err = (await verifyRequest(cfg, req({ 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/does not match/);
    expect(err.message).not.toContain(mac('sha256', SECRET, BODY));
    expect(err.message).not.toContain(SECRET);
  });
});

describe('hmac, other algorithms and encodings', () => {
  it('sha1 hex and sha512 base64 over raw (non-UTF-8) bytes', async () => {
    const body = Buffer.from([0xff, 0x00, 0xfe, 0x41]);
    const sha1: VerificationConfig = { type: 'hmac', header: 'x-sig', secret: 's', algorithm: 'sha1' };
    const sha512: VerificationConfig = { type: 'hmac', header: 'X-Shopify-Hmac-Sha256', secret: 's', algorithm: 'sha512', encoding: 'base64' };
    const r = (h: InboundRequest['headers']): InboundRequest => ({ rawBody: body, headers: h, query: {}, remoteAddress: '::1' });
    expect(await outcome(sha1, r({ 'x-sig': mac('sha1', 's', body) }))).toBe('ok');
    expect(await outcome(sha512, r({ 'x-shopify-hmac-sha256': mac('sha512', 's', body, 'base64') }))).toBe('ok');
    // a sha256 MAC has the wrong length for sha512
    expect(await outcome(sha512, r({ 'x-shopify-hmac-sha256': mac('sha256', 's', body, 'base64') }))).toBe('HF_ERR_SIGNATURE_INVALID');
    expect(await outcome(sha512, r({ 'x-shopify-hmac-sha256': mac('sha512', 't', body, 'base64') }))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects a broken config when compiled', async () => {
    const bad = { type: 'hmac', header: 'x', secret: 's', algorithm: 'md5' } as unknown as VerificationConfig;
    expect(await outcome(bad, req({}))).toBe('HF_ERR_RECIPE_INVALID');
  });
});
