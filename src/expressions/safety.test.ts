import { describe, expect, it } from 'vitest';
import { HookflowError } from '../errors.js';
import { compileTemplate, evaluateTemplate, type ExprContext } from './index.js';

const ctx: ExprContext = { trigger: JSON.parse('{"body": {"x": 1, "__proto__": {"evil": true}}}'), steps: {}, job: {} };

async function failure(p: Promise<unknown>): Promise<HookflowError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(HookflowError);
  return e as HookflowError;
}

describe('limits', () => {
  it('stops a runaway tail-recursive function by time', async () => {
    const tpl = compileTemplate('{{ ($f := function($n){ $f($n + 1) }; $f(0)) }}', 'recipe r, step s, with.x', { timeoutMs: 100 });
    const e = await failure(tpl.evaluate(ctx));
    expect(e.code).toBe('HF_ERR_EXPRESSION_LIMIT');
    expect(e.message).toMatch(/recipe r, step s, with.x exceeded its time \(100 ms\) limit/);
  });

  it('stops deep recursion by depth', async () => {
    const tpl = compileTemplate('{{ ($f := function($n){ 1 + $f($n + 1) }; $f(0)) }}', 'w');
    const e = await failure(tpl.evaluate(ctx));
    expect(e.code).toBe('HF_ERR_EXPRESSION_LIMIT');
    expect(e.message).toMatch(/depth/);
  });

  it('stops runaway code inside $eval too', async () => {
    const tpl = compileTemplate('{{ $eval("($f := function($n){ $f($n + 1) }; $f(0))") }}', 'w', { timeoutMs: 100 });
    expect((await failure(tpl.evaluate(ctx))).code).toBe('HF_ERR_EXPRESSION_LIMIT');
  });

  it('refuses huge ranges and sequences', async () => {
    expect((await failure(evaluateTemplate('{{ [1..1e8] }}', ctx, 'w'))).code).toBe('HF_ERR_EXPRESSION_LIMIT');
    expect((await failure(evaluateTemplate('{{ $count([1..2000000]) }}', ctx, 'w'))).code).toBe('HF_ERR_EXPRESSION_LIMIT');
  });

  it('guards the output size', async () => {
    const small = { maxOutputBytes: 1000 };
    const e = await failure(compileTemplate('{{ $pad("", 5000, "x") }}', 'w', small).evaluate(ctx));
    expect(e.code).toBe('HF_ERR_EXPRESSION_LIMIT');
    expect(e.message).toMatch(/output size/);
    expect((await failure(compileTemplate('{{ [1..500] }}', 'w', small).evaluate(ctx))).code).toBe('HF_ERR_EXPRESSION_LIMIT');
    expect((await failure(compileTemplate('a{{ $pad("", 600, "x") }}{{ $pad("", 600, "x") }}', 'w', small).evaluate(ctx))).code).toBe(
      'HF_ERR_EXPRESSION_LIMIT',
    );
  });

  it('evaluates one compiled expression concurrently without sharing limit state', async () => {
    // Generous for the 50 that must finish (they interleave, and wall time counts), tight for the runaway.
    const tpl = compileTemplate('{{ ($f := function($n){ $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(n)) }}', 'w', { timeoutMs: 10_000 });
    const runaway = compileTemplate('{{ ($f := function($n){ $f($n + 1) }; $f(0)) }}', 'w', { timeoutMs: 200 });
    const jobs = Array.from({ length: 50 }, (_, i) => tpl.evaluate({ ...ctx, n: i }));
    const stuck = runaway.evaluate(ctx).catch((e: unknown) => e);
    expect(await Promise.all(jobs)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect((await stuck as HookflowError).code).toBe('HF_ERR_EXPRESSION_LIMIT');
    // The same compiled text keeps working after a limit was hit.
    expect(await tpl.evaluate({ ...ctx, n: 3 })).toBe(3);
  });
});

describe('no JavaScript reachable', () => {
  const probes = [
    'constructor', '__proto__', 'trigger.constructor', 'trigger.__proto__', '$string.constructor', '$.constructor',
    '"a".constructor', '$lookup($, "constructor")', '$lookup(trigger, "__proto__")', 'trigger.body.evil', 'trigger.toString',
    '$string.constructor("return process")', 'trigger.body.x.constructor.constructor', '$keys(trigger.constructor)',
  ];
  for (const p of probes) {
    it(`${p} yields nothing useful`, async () => {
      const v = await evaluateTemplate(`{{ ${p} }}`, ctx, 'w').catch((e: unknown) => e);
      if (v instanceof HookflowError) expect(v.code).toBe('HF_ERR_EXPRESSION_EVAL');
      else expect(v === null || (typeof v === 'object' && Object.keys(v as object).length === 0) || typeof v === 'string').toBe(true);
      expect(typeof v).not.toBe('function');
    });
  }

  it('does not pollute prototypes through object constructors or $merge', async () => {
    const a = await evaluateTemplate('{{ {"__proto__": {"polluted": 1}} }}', ctx, 'w');
    const b = await evaluateTemplate('{{ $merge([{"a": 1}, trigger.body]) }}', ctx, 'w');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).evil).toBeUndefined();
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
    // The key survives as plain data, not as a prototype.
    expect(Object.keys(a as object)).toEqual(['__proto__']);
    expect((a as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('$eval runs JSONata, not JavaScript', async () => {
    expect(await evaluateTemplate('{{ $eval("1 + 2") }}', ctx, 'w')).toBe(3);
    const e = await evaluateTemplate('{{ $eval("process.exit(1)") }}', ctx, 'w').catch((err: unknown) => err);
    expect(e === null || (e as HookflowError).code === 'HF_ERR_EXPRESSION_EVAL').toBe(true);
  });
});
