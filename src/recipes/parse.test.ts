import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HookflowError } from '../errors.js';
import { parseRecipe, type RecipeProblem } from './index.js';

const YAML_RECIPE = readFileSync(new URL('./testdata/close-4me-task.yaml', import.meta.url), 'utf8');

function problemsOf(fn: () => unknown): { err: HookflowError; problems: RecipeProblem[] } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HookflowError);
    const err = e as HookflowError;
    expect(err.code).toBe('HF_ERR_RECIPE_INVALID');
    return { err, problems: err.details as RecipeProblem[] };
  }
  throw new Error('expected HF_ERR_RECIPE_INVALID');
}

describe('parseRecipe: valid recipes', () => {
  it('loads YAML', () => {
    const r = parseRecipe(YAML_RECIPE);
    expect(r.name).toBe('close-4me-task');
    expect(r.steps[1]!.then![0]!.action).toBe('4me.task.update');
    expect(r.trigger).toMatchObject({ type: 'webhook', verify: { type: 'hmac' } });
    // on_error steps may omit their id; they get one
    expect(r.on_error![0]!.id).toBe('on_error_1');
  });

  it('loads JSON, detected or named', () => {
    const json = JSON.stringify({ name: 'nightly', trigger: { type: 'schedule', cron: '0 2 * * *', timezone: 'Europe/Amsterdam' }, steps: [{ id: 'a', action: 'wait', with: { seconds: 5 } }] }, null, 2);
    expect(parseRecipe(json).trigger).toEqual({ type: 'schedule', cron: '0 2 * * *', timezone: 'Europe/Amsterdam' });
    expect(parseRecipe(json, 'json').name).toBe('nightly');
    expect(parseRecipe(json, 'yaml').name).toBe('nightly');
  });

  it('accepts triggers defined by other modules with their own fields', () => {
    const r = parseRecipe('name: ops\ntrigger: { type: operation, data: [{ name: AMOUNT, type: NUMERIC }] }\nsteps: [{ id: a, action: transform }]\n');
    expect(r.trigger).toEqual({ type: 'operation', data: [{ name: 'AMOUNT', type: 'NUMERIC' }] });
  });

  it('checks http.poll triggers against their schema', () => {
    const ok = 'name: poll\ntrigger: { type: http.poll, interval_seconds: 60, request: { url: "https://x/items" }, dedup: { id: id } }\nsteps: [{ id: a, action: transform }]\n';
    expect(parseRecipe(ok).trigger).toMatchObject({ type: 'http.poll', interval_seconds: 60 });
    const { problems } = problemsOf(() => parseRecipe('name: poll\ntrigger: { type: http.poll, url: "https://x", interval_seconds: 60 }\nsteps: [{ id: a, action: transform }]\n'));
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['/trigger/url']));
  });
});

describe('parseRecipe: errors carry path and line', () => {
  it('bad action pattern', () => {
    const text = 'name: x\ntrigger:\n  type: webhook\nsteps:\n  - id: a\n    action: transform\n  - id: b\n    action: Http.Request\n';
    const { err, problems } = problemsOf(() => parseRecipe(text));
    expect(problems).toEqual([{ path: '/steps/1/action', line: 8, message: expect.stringMatching(/^must match pattern/) }]);
    expect(err.message).toMatch(/\/steps\/1\/action \(line 8\): must match pattern/);
  });

  it('unknown top-level key points at the key', () => {
    const { problems } = problemsOf(() => parseRecipe('name: x\ntrigger: { type: webhook }\nsteps: [{ id: a, action: transform }]\n\nstepz: []\n'));
    expect(problems).toEqual([{ path: '/stepz', line: 5, message: 'unknown property "stepz"' }]);
  });

  it('missing property reports the parent', () => {
    const { problems } = problemsOf(() => parseRecipe('name: x\ntrigger: { type: webhook }\nsteps:\n  - id: a\n    with: {}\n'));
    expect(problems).toEqual([{ path: '/steps/0', line: 4, message: "must have required property 'action'" }]);
  });

  it('unknown trigger and verify types list the allowed ones', () => {
    const a = problemsOf(() => parseRecipe('name: x\ntrigger:\n  type: email\nsteps: [{ id: a, action: transform }]\n'));
    expect(a.problems).toEqual([{ path: '/trigger/type', line: 3, message: expect.stringContaining('must be one of: webhook, schedule') }]);
    const b = problemsOf(() => parseRecipe('name: x\ntrigger:\n  type: webhook\n  verify:\n    type: hmac\n    header: x\n    algo: md5\nsteps: [{ id: a, action: transform }]\n'));
    expect(b.problems).toEqual([
      // a missing property is reported on the line of its parent's key
      { path: '/trigger/verify', line: 4, message: "must have required property 'secret'" },
      { path: '/trigger/verify/algo', line: 7, message: 'unknown property "algo"' },
    ]);
  });

  it('reports every problem at once, in nested branches too', () => {
    const text = [
      'name: Bad Name',
      'trigger: { type: webhook, response: { mode: later } }',
      'steps:',
      '  - id: a',
      '    action: if',
      '    with: { condition: "{{ true }}" }',
      '    then:',
      '      - id: b',
      '        action: transform',
      '        retry: { attempts: 0 }',
    ].join('\n');
    const { problems } = problemsOf(() => parseRecipe(text));
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['/name', 1],
      ['/trigger/response/mode', 2],
      ['/steps/0/then/0/retry/attempts', 10],
    ]);
  });

  it('YAML syntax errors give their line', () => {
    const { problems, err } = problemsOf(() => parseRecipe('name: x\ntrigger:\n  type: webhook\n  type: schedule\nsteps: []\n'));
    expect(problems[0]).toMatchObject({ path: '', line: 4, message: expect.stringContaining('Map keys must be unique') });
    expect(err.message).toContain('line 4');
    expect(problemsOf(() => parseRecipe('name: x\nsteps: [a, b\n')).problems[0]!.line).toBeGreaterThan(1);
  });

  it('JSON syntax and validation errors give lines', () => {
    const bad = problemsOf(() => parseRecipe('{\n  "name": "x",\n  "steps": [,]\n}'));
    expect(bad.problems[0]).toMatchObject({ path: '', line: 3, message: expect.stringContaining('not valid JSON') });
    const json = '{\n  "name": "x",\n  "trigger": {"type": "webhook"},\n  "steps": [\n    {"id": "a", "action": "transform", "colour": 1}\n  ]\n}';
    expect(problemsOf(() => parseRecipe(json)).problems).toEqual([{ path: '/steps/0/colour', line: 5, message: 'unknown property "colour"' }]);
  });

  it('refuses alias bombs and non-object documents', () => {
    // Each line doubles ten-fold through aliases: 10^10 nodes if expanded.
    const L = 'abcdefghij';
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...[...L.slice(1)].map((c, i) => `${c}: &${c} [${Array(10).fill(`*${L[i]}`).join(', ')}]`)].join('\n');
    expect(problemsOf(() => parseRecipe(bomb)).problems[0]!.message).toMatch(/not valid YAML|alias/i);
    expect(problemsOf(() => parseRecipe('')).problems[0]).toMatchObject({ path: '', message: 'must be object' });
    expect(problemsOf(() => parseRecipe('[1, 2]')).problems[0]).toMatchObject({ path: '', message: 'must be object' });
  });

  it('refuses a recipe nested deeper than 128 levels with HF_ERR_BODY_TOO_DEEP, in block YAML, flow YAML and JSON', () => {
    const head = 'name: deep\ntrigger: { type: webhook }\nsteps:\n  - id: a\n    action: transform\n    with:\n';
    const block = (n: number) => head + Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 3)}k:`).join('\n') + ' 1\n';
    const codeOf = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as HookflowError).code; } return 'accepted'; };
    expect(codeOf(() => parseRecipe(block(200), 'yaml'))).toBe('HF_ERR_BODY_TOO_DEEP');
    expect(codeOf(() => parseRecipe(`${head}      k: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, 'yaml'))).toBe('HF_ERR_BODY_TOO_DEEP');
    expect(codeOf(() => parseRecipe(`{"name":"deep","trigger":{"type":"webhook"},"steps":[{"id":"a","action":"transform","with":${'{"k":'.repeat(200)}1${'}'.repeat(200)}}]}`, 'json'))).toBe('HF_ERR_BODY_TOO_DEEP');
    // Well inside the limit: an ordinary validation outcome, not a depth refusal.
    expect(codeOf(() => parseRecipe(block(20), 'yaml'))).toBe('accepted');
  });
});
