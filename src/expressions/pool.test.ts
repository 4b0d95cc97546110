import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { HookflowError } from '../errors.js';
import { compileTemplate, evaluateTemplate, type ExprContext } from './index.js';
import { forAnswer } from './lane.js';
import { EvalPool, evalPool } from './pool.js';
import { DEFAULT_LIMITS } from './types.js';

const evil = `${'a'.repeat(34)}!`;
const ctx: ExprContext = { trigger: { body: { s: evil, ok: 'aaa' } }, steps: {}, job: {} };

async function code(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(HookflowError);
  return (e as HookflowError).code + ' ' + (e as HookflowError).message;
}

describe('expression threads', () => {
  it('kills a catastrophic regular expression at the time limit without blocking this thread', async () => {
    await evaluateTemplate('{{ $replace("warm", "w", "") }}', ctx, 'w'); // threads started, as in a running server
    const before = evalPool().replaced;
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    let ticks = 0;
    const t = setInterval(() => ticks++, 50);
    const tpl = compileTemplate('{{ $match(trigger.body.s, /(a+)+$/) }}', 'recipe r, step s, with.m', { timeoutMs: 300 });
    const msg = await code(tpl.evaluate(ctx));
    clearInterval(t);
    h.disable();
    console.log(`event-loop delay while a regex ran away: max ${(h.max / 1e6).toFixed(1)} ms, ${ticks} timer ticks`);
    expect(msg).toMatch(/^HF_ERR_EXPRESSION_LIMIT .*time \(300 ms\)/);
    // A blocked loop would not have ticked at all until the evaluation ended.
    expect(ticks).toBeGreaterThan(2);
    expect(evalPool().replaced).toBe(before + 1);
    // The replacement thread works, and the same regex over harmless data answers.
    expect(await evaluateTemplate('{{ $match(trigger.body.ok, /(a+)+$/).match }}', ctx, 'w')).toBe('aaa');
  });

  it('answers evaluations made while answering a request before queued job steps', async () => {
    const runaway = compileTemplate('{{ $match(trigger.body.s, /(a+)+$/) }}', 'job', { timeoutMs: 400 });
    const order: string[] = [];
    const jobs = Array.from({ length: 6 }, (_, i) => runaway.evaluate(ctx).catch(() => order.push(`job${i}`)));
    await new Promise((r) => setTimeout(r, 50));
    const urgent = evaluateTemplate('{{ $replace(trigger.body.ok, "a", "b") }}', forAnswer({ ...ctx }), 'dedup_key');
    const v = await urgent;
    order.push('urgent');
    await Promise.all(jobs);
    expect(v).toBe('bbb');
    // Only the runaways already running (one per thread) finished before it.
    expect(order.indexOf('urgent')).toBeLessThanOrEqual(2);
  });

  it('refuses strings and arrays over their size limits', async () => {
    for (const e of [
      '$pad("", 500000000)',
      '$length($pad("", 500000000, "x"))',
      '$join([1..10000000].("xxxxxxxxxx"))',
      '($f := function($s){ $f($s & $s) }; $f("xxxxxxxxxxxxxxxx"))',
      '$length(($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $f("ab", 40)))',
    ]) {
      expect(await code(evaluateTemplate(`{{ ${e} }}`, ctx, 'w')), e).toMatch(/^HF_ERR_EXPRESSION_LIMIT .*(size|memory)/);
    }
  });

  const small = new EvalPool({ threads: 1, memoryMb: 32, maxString: 100 * 1024 * 1024, maxArray: 10_000_000 });
  afterAll(() => small.close());

  it('fails only the evaluation that runs out of thread memory', async () => {
    const limits = { ...DEFAULT_LIMITS, timeoutMs: 60_000 };
    // Flat strings of ~600 KB each: each under the size limit, together far over 32 MB.
    const out = await small.run('$count([1..400].$string([1..100000]))', {}, limits, false);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.err.limit).toMatch(/memory/);
    const ok = await small.run('1 + 1', {}, limits, false);
    expect(ok).toEqual({ ok: true, value: 2 });
  });
});
