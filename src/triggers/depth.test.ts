import { describe, it, expect } from 'vitest';
import { checkJson } from './json-check.js';
import { checkBodyDepth, formDepthOver, jsonDepthOver } from './depth.js';

const b = (s: string) => Buffer.from(s);
const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('body depth', () => {
  it('the validating scan measures depth on its own stack', () => {
    expect(checkJson(b(nest(128)), 128)).toBe('ok');
    expect(checkJson(b(nest(129)), 128)).toBe('too_deep');
    expect(checkJson(b(`{"a":${'{"b":'.repeat(128)}1${'}'.repeat(128)}}`), 128)).toBe('too_deep');
    expect(checkJson(b('{"a":[1,2'), 128)).toBe('malformed');
    // Brackets inside strings are text, not nesting.
    expect(checkJson(b(JSON.stringify({ s: '['.repeat(1000) })), 128)).toBe('ok');
    expect(checkJson(b(nest(100_000)), 128)).toBe('too_deep');
  });

  it('the plain counter skips strings and escapes', () => {
    expect(jsonDepthOver('"[[[\\"[[["', 1)).toBe(false);
    expect(jsonDepthOver(nest(3), 2)).toBe(true);
    expect(jsonDepthOver(b(nest(2)), 2)).toBe(false);
  });

  it('form bodies nest through bracket keys, also percent-encoded', () => {
    expect(formDepthOver(`a${'[b]'.repeat(127)}=1`, 128)).toBe(false);
    expect(formDepthOver(`a${'[b]'.repeat(128)}=1`, 128)).toBe(true);
    expect(() => checkBodyDepth(b(`a${'%5Bb%5D'.repeat(200)}=1`), 'application/x-www-form-urlencoded', 128)).toThrow(expect.objectContaining({ code: 'HF_ERR_BODY_TOO_DEEP', status: 400 }));
    expect(checkBodyDepth(b('a[b]=1&c=2'), 'application/x-www-form-urlencoded', 128)).toEqual({});
  });

  it('answers the JSON verdict so the webhook path need not scan twice', () => {
    expect(checkBodyDepth(b('{"a":1}'), 'application/json', 128)).toEqual({ jsonValid: true });
    expect(checkBodyDepth(b('{"a":'), 'application/cloudevents+json', 128)).toEqual({ jsonValid: false });
    expect(() => checkBodyDepth(b(nest(500)), 'text/plain', 128)).toThrow(expect.objectContaining({ code: 'HF_ERR_BODY_TOO_DEEP' }));
  });
});
