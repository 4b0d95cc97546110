import { describe, expect, it } from 'vitest';
import { acceptWebhook, storedHeaders } from './webhook.js';

describe('stored headers (webhook and 4me triggers)', () => {
  it('keeps every header but the credentials, and the header a header_token verification reads', () => {
    const h = { authorization: 'Bearer s1', 'proxy-authorization': 'Basic s2', cookie: 'sid=s3', 'x-api-key': 's4', 'x-hook-token': 's5', 'content-type': 'application/json', 'x-trace': ['a', 'b'] };
    expect(storedHeaders(h)).toEqual({ ...h, authorization: '[redacted]', 'proxy-authorization': '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]' });
    expect(storedHeaders(h, 'x-hook-token')['x-hook-token']).toBe('[redacted]');
  });

  it('a webhook job keeps no credential the sender authenticated with', async () => {
    const ev = await acceptWebhook({ type: 'webhook', verify: { type: 'header_token', header: 'X-Hook-Token', token: 's5' } } as never, {
      rawBody: Buffer.from('{"n":1}'), headers: { authorization: 'Bearer s1', 'x-hook-token': 's5', 'content-type': 'application/json' },
      query: {}, remoteAddress: '127.0.0.1', method: 'POST', contentType: 'application/json',
    }, { recipe: 'r', bodyLimit: 1 << 20 });
    expect(ev.triggerJson).not.toMatch(/s1|s5/);
    expect(JSON.parse(ev.triggerJson).headers).toEqual({ authorization: '[redacted]', 'x-hook-token': '[redacted]', 'content-type': 'application/json' });
  });
});
