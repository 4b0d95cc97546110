import { describe, expect, it } from 'vitest';
import type { HookflowError } from '../errors.js';
import { parseRecipe, validateRecipe, type Recipe, type RecipeProblem } from './index.js';

function problemsOf(fn: () => unknown): { problems: RecipeProblem[] } {
  try {
    fn();
  } catch (e) {
    expect((e as HookflowError).code).toBe('HF_ERR_RECIPE_INVALID');
    return { problems: (e as HookflowError).details as RecipeProblem[] };
  }
  throw new Error('expected HF_ERR_RECIPE_INVALID');
}

const base = (steps: unknown[], extra: Record<string, unknown> = {}): unknown => ({ name: 'r', trigger: { type: 'webhook' }, steps, ...extra });

describe('step rules', () => {
  it('rejects duplicate ids, inside if branches and on_error too', () => {
    const text = [
      'name: r',
      'trigger: { type: webhook }',
      'steps:',
      '  - id: a',
      '    action: if',
      '    with: { condition: "{{ true }}" }',
      '    then:',
      '      - id: b',
      '        action: transform',
      '    else:',
      '      - id: a',
      '        action: transform',
      'on_error:',
      '  - id: b',
      '    action: transform',
    ].join('\n');
    const { problems } = problemsOf(() => parseRecipe(text));
    expect(problems).toEqual([
      { path: '/steps/0/else/0/id', line: 11, message: 'duplicate step id "a" (first used at /steps/0/id)' },
      { path: '/on_error/0/id', line: 14, message: 'duplicate step id "b" (first used at /steps/0/then/0/id)' },
    ]);
  });

  it('requires ids on main steps only, and numbers on_error steps around taken ids', () => {
    expect(problemsOf(() => validateRecipe(base([{ action: 'transform' }]))).problems).toEqual([
      { path: '/steps/0', message: "must have required property 'id'" },
    ]);
    const r = validateRecipe(base([{ id: 'on_error_1', action: 'transform' }], { on_error: [{ action: 'transform' }, { action: 'transform' }] }));
    expect(r.on_error!.map((s) => s.id)).toEqual(['on_error_2', 'on_error_3']);
  });

  it('checks what if, wait and fail need', () => {
    const { problems } = problemsOf(() =>
      validateRecipe(
        base([
          { id: 'a', action: 'if', with: {} },
          { id: 'b', action: 'transform', then: [] },
          { id: 'c', action: 'wait' },
          { id: 'd', action: 'fail', with: { reason: 'x' } },
        ]),
      ),
    );
    expect(problems).toEqual([
      { path: '/steps/0/with', message: 'an if step needs with.condition' },
      { path: '/steps/0', message: 'an if step needs then, else or both' },
      { path: '/steps/1/then', message: 'only if steps may have then' },
      { path: '/steps/2', message: 'a wait step needs with.seconds or with.until' },
      { path: '/steps/3/with', message: 'a fail step needs with.message' },
    ]);
    expect(() => validateRecipe(base([{ id: 'w', action: 'wait', with: { until: '{{ job.due }}' } }]))).not.toThrow();
  });

  it('does not change its input', () => {
    const input = base([{ id: 'a', action: 'transform' }], { on_error: [{ action: 'transform' }] }) as Recipe;
    validateRecipe(input);
    expect(input.on_error![0]!.id).toBeUndefined();
  });
});

describe('schedule trigger', () => {
  const sched = (trigger: Record<string, unknown>) => base([{ id: 'a', action: 'transform' }], { trigger: { type: 'schedule', ...trigger } });

  it('accepts good patterns and zones', () => {
    expect(() => validateRecipe(sched({ cron: '*/5 * * * *', timezone: 'Europe/Amsterdam', missed: 'catch_up' }))).not.toThrow();
    expect(() => validateRecipe(sched({ cron: '0 0 9 * * MON-FRI' }))).not.toThrow();
    expect(() => validateRecipe(sched({ cron: '@daily', timezone: 'UTC' }))).not.toThrow();
  });

  it('rejects bad cron patterns clearly', () => {
    expect(problemsOf(() => validateRecipe(sched({ cron: '61 * * * *' }))).problems).toEqual([
      { path: '/trigger/cron', message: expect.stringMatching(/"61 \* \* \* \*" is not a valid cron pattern: .*minute/) },
    ]);
    expect(problemsOf(() => validateRecipe(sched({ cron: 'every day' }))).problems[0]!.message).toMatch(/not a cron pattern/);
    expect(problemsOf(() => validateRecipe(sched({ cron: '2030-01-01T00:00:00' }))).problems[0]!.message).toMatch(/not a cron pattern/);
    expect(problemsOf(() => validateRecipe(sched({ cron: '0 0 31 2 *' }))).problems[0]!.message).toMatch(/never fires/);
  });

  it('rejects unknown time zones and missed modes', () => {
    expect(problemsOf(() => validateRecipe(sched({ cron: '* * * * *', timezone: 'Mars/Olympus', missed: 'later' }))).problems).toEqual([
      { path: '/trigger/missed', message: 'must be one of: skip, catch_up' },
      { path: '/trigger/timezone', message: expect.stringContaining('unknown time zone "Mars/Olympus"') },
    ]);
  });
});
