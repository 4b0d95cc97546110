import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { binaryFastPath } from './binary.js';
import { MISS } from './fastpath.js';
import { normalize } from './normalize.js';
import { compileTemplate } from './template.js';

const ctx = JSON.parse(`{
  "trigger": { "body": { "n": 21, "neg": -3.5, "zero": 0, "big": 1e308, "s": "abc", "t": "abd", "num": "12", "empty": "",
    "yes": true, "no": false, "nil": null, "list": [1, 2], "one": [5], "obj": { "a": 1 }, "lam": { "_jsonata_lambda": true } } },
  "steps": { "first": { "a": 7 }, "check": { "count": 11, "kind": "incident" } },
  "job": {}
}`);

const PATHS = ['trigger.body.n', 'trigger.body.neg', 'trigger.body.zero', 'trigger.body.big', 'trigger.body.s', 'trigger.body.t',
  'trigger.body.num', 'trigger.body.empty', 'trigger.body.yes', 'trigger.body.no', 'trigger.body.nil', 'trigger.body.list',
  'trigger.body.one', 'trigger.body.obj', 'trigger.body.missing', 'trigger.body.lam', 'steps.first.a', 'steps.check.count',
  'steps.check.kind', 'steps.none.a', 'trigger.body.list.x', 'trigger.body.`n`'];
const LITERALS = ['0', '1', '2.5', '1e308', '"abc"', '"incident"', '""', 'true', 'false', 'null', '-1'];
const OPS = ['+', '-', '*', '/', '%', '<', '<=', '>', '>=', '=', '!='];

/** What JSONata itself answers (normalised as templates do), or its error code. */
async function jsonataSays(expr: string): Promise<{ value?: unknown; error?: string }> {
  try {
    const v = normalize(await jsonata(expr).evaluate(ctx), 1e9);
    return { value: v === undefined ? null : v };
  } catch (e) {
    return { error: String((e as { code?: string }).code ?? e) };
  }
}

async function templateSays(expr: string): Promise<{ value?: unknown; error?: string }> {
  try {
    return { value: await compileTemplate(`{{ ${expr} }}`, 'test').evaluate(ctx) };
  } catch (e) {
    return { error: String(e) };
  }
}

describe('one operator between paths and literals', () => {
  it('answers what JSONata answers, for every operator and operand pair, and JSONata still gives the errors', async () => {
    const operands = [...PATHS, ...LITERALS];
    let fast = 0;
    let checked = 0;
    for (const op of OPS) {
      for (const l of operands) {
        for (const r of operands) {
          const expr = `${l} ${op} ${r}`;
          const want = await jsonataSays(expr);
          const got = await templateSays(expr);
          if (want.error) expect(got.error, expr).toBeDefined();
          else expect(got, expr).toEqual({ value: want.value });
          const f = binaryFastPath(jsonata(expr));
          if (f && f(ctx) !== MISS) fast++;
          checked++;
        }
      }
    }
    // The comparison covers the fast path, not only JSONata's own answers.
    expect(checked).toBe(OPS.length * 33 * 33);
    expect(fast).toBeGreaterThan(1500);
  });

  it('takes common recipe expressions without JSONata, and leaves everything else to it', () => {
    const on = (expr: string) => binaryFastPath(jsonata(expr))?.(ctx);
    expect(on('steps.first.a + 1')).toBe(8);
    expect(on('steps.check.count > 10')).toBe(true);
    expect(on('steps.check.kind = "incident"')).toBe(true);
    expect(on('trigger.body.s < trigger.body.t')).toBe(true);
    expect(on('trigger.body.n % 4')).toBe(1);
    // Not one plain operator: JSONata's.
    for (const e of ['trigger.body.n', 'a + b + c', '$x + 1', 'a[0] + 1', 'a.b[] + 1', 'a and b', 'a & "x"', '$string(a) = "1"', 'a.(b) + 1', 'a in [1]']) {
      expect(binaryFastPath(jsonata(e)), e).toBeUndefined();
    }
    // Recognised, but the values are JSONata's to judge: missing, arrays, mixed types, infinity.
    for (const e of ['trigger.body.missing + 1', 'trigger.body.list + 1', 'trigger.body.num + 1', 'trigger.body.n < "x"',
      'trigger.body.big * 10', 'trigger.body.n / 0', 'trigger.body.obj = 1', 'trigger.body.lam = 1', 'trigger.body.missing = 1']) {
      expect(on(e), e).toBe(MISS);
    }
  });
});
