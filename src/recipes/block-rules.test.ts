import { describe, expect, it } from 'vitest';
import type { HookflowError } from '../errors.js';
import { validateRecipe, type RecipeProblem } from './index.js';

function problems(obj: unknown): RecipeProblem[] {
  try {
    validateRecipe(obj);
  } catch (e) {
    expect((e as HookflowError).code).toBe('HF_ERR_RECIPE_INVALID');
    return (e as HookflowError).details as RecipeProblem[];
  }
  return [];
}

const base = (steps: unknown[], extra: Record<string, unknown> = {}): unknown => ({ name: 'r', trigger: { type: 'webhook' }, steps, ...extra });
const t = (id: string, w: Record<string, unknown> = {}) => ({ id, action: 'transform', with: w });

describe('control step rules', () => {
  it('accepts loops, switches, stops, step-level on_error and a callable recipe with a result', () => {
    expect(problems(base([
      { id: 'each', action: 'foreach', with: { items: '{{ trigger.body.cis }}', concurrency: 8 }, steps: [
        t('one', { ci: '{{ item.id }}', at: '{{ index }}' }),
        { id: 'inner', action: 'foreach', with: { items: '{{ item.parts }}' }, steps: [t('two', { outer: '{{ loops.each.item.id }}', prev: '{{ steps.one.ci }}' })] },
      ] },
      { id: 'route', action: 'switch', with: { value: '{{ trigger.body.kind }}' }, cases: { a: [t('ca')] }, default: [t('cd')] },
      { id: 'call', action: 'recipe.call', with: { recipe: 'notify', input: {} }, on_error: [{ action: 'stop', with: { status: 'failed', message: '{{ error.message }}' } }] },
      t('after', { n: '{{ $count(steps.each) }}', a: '{{ steps.ca }}' }),
    ]))).toEqual([]);
    expect(problems({ name: 'c', trigger: { type: 'callable', input_schema: { type: 'object' } }, steps: [t('x')], result: '{{ steps.x }}' })).toEqual([]);
  });

  it('keeps ids unique across every nested block and names step-level on_error steps', () => {
    const out = problems(base([
      { id: 'each', action: 'foreach', with: { items: [] }, steps: [t('a')] },
      { id: 'sw', action: 'switch', with: { value: 1 }, cases: { '1': [t('a')] }, default: [t('b')] },
      { ...t('c'), on_error: [t('b')] },
    ]));
    expect(out).toEqual([
      { path: '/steps/1/cases/1/0/id', message: 'duplicate step id "a" (first used at /steps/0/steps/0/id)' },
      { path: '/steps/2/on_error/0/id', message: 'duplicate step id "b" (first used at /steps/1/default/0/id)' },
    ]);
    const r = validateRecipe(base([{ ...t('c'), on_error: [{ action: 'transform' }] }]));
    expect(r.steps[0]!.on_error![0]!.id).toBe('on_error_1');
  });

  it('refuses steps.X of a loop body outside the loop, and loops.X without that loop around', () => {
    expect(problems(base([
      { id: 'each', action: 'foreach', with: { items: [] }, steps: [t('inside')] },
      t('after', { v: '{{ steps.inside.x }}', w: '{{ loops.each.item }}' }),
    ]))).toEqual([
      { path: '/steps/1/with', message: 'loops.each names no foreach around this step' },
      { path: '/steps/1/with', message: 'steps.inside is inside foreach each and not in scope here; outside the loop use steps.each (each iteration\'s last output)' },
    ]);
  });

  it('says what each control step needs', () => {
    const out = problems(base([
      { id: 'l', action: 'foreach', with: { concurrency: 64 } },
      { id: 's', action: 'switch', with: {} },
      { id: 'x', action: 'stop', with: { status: 'done' } },
      { id: 'c', action: 'recipe.call', with: {} },
      { ...t('t'), steps: [t('u')], cases: {}, on_error: [], continue_on_error: true },
    ])).map((p) => `${p.path}: ${p.message}`);
    expect(out).toEqual([
      '/steps/0/with: a foreach step needs with.items (a list, usually "{{ … }}")',
      '/steps/0: a foreach step needs steps to run for each item',
      '/steps/0/with: foreach concurrency must be a whole number from 1 to 32',
      '/steps/1/with: a switch step needs with.value',
      '/steps/1: a switch step needs cases, default or both',
      '/steps/2/with: stop status must be succeeded or failed',
      '/steps/3/with: a recipe.call step needs with.recipe (the name of a callable recipe)',
      '/steps/4/steps: only foreach steps may have steps',
      '/steps/4/cases: only switch steps may have cases',
      '/steps/4/continue_on_error: give on_error or continue_on_error, not both',
    ]);
  });

  it('allows result only on callable recipes and checks input_schema is JSON Schema', () => {
    expect(problems(base([t('x')], { result: '{{ 1 }}' }))).toEqual([{ path: '/result', message: 'only recipes with a callable trigger have a result' }]);
    const bad = problems({ name: 'c', trigger: { type: 'callable', input_schema: { type: 'nonsense' } }, steps: [t('x')] });
    expect(bad).toHaveLength(1);
    expect(bad[0]!.path).toBe('/trigger/input_schema');
  });
});
