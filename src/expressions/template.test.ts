import { describe, expect, it } from 'vitest';
import { HookflowError } from '../errors.js';
import { compileTemplate, evaluateTemplate, type ExprContext } from './index.js';

const ctx: ExprContext = {
  trigger: { body: { id: 42, name: 'Ann', tags: ['a', 'b'], obj: { k: 1 }, nothing: null, yes: true } },
  steps: { lookup: { output: { status: 'open' } } },
  job: { id: 'j1' },
};

describe('compileTemplate', () => {
  it('keeps the JSON type of a sole expression', async () => {
    expect(await evaluateTemplate('{{ trigger.body.id }}', ctx, 't')).toBe(42);
    expect(await evaluateTemplate(' {{ trigger.body.id + 1 }} ', ctx, 't')).toBe(43);
    expect(await evaluateTemplate('{{ trigger.body.tags }}', ctx, 't')).toEqual(['a', 'b']);
    expect(await evaluateTemplate('{{ trigger.body.obj }}', ctx, 't')).toEqual({ k: 1 });
    expect(await evaluateTemplate('{{ trigger.body.yes }}', ctx, 't')).toBe(true);
    expect(await evaluateTemplate('{{ trigger.body.nothing }}', ctx, 't')).toBeNull();
    expect(await evaluateTemplate('{{ trigger.body.missing }}', ctx, 't')).toBeNull();
    expect(await evaluateTemplate('{{ $count(trigger.body.tags) }}', ctx, 't')).toBe(2);
  });

  it('joins several parts as text', async () => {
    const t = 'id={{ trigger.body.id }} tags={{ trigger.body.tags }} obj={{ trigger.body.obj }} n={{ trigger.body.nothing }}|{{ x }}';
    expect(await evaluateTemplate(t, ctx, 't')).toBe('id=42 tags=["a","b"] obj={"k":1} n=|');
    expect(await evaluateTemplate('{{ trigger.body.yes }}!', ctx, 't')).toBe('true!');
  });

  it('returns static values as they are', async () => {
    const tpl = compileTemplate({ a: 'plain', b: [1, { c: true }] }, 't');
    expect(tpl.isStatic).toBe(true);
    expect(tpl.expressions).toEqual([]);
    expect(await tpl.evaluate(ctx)).toEqual({ a: 'plain', b: [1, { c: true }] });
  });

  it('evaluates nested objects and arrays, not keys', async () => {
    const tpl = compileTemplate(
      { '{{ key }}': 'v', url: 'https://x/{{ trigger.body.id }}', list: ['{{ steps.lookup.output.status }}', 3], deep: { who: '{{ $uppercase(trigger.body.name) }}' } },
      't',
    );
    expect(tpl.isStatic).toBe(false);
    expect(tpl.expressions).toEqual(['trigger.body.id', 'steps.lookup.output.status', '$uppercase(trigger.body.name)']);
    expect(await tpl.evaluate(ctx)).toEqual({ '{{ key }}': 'v', url: 'https://x/42', list: ['open', 3], deep: { who: 'ANN' } });
  });

  it('reports syntax errors with location and expression', () => {
    const fn = () => compileTemplate({ url: 'x/{{ trigger.body. }}' }, 'recipe r, step s, with');
    expect(fn).toThrow(HookflowError);
    try {
      fn();
    } catch (e) {
      const err = e as HookflowError;
      expect(err.code).toBe('HF_ERR_EXPRESSION_SYNTAX');
      expect(err.message).toContain('recipe r, step s, with.url');
      expect(err.message).toContain('trigger.body.');
      expect(err.details).toMatchObject({ expression: 'trigger.body.', where: 'recipe r, step s, with.url' });
    }
    expect(() => compileTemplate('{{ a ', 'w')).toThrow(/does not compile/);
  });

  it('reports runtime errors as HF_ERR_EXPRESSION_EVAL', async () => {
    const err = await evaluateTemplate('{{ $number("abc") }}', ctx, 'recipe r, step s, with.n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HookflowError);
    expect((err as HookflowError).code).toBe('HF_ERR_EXPRESSION_EVAL');
    expect((err as HookflowError).message).toMatch(/\$number\("abc"\) in recipe r, step s, with.n failed/);
  });

  it('turns function results into null rather than leaking JSONata internals', async () => {
    expect(await evaluateTemplate('{{ function($x){ $x } }}', ctx, 't')).toBeNull();
    expect(await evaluateTemplate('{{ $string }}', ctx, 't')).toBeNull();
    expect(await evaluateTemplate('{{ {"f": $string, "a": 1} }}', ctx, 't')).toEqual({ a: 1 });
  });

  it('returns plain arrays, not JSONata sequences', async () => {
    const v = (await evaluateTemplate('{{ [1,2,3].($ * 2) }}', ctx, 't')) as unknown[];
    expect(v).toEqual([2, 4, 6]);
    expect(Object.keys(v)).toEqual(['0', '1', '2']);
  });
});
