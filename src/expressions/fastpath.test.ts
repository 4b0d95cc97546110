import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { MISS, parsePath, walkPath } from './fastpath.js';
import { normalize } from './normalize.js';

const ctx = JSON.parse(`{
  "trigger": { "body": { "id": 7, "s": "x", "n": null, "z": 0, "f": false, "empty": "",
    "list": [1, 2], "one": [1], "none": [], "objs": [{ "a": 1 }, { "a": [2, 3] }, { "b": 4 }],
    "nested": { "deep": { "v": "ok", "arr": [{ "w": 1 }] } },
    "__proto__": { "polluted": 1 }, "lam": { "_jsonata_lambda": true, "x": 1 } } },
  "steps": { "a": { "output": { "id": "s1" } } },
  "job": {}
}`);

const PATHS = [
  'trigger', 'trigger.body', 'trigger.body.id', 'trigger.body.s', 'trigger.body.n', 'trigger.body.z', 'trigger.body.f',
  'trigger.body.empty', 'trigger.body.missing', 'trigger.body.id.x', 'trigger.body.s.length', 'trigger.body.list',
  'trigger.body.one', 'trigger.body.none', 'trigger.body.objs.a', 'trigger.body.objs.b', 'trigger.body.nested.deep.v',
  'trigger.body.nested.deep.arr.w', 'trigger.body.nested.deep', 'steps.a.output.id', 'steps.zz.output', 'job.id', 'error',
  'trigger.constructor', 'trigger.body.__proto__', 'trigger.body.__proto__.polluted', 'trigger.hasOwnProperty',
  'trigger.body.toString', 'trigger.body.lam.x', 'trigger.body.lam', 'steps.valueOf',
];

async function viaJsonata(expr: string): Promise<unknown> {
  return normalize(await jsonata(expr).evaluate(ctx), 1e9);
}

describe('fast path', () => {
  it('recognises only plain dotted paths', () => {
    expect(parsePath('trigger.body.id')).toEqual(['trigger', 'body', 'id']);
    for (const e of ['$.a', 'a[0]', 'a.b.c + 1', 'a-b', 'true', 'a.null', 'a.and', 'a.`b c`', '1.2', 'a..b', 'a.', 'a.function']) {
      expect(parsePath(e)).toBeUndefined();
    }
  });

  it('gives the same result as JSONata for every path (or defers to it)', async () => {
    let fast = 0;
    for (const p of PATHS) {
      const segs = parsePath(p)!;
      expect(segs, p).toBeDefined();
      const v = walkPath(ctx, segs);
      if (v === MISS) continue;
      fast++;
      expect(v === undefined ? null : v, p).toEqual(await viaJsonata(p));
    }
    expect(fast).toBeGreaterThan(20);
  });

  it('defers to JSONata when an array is on the way or at the end', () => {
    for (const p of ['trigger.body.objs.a', 'trigger.body.list', 'trigger.body.nested.deep.arr.w', 'trigger.body.lam.x']) {
      expect(walkPath(ctx, parsePath(p)!), p).toBe(MISS);
    }
  });

  it('never reads inherited properties', () => {
    expect(walkPath(ctx, ['trigger', 'constructor'])).toBeUndefined();
    expect(walkPath(ctx, ['trigger', 'body', 'polluted'])).toBeUndefined();
    expect(walkPath({ a: Object.create({ b: 1 }) }, ['a', 'b'])).toBeUndefined();
  });
});
