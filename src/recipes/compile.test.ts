import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HookflowError } from '../errors.js';
import { compileRecipe, CORE_ACTIONS, parseRecipe, validateRecipe } from './index.js';

const ctx = { trigger: { body: { id: 9, task_id: 't-1' } }, steps: { lookup: { output: { status: 'open' } } }, job: {}, error: { message: 'boom' } };

const YAML_RECIPE = readFileSync(new URL('./testdata/close-4me-task.yaml', import.meta.url), 'utf8');

describe('compileRecipe', () => {
  it('compiles every step, branches and on_error included', async () => {
    const c = compileRecipe(parseRecipe(YAML_RECIPE));
    expect(await c.step('lookup').with.evaluate(ctx)).toEqual({ method: 'GET', url: 'https://crm.example.com/items/9' });
    expect(await c.step('check').with.evaluate(ctx)).toEqual({ condition: true });
    expect(await c.step('close').with.evaluate(ctx)).toEqual({ id: 't-1', status: 'completed' });
    expect(c.step('stop').with.isStatic).toBe(true);
    expect(c.onError.map((s) => s.def.id)).toEqual(['on_error_1']);
    expect(c.step('on_error_1').onError).toBe(true);
    expect(await c.onError[0]!.with.evaluate(ctx)).toEqual({ id: 't-1', status: 'failed', note: 'boom' });
    expect(c.has('nope')).toBe(false);
    expect(() => c.step('nope')).toThrow(/Step nope of recipe close-4me-task not found/);
  });

  it('compiles the dedup key, bare or in {{ }}', async () => {
    const c = compileRecipe(parseRecipe(YAML_RECIPE));
    expect(await c.dedupKey!.evaluate({ body: { id: 12 }, headers: {}, query: {} })).toBe('12');
    expect(await c.dedupKey!.evaluate({ body: {}, headers: {}, query: {} })).toBeNull();
    const r = parseRecipe(YAML_RECIPE.replace('dedup_key: body.id', 'dedup_key: "{{ headers.`x-id` }}-{{ trigger.body.id }}"'));
    expect(await compileRecipe(r).dedupKey!.evaluate({ body: { id: 1 }, headers: { 'x-id': 'h' }, query: {} })).toBe('h-1');
    expect(compileRecipe(parseRecipe(YAML_RECIPE.replace('  dedup_key: body.id\n', ''))).dedupKey).toBeUndefined();
  });

  it('names recipe, step and field for a bad expression', () => {
    const r = validateRecipe({
      name: 'broken',
      trigger: { type: 'webhook' },
      steps: [{ id: 'ok', action: 'transform' }, { id: 'lookup', action: 'http.request', with: { headers: { auth: 'Bearer {{ steps.ok.( }}' } } }],
    });
    try {
      compileRecipe(r);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HookflowError);
      expect((e as HookflowError).code).toBe('HF_ERR_EXPRESSION_SYNTAX');
      expect((e as HookflowError).message).toContain('recipe broken, step lookup, with.headers.auth');
      expect((e as HookflowError).message).toContain('steps.ok.(');
    }
  });

  it('names on_error steps and the dedup key too', () => {
    const bad = (extra: Record<string, unknown>) => () =>
      compileRecipe(validateRecipe({ name: 'x', trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform' }], ...extra }));
    expect(bad({ on_error: [{ action: 'transform', with: { a: '{{ ] }}' } }] })).toThrow(/recipe x, on_error step on_error_1, with.a/);
    expect(bad({ trigger: { type: 'webhook', dedup_key: 'body.(' } })).toThrow(/recipe x, trigger, dedup_key/);
  });

  it('says whether any expression of the steps or the result runs on an expression thread', () => {
    const of = (extra: Record<string, unknown>) => compileRecipe(validateRecipe({ name: 'x', trigger: { type: 'webhook' }, ...extra })).threaded;
    expect(of({ steps: [{ id: 'a', action: 'transform', with: { n: '{{ trigger.body.n * 2 }}', t: 'id {{ $string(trigger.body.id) }}' } }] })).toBe(false);
    expect(of({ steps: [{ id: 'a', action: 'transform', with: { m: '{{ $match(trigger.body.s, /(a+)+$/) }}' } }] })).toBe(true);
    expect(of({ steps: [{ id: 'a', action: 'if', with: { condition: true }, then: [{ id: 'b', action: 'transform', with: { x: 'n={{ $map([1,2], function($v) { $v }) }}' } }] }] })).toBe(true);
    expect(of({ steps: [{ id: 'a', action: 'transform' }], on_error: [{ id: 'e', action: 'transform', with: { s: '{{ $sort(trigger.body.list) }}' } }] })).toBe(true);
  });

  it('lists the core actions', () => {
    expect(CORE_ACTIONS).toEqual(['transform', 'if', 'wait', 'fail', 'foreach', 'switch', 'stop', 'recipe.call']);
  });
});
