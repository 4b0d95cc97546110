import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../catalog/index.js';
import type { Recipe, StepDef } from '../recipes/types.js';
import { runsInline } from './inline.js';

const catalog = buildCatalog();
const verdict = (steps: StepDef[], extra: Partial<Recipe> = {}, threaded = false) =>
  runsInline({ recipe: { name: 'r', trigger: { type: 'webhook' }, steps, ...extra } as Recipe, threaded, input: async () => null }, catalog);
const t = (id: string, w: Record<string, unknown> = { x: '{{ trigger.body.n }}' }): StepDef => ({ id, action: 'transform', with: w });

describe('which recipes run before their insert', () => {
  it('transforms, if, switch, stop and fail, nested and in on_error lists', () => {
    expect(verdict([t('a')])).toBe(true);
    expect(verdict([
      { id: 'c', action: 'if', with: { condition: '{{ steps.a.x > 1 }}' }, then: [t('b')], else: [{ id: 'f', action: 'fail', with: { message: 'no' } }] },
      { id: 's', action: 'switch', with: { value: '{{ trigger.body.kind }}' }, cases: { a: [t('d')] }, default: [{ id: 'st', action: 'stop', with: {} }] },
      { ...t('e'), on_error: [t('h')] },
    ], { on_error: [t('z')] })).toBe(true);
  });

  it('not with an outside effect, a loop, a wait or a call anywhere, nor with limited concurrency', () => {
    const http: StepDef = { id: 'h', action: 'http.request', with: { method: 'GET', url: 'https://example.com' } };
    expect(verdict([t('a'), http])).toBe(false);
    expect(verdict([{ id: 'c', action: 'if', with: { condition: true }, then: [http] }])).toBe(false);
    expect(verdict([{ id: 's', action: 'switch', with: { value: 1 }, cases: { '1': [http] } }])).toBe(false);
    expect(verdict([t('a')], { on_error: [http] })).toBe(false);
    expect(verdict([{ ...t('a'), on_error: [http] }])).toBe(false);
    expect(verdict([{ id: 'l', action: 'foreach', with: { items: [1] }, steps: [t('b')] }])).toBe(false);
    expect(verdict([{ id: 'w', action: 'wait', with: { seconds: 0 } }])).toBe(false);
    expect(verdict([{ id: 'c', action: 'recipe.call', with: { recipe: 'x', input: {} } }])).toBe(false);
    expect(verdict([{ id: 'u', action: 'no.such_action', with: {} }])).toBe(false);
    expect(verdict([t('a')], { concurrency: 1 })).toBe(false);
  });

  it('not when an expression runs on an expression thread (the answer would wait up to its time limit), nor when unknown', () => {
    expect(verdict([t('a')], {}, true)).toBe(false);
    expect(runsInline({ recipe: { name: 'r', trigger: { type: 'webhook' }, steps: [t('a')] } as Recipe, input: async () => null }, catalog)).toBe(false);
  });

  it('not when the recipe names `job` (its number is not known before the insert)', () => {
    expect(verdict([t('a', { n: '{{ job.number }}' })])).toBe(false);
    expect(verdict([t('a')], { result: '{{ job.id }}' })).toBe(false);
    expect(verdict([t('a', { jobs: '{{ trigger.body.jobs }}' })])).toBe(true);
  });

  it('the verdict is kept per recipe version (its Recipe object)', () => {
    const recipe = { name: 'r', trigger: { type: 'webhook' }, steps: [t('a')] } as Recipe;
    expect(runsInline({ recipe, threaded: false, input: async () => null }, catalog)).toBe(true);
    recipe.steps.push({ id: 'h', action: 'http.request', with: {} });
    expect(runsInline({ recipe, threaded: false, input: async () => null }, catalog)).toBe(true);
    expect(runsInline({ recipe: { ...recipe }, threaded: false, input: async () => null }, catalog)).toBe(false);
  });
});
