import fs from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { buildCatalog } from '../catalog/index.js';
import { readRecipe } from './parse.js';
import { recipeProblems } from './validate.js';
import { catalogProblems } from './check.js';

const catalog = buildCatalog();
const connections = new Map([['crm', 'http'], ['wdc', '4me'], ['my4me', '4me'], ['mail-api', 'http'], ['wfg', 'workflowgen']]);

/** What saving would answer: shape and catalog problems, with lines. */
function problems(yaml: string) {
  const read = readRecipe(yaml, 'yaml');
  const shape = recipeProblems(read.obj);
  const taken = new Set(shape.map((p) => p.path));
  return read.locate([...shape, ...catalogProblems(read.obj, { catalog, connections }).filter((p) => !taken.has(p.path))]);
}

const recipe = (steps: string, trigger = 'trigger:\n  type: webhook\n') => `name: r\n${trigger}steps:\n${steps}`;

describe('save-time checks against the catalog', () => {
  it('names an unknown action with the nearest known one, on its line', () => {
    const p = problems(recipe('  - id: a\n    action: transfrom\n    with: { x: 1 }\n'));
    expect(p).toEqual([{ path: '/steps/0/action', line: 6, message: 'unknown action "transfrom"; did you mean "transform"?' }]);
  });

  it('suggests the nearest trigger type', () => {
    const p = problems('name: r\ntrigger:\n  type: webhok\nsteps:\n  - { id: a, action: transform }\n');
    expect(p[0]).toMatchObject({ path: '/trigger/type', line: 3 });
    expect(p[0]!.message).toMatch(/did you mean "webhook"/);
  });

  it('checks literal inputs: required, type and unknown fields; expressions stand for any value', () => {
    const p = problems(recipe([
      '  - id: a', '    action: http.request', '    with:', '      method: 5', '      uri: /x', '      accept_status: "{{ [200, 404] }}"',
      '  - id: b', '    action: http.request', '    with:', '      url: "{{ trigger.body.url }}"', '      headers: "{{ trigger.body.headers }}"', '      max_redirects: "{{ 3 }}"',
    ].join('\n') + '\n'));
    expect(p).toEqual([
      { path: '/steps/0/with', line: 7, message: 'missing required field "url"' },
      { path: '/steps/0/with/uri', line: 9, message: 'unknown field "uri"' },
      { path: '/steps/0/with/method', line: 8, message: 'must be string' },
    ]);
  });

  it('checks connections: missing, of a type the action does not accept, absent where required', () => {
    const p = problems(recipe([
      '  - { id: a, action: 4me.task.update, connection: crm, with: { id: "1" } }',
      '  - { id: b, action: http.request, connection: crn, with: { url: /x } }',
      '  - { id: c, action: 4me.task.complete, with: { id: "1" } }',
      '  - { id: d, action: transform, connection: crm, with: {} }',
    ].join('\n') + '\n'));
    expect(p.map((x) => [x.path, x.line, x.message])).toEqual([
      ['/steps/0/connection', 5, 'connection "crm" is a http connection; 4me.task.update accepts 4me'],
      ['/steps/1/connection', 6, 'connection "crn" does not exist (did you mean "crm"?)'],
      ['/steps/2', 7, '4me.task.complete needs a connection of type 4me'],
      ['/steps/3/connection', 8, 'transform takes no connection'],
    ]);
  });

  it('refuses an expression that does not parse, at its field', () => {
    const p = problems(recipe('  - id: a\n    action: transform\n    with:\n      x: "{{ trigger.body. }}"\n      y: "{{ unclosed"\n'));
    expect(p.map((x) => [x.path, x.line])).toEqual([['/steps/0/with/x', 8], ['/steps/0/with/y', 9]]);
    expect(p[0]!.message).toMatch(/does not parse/);
  });

  it('allows steps.X only for earlier steps in scope: then/else do not see each other, on_error sees all', () => {
    const p = problems(recipe([
      '  - id: first', '    action: transform', '    with: { a: "{{ steps.later.x }}", me: "{{ steps.first }}" }',
      '  - id: check', '    action: if', '    with: { condition: "{{ steps.first.a }}" }',
      '    then:', '      - { id: yes, action: transform, with: { c: "{{ steps.check.condition }}", f: "{{ steps.first.a }}" } }',
      '    else:', '      - { id: no, action: transform, with: { y: "{{ steps.yes }}" } }',
      '  - id: later', '    action: transform', '    with: { a: "{{ steps.yes.c }}", b: "{{ $count(steps.nothere.items) }}" }',
      'on_error:', '  - { action: transform, with: { all: "{{ [steps.later, steps.no, steps.yes] }}" } }',
    ].join('\n') + '\n'));
    expect(p.map((x) => [x.path, x.message.split(' (')[0]])).toEqual([
      ['/steps/0/with/a', 'steps.later is not an earlier step here'],
      ['/steps/0/with/me', 'steps.first is this step itself; a step sees only the steps before it'],
      ['/steps/1/else/0/with/y', 'steps.yes is not an earlier step here'],
      ['/steps/2/with/b', 'steps.nothere is not an earlier step here'],
    ]);
  });

  it('checks a 4me trigger: its connection, and a policy key that does not fit its algorithm', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString().trim();
    const trigger = (conn: string, alg: string, key: string) => `trigger:\n  type: 4me.webhook\n  connection: ${conn}\n  policy:\n    jwt_alg: ${alg}\n    public_key: |\n${key.split('\n').map((l) => `      ${l}`).join('\n')}\n`;
    const steps = '  - { id: a, action: transform }\n';
    const p = problems(recipe(steps, trigger('nobody', 'es512', rsa)));
    expect(p.map((x) => [x.path, x.line])).toEqual([['/trigger/connection', 4], ['/trigger/policy/public_key', 7]]);
    expect(p[0]!.message).toMatch(/does not exist/);
    expect(p[1]!.message).toBe('is a rsa key, but jwt_alg es512 needs an EC key on secp521r1');
    expect(problems(recipe(steps, trigger('crm', 'rs256', rsa)))).toEqual([{ path: '/trigger/connection', line: 4, message: 'connection "crm" is a http connection; a 4me.webhook trigger accepts 4me' }]);
    expect(problems(recipe(steps, trigger('wdc', 'rs256', 'not a key')))[0]).toMatchObject({ path: '/trigger/policy/public_key' });
    expect(problems(recipe(steps, trigger('wdc', 'rs256', rsa)))).toEqual([]);
  });

  it('checks human.action forms and assignees, and operation data items, against their schemas', () => {
    const p = problems(recipe('  - id: ask\n    action: human.action\n    with:\n      assignee: { group: ops }\n      form:\n        - { label: Decision }\n'));
    expect(p.map((x) => x.path)).toEqual(expect.arrayContaining(['/steps/0/with/assignee', '/steps/0/with/form/0', '/steps/0/with/form/0/label']));
    const op = problems('name: r\ntrigger:\n  type: operation\n  data:\n    - { name: AMOUNT, type: MONEY }\nsteps:\n  - { id: a, action: transform }\n');
    expect(op).toEqual([{ path: '/trigger/data/0/type', line: 5, message: 'must be one of: TEXT, NUMERIC, DATETIME, FILE' }]);
  });

  it('accepts every recipe in examples/', () => {
    const dir = new URL('../../examples/', import.meta.url);
    const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect([f, problems(fs.readFileSync(new URL(f, dir), 'utf8'))]).toEqual([f, []]);
  });
  it('checks the steps inside foreach bodies, switch cases and defaults, and step-level on_error', () => {
    const p = problems(recipe([
      '  - id: each',
      '    action: foreach',
      '    with: { items: "{{ trigger.body.items }}", concurrency: 100 }',
      '    steps:',
      '      - { id: inner, action: http.reqest }',
      '  - id: route',
      '    action: switch',
      '    with: { value: "{{ trigger.body.kind }}" }',
      '    cases:',
      '      a:',
      '        - { id: ca, action: table.get, with: { tabel: x } }',
      '    default:',
      '      - { id: d, action: stopp }',
      '  - id: risky',
      '    action: transform',
      '    with: { a: 1 }',
      '    on_error:',
      '      - { id: h, action: http.request, connection: nope, with: { url: /x } }',
      '',
    ].join('\n')));
    const at = (path: string) => p.filter((x) => x.path.startsWith(path)).map((x) => x.message).join(' | ');
    expect(at('/steps/0/with/concurrency')).toMatch(/32/);
    expect(at('/steps/0/steps/0/action')).toMatch(/did you mean "http.request"/);
    expect(at('/steps/1/cases/a/0/with')).toMatch(/tabel|table/);
    expect(at('/steps/1/default/0/action')).toMatch(/did you mean "stop"/);
    expect(at('/steps/2/on_error/0/connection')).toMatch(/connection "nope" does not exist/);
  });
});
