// The flow diagram's pure parts: a recipe definition as boxes and edges (if, switch, foreach,
// waiting branches, step- and job-level on_error, stop, nesting), a job's path through it (loop
// indexes included), and the dagre layout (every box placed, none overlapping).
import { describe, expect, it } from 'vitest';
import { flowGraph, graphKey, type FlowGraph } from '../web/src/editor/flow-graph.js';
import { jobPath } from '../web/src/editor/flow-path.js';
import { layoutFlow } from '../web/src/editor/flow-layout.js';

const RECIPE = {
  name: 'flow', trigger: { type: 'webhook' },
  steps: [
    { id: 'check', action: 'if', with: { condition: '{{ trigger.body.go }}' }, then: [{ id: 'yes', action: 'transform' }], else: [{ id: 'no', action: 'transform' }] },
    { id: 'each', action: 'foreach', with: { items: '{{ trigger.body.xs }}' }, steps: [
      { id: 'call', action: 'http.request', on_error: [{ id: 'note', action: 'transform' }] },
      { id: 'inner', action: 'foreach', steps: [{ id: 'leaf', action: 'transform' }] },
    ] },
    { id: 'route', action: 'switch', cases: { a: [{ id: 'ca', action: 'transform' }], b: [] }, default: [{ id: 'halt', action: 'stop' }] },
    { id: 'ask', action: 'human.action', on_timeout: [{ id: 'late', action: 'transform' }] },
  ],
  on_error: [{ action: 'transform' }],
};

const node = (g: FlowGraph, step: string) => g.nodes.find((n) => n.step === step)!;
const edge = (g: FlowGraph, from: string, to: string) => g.edges.filter((e) => e.from === node(g, from).id && e.to === (to === 'end' ? 'end' : node(g, to).id));
const labels = (g: FlowGraph, from: string) => g.edges.filter((e) => e.from === node(g, from).id).map((e) => e.label);

describe('flowGraph', () => {
  const g = flowGraph(RECIPE);

  it('gives the trigger and every step a box, with id and action', () => {
    expect(g.nodes[0]).toMatchObject({ id: 'trigger', kind: 'trigger', subtitle: 'webhook' });
    const steps = g.nodes.filter((n) => n.step).map((n) => n.step);
    expect(steps).toEqual(['check', 'yes', 'no', 'each', 'call', 'note', 'inner', 'leaf', 'route', 'ca', 'halt', 'ask', 'late', 'on_error_1']);
    expect(node(g, 'call')).toMatchObject({ kind: 'step', title: 'call', subtitle: 'http.request' });
    expect(node(g, 'halt').kind).toBe('stop');
  });

  it('labels if branches and joins them at the next step', () => {
    expect(labels(g, 'check')).toEqual(['then', 'else']);
    expect(edge(g, 'yes', 'each')).toHaveLength(1);
    expect(edge(g, 'no', 'each')).toHaveLength(1);
  });

  it('draws a foreach body as a sub-chain with a loop-back, nested loops too', () => {
    expect(edge(g, 'each', 'call')[0]).toMatchObject({ kind: 'loop', label: 'each item' });
    expect(edge(g, 'inner', 'leaf')[0]).toMatchObject({ kind: 'loop', label: 'each item' });
    expect(edge(g, 'leaf', 'inner')[0]).toMatchObject({ kind: 'back' });
    expect(edge(g, 'inner', 'each')[0]).toMatchObject({ kind: 'back' });
    expect(edge(g, 'each', 'route')[0]).toMatchObject({ kind: 'next', label: 'done' });
    // Layout only: the step after the loop ranks below the loop's body.
    expect(g.hints).toContainEqual({ from: node(g, 'inner').id, to: node(g, 'route').id });
    const l = layoutFlow(g);
    expect(l.boxes.get(node(g, 'route').id)!.y).toBeGreaterThan(l.boxes.get(node(g, 'leaf').id)!.y);
  });

  it('marks step-level on_error as an error edge whose handler goes on to the next step', () => {
    expect(edge(g, 'call', 'note')[0]).toMatchObject({ kind: 'error', label: 'on error' });
    expect(edge(g, 'note', 'inner')).toHaveLength(1);
    expect(edge(g, 'call', 'inner')).toHaveLength(1);
  });

  it('gives switch one edge per case and default; an empty case goes straight on; stop ends', () => {
    expect(labels(g, 'route').sort()).toEqual(['a', 'b', 'default']);
    expect(edge(g, 'route', 'ask')[0]).toMatchObject({ label: 'b', when: 'case:b' });
    expect(g.edges.filter((e) => e.from === node(g, 'halt').id)).toEqual([]);
  });

  it('adds waiting branches and the job-level on_error as its own chain', () => {
    expect(labels(g, 'ask')).toEqual(['on timeout', undefined]);
    expect(edge(g, 'late', 'end')).toHaveLength(1);
    expect(edge(g, 'ask', 'end')).toHaveLength(1);
    expect(g.edges.find((e) => e.from === 'failed')!.to).toBe(node(g, 'on_error_1').id);
    expect(g.onError.map((i) => i.node)).toEqual(['failed', node(g, 'on_error_1').id, 'failed-end']);
  });

  it('keeps the nesting for the outline', () => {
    const each = g.outline.find((i) => i.node === node(g, 'each').id)!;
    expect(each.lists.map((l) => l.label)).toEqual(['each item']);
    const call = each.lists[0]!.items[0]!;
    expect(call.lists.map((l) => l.label)).toEqual(['on error']);
  });

  it('draws what it can of unvalidated input', () => {
    const bad = flowGraph({ trigger: 'x', steps: [null, { action: 'if', then: 'no' }, 3] });
    expect(bad.nodes.map((n) => n.title)).toEqual(['Trigger', '(no id)', 'End']);
    expect(flowGraph(null).nodes.map((n) => n.id)).toEqual(['trigger', 'end']);
  });

  it('changes its key only when boxes or edges change', () => {
    const withInput = structuredClone(RECIPE);
    (withInput.steps[0] as { with: unknown }).with = { condition: 'other' };
    expect(graphKey(flowGraph(withInput))).toBe(graphKey(g));
    const renamed = structuredClone(RECIPE);
    renamed.steps[0]!.id = 'check2';
    expect(graphKey(flowGraph(renamed))).not.toBe(graphKey(g));
  });
});

describe('jobPath', () => {
  const g = flowGraph(RECIPE);
  const job = {
    status: 'failed',
    steps: [
      { id: 'check', status: 'succeeded', output: { condition: true, branch: 'then' } },
      { id: 'yes', status: 'succeeded' },
      { id: 'each', status: 'failed' },
      { id: 'each[0].call', status: 'succeeded' },
      { id: 'each[0].inner', status: 'succeeded' },
      { id: 'each[0].inner[0].leaf', status: 'succeeded' },
      { id: 'each[0].inner[0]', status: 'succeeded' },
      { id: 'each[0].inner[1].leaf', status: 'succeeded' },
      { id: 'each[0].inner[1]', status: 'succeeded' },
      { id: 'each[0]', status: 'succeeded' },
      { id: 'each[1].call', status: 'failed' },
      { id: 'each[1].note', status: 'succeeded' },
      { id: 'each[1].inner', status: 'failed' },
      { id: 'each[1].inner[0].leaf', status: 'failed' },
      { id: 'on_error_1', status: 'succeeded' },
    ],
  };
  const p = jobPath(g, job);
  const run = (step: string) => p.nodes.get(node(g, step).id)!;
  const took = (from: string, to: string) => edge(g, from, to).every((e) => p.taken.has(e.id));

  it('colours each box by its runs and leaves the rest not reached', () => {
    expect(run('check').status).toBe('succeeded');
    expect(run('yes').status).toBe('succeeded');
    expect(run('no').status).toBe('not reached');
    expect(run('route').status).toBe('not reached');
    expect(p.nodes.get('end')!.status).toBe('not reached');
    expect(p.nodes.get('failed')!.status).toBe('failed');
    expect(run('on_error_1').status).toBe('succeeded');
  });

  it('counts runs and iterations across loop indexes, nested loops per outer iteration', () => {
    expect(run('each')).toMatchObject({ status: 'failed', iterations: 2, runs: 1 });
    expect(run('call')).toMatchObject({ status: 'failed', runs: 2, row: 'each[1].call' });
    expect(run('inner')).toMatchObject({ status: 'failed', runs: 2, iterations: 3 });
    expect(run('leaf')).toMatchObject({ status: 'failed', runs: 3 });
    expect(run('note')).toMatchObject({ status: 'succeeded', runs: 1 });
  });

  it('emphasises the edges taken: the chosen branch, loop entries and backs, on_error', () => {
    expect(took('check', 'yes')).toBe(true);
    expect(took('check', 'no')).toBe(false);
    expect(took('yes', 'each')).toBe(true);
    expect(took('no', 'each')).toBe(false);
    expect(took('each', 'call')).toBe(true);
    expect(took('call', 'note')).toBe(true);
    expect(took('leaf', 'inner')).toBe(true);
    expect(took('each', 'route')).toBe(false);
    expect(p.taken.has(g.edges.find((e) => e.from === 'failed')!.id)).toBe(true);
  });

  it('shows a running step of a waiting job as waiting, and switch cases by their key', () => {
    const w = jobPath(g, { status: 'waiting', steps: [{ id: 'route', status: 'succeeded', output: { value: 'b', case: 'b', branch: 'cases' } }, { id: 'ask', status: 'running' }] });
    expect(w.nodes.get(node(g, 'ask').id)!.status).toBe('waiting');
    expect(edge(g, 'route', 'ask').every((e) => w.taken.has(e.id))).toBe(true);
    expect(w.taken.has(edge(g, 'route', 'ca')[0]!.id)).toBe(false);
  });
});

describe('layoutFlow', () => {
  it('places 200 steps with branches, no two boxes overlapping', () => {
    const steps = Array.from({ length: 200 }, (_, i) => (i % 10 === 0
      ? { id: `s${i}`, action: 'if', then: [{ id: `t${i}`, action: 'transform' }] }
      : { id: `s${i}`, action: 'transform' }));
    const g = flowGraph({ trigger: { type: 'webhook' }, steps });
    const l = layoutFlow(g);
    const boxes = [...l.boxes.values()];
    expect(boxes).toHaveLength(g.nodes.length);
    expect(l.lines.size).toBe(g.edges.length);
    const sorted = boxes.sort((a, b) => a.y - b.y);
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      for (let j = i + 1; j < sorted.length && sorted[j]!.y < a.y + a.height; j++) {
        const b = sorted[j]!;
        expect(a.x + a.width <= b.x || b.x + b.width <= a.x, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
    for (const b of boxes) expect(b.x >= 0 && b.y >= 0 && b.x + b.width <= l.width && b.y + b.height <= l.height).toBe(true);
  });

  it('gives every edge label its own place', () => {
    const l = layoutFlow(flowGraph(RECIPE));
    const labelled = flowGraph(RECIPE).edges.filter((e) => e.label);
    for (const e of labelled) expect(l.lines.get(e.id)!.label).toBeDefined();
  });
});
