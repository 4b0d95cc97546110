import { describe, expect, it } from 'vitest';
import { isJson } from './json-check.js';

const parses = (s: string) => { try { JSON.parse(s); return true; } catch { return false; } };
const check = (s: string) => expect(isJson(Buffer.from(s, 'utf8')), JSON.stringify(s)).toBe(parses(s));

describe('isJson agrees with JSON.parse', () => {
  it('on hand-picked valid and invalid texts', () => {
    const cases = [
      '', ' ', 'null', 'true', 'false', 'nul', 'truee', '0', '-0', '01', '-', '1.', '.5', '1.5e', '1e5', '1E+5', '2e-3', '-12.5E-0',
      '""', '"a', '"\\u00e9"', '"\\u00g9"', '"\\x"', '"a\\"b"', '"tab\there"', '"é ☃ 😀"',
      '[]', '[ ]', '[1,]', '[,1]', '[1 2]', '[[[]]]', '[1,[2,[3]]]', ']', '[',
      '{}', '{ }', '{"a":1}', '{"a":1,}', '{"a" 1}', '{a:1}', '{"a":1 "b":2}', '{"a":{"b":[{"c":null}]}}', '{"a":1}}', '{"a":}', '{,}',
      ' {"a" : [ 1 , 2 ] } \n', '1 2', '{} {}', '\ufeff{}', '[1]x', 'true false',
    ];
    for (const s of cases) check(s);
  });

  it('on thousands of random mutations of real payloads', () => {
    const base = [
      JSON.stringify({ event: 'request.update', payload: { id: 72514, status: 'assigned', team: { id: 372, name: 'Ops' }, tags: ['a', 'b'], ratio: -1.25e-3, ok: true, none: null } }),
      JSON.stringify([{ n: 1, s: 'x\n"y"\\z' }, [], {}, [[0]], 'é']),
    ];
    const alphabet = '{}[]":,0123456789-+.eE tfnlrusa\\\n';
    let seed = 42;
    const rnd = (m: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % m; };
    for (let k = 0; k < 5000; k++) {
      let s = base[k % base.length]!;
      for (let m = 0; m < 1 + rnd(3); m++) {
        const at = rnd(s.length + 1);
        const op = rnd(3);
        const ch = alphabet[rnd(alphabet.length)]!;
        s = op === 0 ? s.slice(0, at) + ch + s.slice(at) : op === 1 ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + ch + s.slice(at + 1);
      }
      check(s);
    }
  });
});
