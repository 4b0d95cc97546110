// The step tree's pure rules: nested lists and their labels, ids unique across the recipe, and
// moves of step nodes between lists of a parsed YAML document (comments travel with the step).
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { afterRemoval, allIds, at, appendStep, childLists, dropPlace, moveStep, newStep, stepAt, uniqueId } from '../web/src/editor/step-tree.js';

const YAML = `name: t
trigger: { type: webhook }
steps:
  - id: a
    action: transform
  - id: check # the branch
    action: if
    with: { condition: "{{ true }}" }
    then:
      - id: b # keep me
        action: transform
    else: []
  - id: route
    action: switch
    cases:
      incident:
        - id: c
          action: transform
    default: []
on_error:
  - id: failed
    action: transform
`;
const ids = (d: ReturnType<typeof parseDocument>, p: (string | number)[]) => ((d.toJS() as any)[p[0]!] ? (d.getIn(p) as any).toJSON().map((s: any) => s.id) : []);

describe('step tree', () => {
  it('lists a step\'s nested lists in order with labels', () => {
    const s = (parseDocument(YAML).toJS() as any).steps;
    expect(childLists(s[1]).map((c) => [c.key, c.label])).toEqual([[['then'], 'then'], [['else'], 'else']]);
    expect(childLists(s[2]).map((c) => [c.key, c.label])).toEqual([[['cases', 'incident'], 'case incident'], [['default'], 'default']]);
    expect(childLists({ steps: [], on_error: [] }).map((c) => c.label)).toEqual(['each item', 'on error']);
    expect(stepAt(s, ['steps', 2, 'cases', 'incident', 0])).toMatchObject({ id: 'c' });
  });

  it('makes ids unique across nested steps and the recipe\'s on_error', () => {
    const all = allIds(parseDocument(YAML).toJS());
    expect([...all].sort()).toEqual(['a', 'b', 'c', 'check', 'failed', 'route']);
    expect(uniqueId(new Set(['step_1', 'step_2']), 'step')).toBe('step_3');
    expect(newStep('if', new Set(['if_1']))).toEqual({ id: 'if_2', action: 'if', with: { condition: '' }, then: [], else: [] });
    expect(newStep('switch', new Set())).toEqual({ id: 'switch_1', action: 'switch', with: { value: '' }, cases: {} });
    expect(newStep('foreach', new Set())).toEqual({ id: 'foreach_1', action: 'foreach', with: { items: '' }, steps: [] });
  });

  it('shifts later siblings when a step leaves a list, and nothing else', () => {
    expect(afterRemoval(['steps', 2, 'then'], ['steps', 0])).toEqual(['steps', 1, 'then']);
    expect(afterRemoval(['steps', 0, 'then'], ['steps', 1])).toEqual(['steps', 0, 'then']);
    expect(afterRemoval(['steps', 2], ['steps', 1, 'then', 0])).toEqual(['steps', 2]);
  });

  it('moves a step into a later block, keeping its comment, and answers the new path', () => {
    const d = parseDocument(YAML);
    expect(moveStep(d, ['steps', 0], ['steps', 1, 'else'], 0)).toEqual(['steps', 0, 'else', 0]);
    expect(ids(d, ['steps'])).toEqual(['check', 'route']);
    expect(ids(d, ['steps', 0, 'else'])).toEqual(['a']);
    // out again, after the block; the nested step's comment travels with it
    expect(moveStep(d, ['steps', 0, 'then', 0], ['steps'], 1)).toEqual(['steps', 1]);
    expect(ids(d, ['steps'])).toEqual(['check', 'b', 'route']);
    expect(d.toString()).toContain('- id: b # keep me');
    expect(d.toString()).toContain('- id: check # the branch');
  });

  it('refuses to move a block into itself and creates a missing list on the way in', () => {
    const d = parseDocument(YAML);
    expect(moveStep(d, ['steps', 1], ['steps', 1, 'then'], 0)).toBeNull();
    expect(moveStep(d, ['steps', 0], ['steps', 2, 'cases', 'rfc'], 0)).toEqual(['steps', 1, 'cases', 'rfc', 0]);
    expect((d.toJS() as any).steps[1].cases).toEqual({ incident: [{ id: 'c', action: 'transform' }], rfc: [{ id: 'a', action: 'transform' }] });
    expect(appendStep(d, ['steps', 1, 'default'], { id: 'x', action: 'transform' })).toEqual(['steps', 1, 'default', 0]);
  });

  it('places a drop before or after a target, in the same list or another', () => {
    expect(dropPlace(['steps', 0], ['steps', 2], 'after')).toEqual({ list: ['steps'], index: 2 });
    expect(dropPlace(['steps', 0], ['steps', 2], 'before')).toEqual({ list: ['steps'], index: 1 });
    expect(dropPlace(['steps', 2], ['steps', 0], 'before')).toEqual({ list: ['steps'], index: 0 });
    expect(dropPlace(['steps', 1], ['steps', 1], 'after')).toEqual({ list: ['steps'], index: 1 });
    expect(dropPlace(['steps', 0], ['steps', 1, 'then', 0], 'after')).toEqual({ list: ['steps', 0, 'then'], index: 1 });
    const d = parseDocument(YAML);
    const p = dropPlace(['steps', 2, 'cases', 'incident', 0], ['steps', 0], 'before');
    expect(moveStep(d, ['steps', 2, 'cases', 'incident', 0], p.list, p.index)).toEqual(['steps', 0]);
    expect(ids(d, ['steps'])).toEqual(['c', 'a', 'check', 'route']);
  });
});

describe('step tree paths', () => {
  it('spells a numeric case key as the document does, so edits land in the existing case', () => {
    const d = parseDocument('steps:\n  - id: route\n    action: switch\n    cases:\n      1:\n        - id: p1\n          action: transform\n      2: []\n');
    const js = d.toJS() as any;
    expect(Object.keys(js.steps[0].cases)).toEqual(['1', '2']); // plain data: text keys
    expect(at(d, ['steps', 0, 'cases', '1', 0, 'id'])).toEqual(['steps', 0, 'cases', 1, 0, 'id']);
    expect(at(d, ['steps', 0, 'cases', 'new'])).toEqual(['steps', 0, 'cases', 'new']);
    expect(moveStep(d, ['steps', 0, 'cases', '1', 0], ['steps', 0, 'cases', '2'], 0)).toEqual(['steps', 0, 'cases', '2', 0]);
    expect((d.toJS() as any).steps[0].cases).toEqual({ 1: [], 2: [{ id: 'p1', action: 'transform' }] });
    expect(d.toString()).not.toContain('"2"');
  });
});
