import { createHmac, randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { verifyRequest, type InboundRequest, type VerificationConfig } from './index.js';

const key1 = randomBytes(24);
const key2 = randomBytes(32);
const SECRET1 = `whsec_${key1.toString('base64')}`;
const SECRET2 = `whsec_${key2.toString('base64')}`;
const NOW = new Date('2025-06-01T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const BODY = '{"type":"invoice.paid","data":{"id":42}}';

const sign = (key: Buffer, id: string, ts: number, body = BODY): string =>
  createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');

function req(opts: { key?: Buffer; id?: string; ts?: number; body?: string; signature?: string; drop?: string } = {}): InboundRequest {
  const { key = key1, id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', ts = NOW_S, body = BODY } = opts;
  const headers: InboundRequest['headers'] = {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': opts.signature ?? `v1,${sign(key, id, ts)}`,
  };
  if (opts.drop) delete headers[opts.drop];
  return { rawBody: Buffer.from(body), headers, query: {}, remoteAddress: '127.0.0.1' };
}

const cfg: VerificationConfig = { type: 'standard_webhooks', secrets: [SECRET1] };
const outcome = (c: VerificationConfig, r: InboundRequest, now = NOW): Promise<string> =>
  verifyRequest(c, r, now).then(() => 'ok', (e: { code: string }) => e.code);

describe('standard_webhooks', () => {
  it('accepts a correct message and returns webhook-id as the delivery id', async () => {
    expect(await verifyRequest(cfg, req({ id: 'msg_1' }), NOW)).toEqual({ deliveryId: 'msg_1' });
  });

  it('accepts a secret without the whsec_ prefix', async () => {
    expect(await outcome({ type: 'standard_webhooks', secrets: [key1.toString('base64')] }, req())).toBe('ok');
  });

  it('accepts a message signed with the second (rotated) secret', async () => {
    const rotated: VerificationConfig = { type: 'standard_webhooks', secrets: [SECRET1, SECRET2] };
    expect(await outcome(rotated, req({ key: key2 }))).toBe('ok');
    expect(await outcome(cfg, req({ key: key2 }))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('accepts when any of several v1 signatures matches', async () => {
    const id = 'msg_x';
    const signature = `v1,${sign(key2, id, NOW_S)} v1,${sign(key1, id, NOW_S)}`;
    expect(await outcome(cfg, req({ id, signature }))).toBe('ok');
  });

  it('ignores non-v1 entries', async () => {
    const id = 'msg_y';
    const good = sign(key1, id, NOW_S);
    expect(await outcome(cfg, req({ id, signature: `v1a,${good} v2,garbage v1,${good}` }))).toBe('ok');
    // the right MAC under another version label does not count
    expect(await outcome(cfg, req({ id, signature: `v2,${good} v1a,${good}` }))).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects a wrong secret and a tampered body', async () => {
    expect(await outcome(cfg, req({ key: randomBytes(24) }))).toBe('HF_ERR_SIGNATURE_INVALID');
    const r = req();
    r.rawBody = Buffer.from(BODY.replace('42', '43'));
    expect(await outcome(cfg, r)).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects a signature for another id or timestamp', async () => {
    const r = req({ id: 'msg_a' });
    r.headers['webhook-id'] = 'msg_b';
    expect(await outcome(cfg, r)).toBe('HF_ERR_SIGNATURE_INVALID');
    const t = req();
    t.headers['webhook-timestamp'] = String(NOW_S + 1);
    expect(await outcome(cfg, t)).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('rejects missing headers as invalid', async () => {
    for (const drop of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const err = (await verifyRequest(cfg, req({ drop }), NOW).catch((e: Error) => e)) as Error & { code: string };
      expect(err.code).toBe('HF_ERR_SIGNATURE_INVALID');
      expect(err.message).toContain(drop);
    }
  });

  it('rejects a timestamp 6 minutes old or 6 minutes ahead as stale', async () => {
    expect(await outcome(cfg, req({ ts: NOW_S - 360 }))).toBe('HF_ERR_SIGNATURE_STALE');
    expect(await outcome(cfg, req({ ts: NOW_S + 360 }))).toBe('HF_ERR_SIGNATURE_STALE');
    const err = (await verifyRequest(cfg, req({ ts: NOW_S - 360 }), NOW).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('300 seconds');
  });

  it('accepts 4 minutes either way, and honours a custom tolerance', async () => {
    expect(await outcome(cfg, req({ ts: NOW_S - 240 }))).toBe('ok');
    expect(await outcome(cfg, req({ ts: NOW_S + 240 }))).toBe('ok');
    const wide: VerificationConfig = { type: 'standard_webhooks', secrets: [SECRET1], tolerance_seconds: 600 };
    expect(await outcome(wide, req({ ts: NOW_S - 360 }))).toBe('ok');
  });

  it('rejects a non-numeric timestamp', async () => {
    const r = req();
    r.headers['webhook-timestamp'] = '2025-06-01T12:00:00Z';
    expect(await outcome(cfg, r)).toBe('HF_ERR_SIGNATURE_INVALID');
  });

  it('never echoes a secret or the expected signature', async () => {
    const err = (await verifyRequest(cfg, req({ key: key2 }), NOW).catch((e: Error) => e)) as Error;
    expect(err.message).not.toContain(key1.toString('base64'));
    expect(err.message).not.toContain(sign(key1, 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', NOW_S));
  });

  it('rejects a config with no secrets or a non-base64 secret', async () => {
    expect(await outcome({ type: 'standard_webhooks', secrets: [] }, req())).toBe('HF_ERR_RECIPE_INVALID');
    expect(await outcome({ type: 'standard_webhooks', secrets: ['whsec_!!!'] }, req())).toBe('HF_ERR_RECIPE_INVALID');
  });
});
