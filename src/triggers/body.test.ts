import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { mediaType, parseBody, parseForm } from './body.js';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures');

describe('parseBody', () => {
  it('nests bracket keys of the 4me form-encoded fixture', () => {
    const http = fs.readFileSync(path.join(FIXTURES, '4me-webhook-form-encoded.http'), 'utf8');
    const body = http.split(/\r?\n\r?\n/)[1]!;
    const parsed = parseBody(Buffer.from(body), 'application/x-www-form-urlencoded; charset=utf-8') as any;
    expect(parsed.payload.team.id).toBe('372');
    expect(parsed.payload.team.name).toBe('End-User Support, Houston');
    expect(parsed.account).toBe('https://mycompany.4me.com');
    expect(parsed.person_name).toBe('Howard Tanner');
  });

  it('builds arrays from [] keys and ignores prototype keys', () => {
    const f = parseForm('a[]=1&a[]=2&__proto__[x]=1&b[constructor][y]=2&c=3') as any;
    expect(f.a).toEqual(['1', '2']);
    expect(({} as any).x).toBeUndefined();
    expect(f.b).toBeUndefined();
    expect(f.c).toBe('3');
  });

  it('parses JSON, keeps text, refuses what it cannot read', () => {
    expect(parseBody(Buffer.from('{"a":1}'), 'application/json')).toEqual({ a: 1 });
    expect(parseBody(Buffer.from('{"a":1}'), 'application/cloudevents+json')).toEqual({ a: 1 });
    expect(parseBody(Buffer.from('hello'), 'text/plain')).toBe('hello');
    expect(() => parseBody(Buffer.from('{"a":'), 'application/json')).toThrow(expect.objectContaining({ code: 'HF_ERR_BODY_MALFORMED' }));
    expect(() => parseBody(Buffer.from('x'), 'application/octet-stream')).toThrow(expect.objectContaining({ code: 'HF_ERR_CONTENT_TYPE', status: 415 }));
  });
});

describe('mediaType', () => {
  it('answers each Content-Type by itself, whatever came before (it keeps the last answer)', () => {
    const seq: Array<[string | undefined, string]> = [
      ['application/json', 'application/json'], ['application/json', 'application/json'],
      ['Text/Plain; charset=utf-8', 'text/plain'], [undefined, ''], ['application/json', 'application/json'],
      [' application/cloudevents+json ;x=1', 'application/cloudevents+json'], ['', ''], ['Text/Plain; charset=utf-8', 'text/plain'],
    ];
    for (const [type, media] of seq) expect(mediaType(type), String(type)).toBe(media);
  });
});
