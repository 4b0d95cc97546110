import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACT_OPTIONS, REDACT_PATHS, REDACTED, redactHeaders, scrubSecrets } from './redact.js';

const SECRET = 'hunter2-Zq9';

function memoryLogger(): { log: pino.Logger; text: () => string } {
  let out = '';
  const stream = new Writable({ write(chunk, _enc, cb) { out += String(chunk); cb(); } });
  return { log: pino({ redact: REDACT_OPTIONS }, stream), text: () => out };
}

describe('REDACT_PATHS with a real pino logger', () => {
  it('keeps auth material out of the log line', () => {
    const { log, text } = memoryLogger();
    log.info({
      req: { method: 'GET', headers: { authorization: `Bearer ${SECRET}`, cookie: `s=${SECRET}`, 'x-api-key': SECRET, accept: '*/*' } },
      res: { headers: { 'set-cookie': `s=${SECRET}` } },
      password: SECRET,
      connection: { name: 'crm', client_secret: SECRET, oauth: { access_token: SECRET, refresh_token: SECRET } },
      upstream: { headers: { Authorization: 'x', authorization: SECRET } },
      secrets: { anything: SECRET },
      config: { private_key: SECRET, token: SECRET, secret: SECRET },
    }, 'calling out');
    const line = text();
    expect(line).not.toContain(SECRET);
    expect(line).toContain(REDACTED);
    expect(JSON.parse(line)).toMatchObject({ req: { method: 'GET', headers: { accept: '*/*' } }, connection: { name: 'crm' } });
  });

  it('includes the paths promised in the brief', () => {
    expect(REDACT_PATHS).toEqual(expect.arrayContaining([
      'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', '*.password', '*.secret',
      '*.secrets', '*.token', '*.client_secret', '*.access_token', '*.refresh_token', '*.private_key',
    ]));
  });
});

describe('redactHeaders', () => {
  it('hides auth headers in any case and leaves the rest', () => {
    const input = { Authorization: 'Bearer x', 'Proxy-Authorization': 'b', Cookie: 'c', 'SET-COOKIE': ['d'], 'X-Api-Key': 'k', 'X-Signature': 's', Accept: 'a' };
    expect(redactHeaders(input, ['x-signature'])).toEqual({
      Authorization: REDACTED, 'Proxy-Authorization': REDACTED, Cookie: REDACTED, 'SET-COOKIE': REDACTED,
      'X-Api-Key': REDACTED, 'X-Signature': REDACTED, Accept: 'a',
    });
    expect(input.Authorization).toBe('Bearer x');
  });
});

describe('scrubSecrets', () => {
  it('replaces secrets inside nested strings and leaves other values alone', () => {
    const input = { url: `https://x/?key=${SECRET}`, list: [`a ${SECRET} b ${SECRET}`, 3, true, null], deep: { msg: 'fine' } };
    expect(scrubSecrets(input, [SECRET])).toEqual({
      url: `https://x/?key=${REDACTED}`, list: [`a ${REDACTED} b ${REDACTED}`, 3, true, null], deep: { msg: 'fine' },
    });
    expect(input.url).toContain(SECRET);
  });

  it('catches URL-encoded and JSON-escaped forms, longest secret first', () => {
    const s = 'p@ss/w"rd';
    expect(scrubSecrets(`q=${encodeURIComponent(s)}`, [s])).toBe(`q=${REDACTED}`);
    expect(scrubSecrets(JSON.stringify({ s }), [s])).toBe(`{"s":"${REDACTED}"}`);
    expect(scrubSecrets('abcdefgh', ['abcd', 'abcdefgh'])).toBe(REDACTED);
  });

  it('ignores secrets shorter than 4 characters and survives cycles', () => {
    expect(scrubSecrets({ a: 'abc abc' }, ['abc', ''])).toEqual({ a: 'abc abc' });
    const cyclic: Record<string, unknown> = { s: SECRET };
    cyclic.self = cyclic;
    expect(scrubSecrets(cyclic, [SECRET])).toEqual({ s: REDACTED, self: '[circular]' });
  });

  it('scrubs error messages', () => {
    expect(scrubSecrets(new Error(`token ${SECRET} rejected`), [SECRET])).toMatchObject({ message: `token ${REDACTED} rejected` });
  });
});
