// The datapill model: what pillsAt offers a step at a YAML path — the trigger (sample values, the
// catalog's output schema, a 4me trigger's payload_schema), earlier steps in scope only, the loop
// item (fields from the items expression), and `error` inside on_error. Schemas are the catalog's own.
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../src/catalog/default.js';
import { filterPills, pillsAt, sampleText, type PillGroup } from '../web/src/pills.js';

const catalog = JSON.parse(JSON.stringify(buildCatalog()));
const exprs = (groups: PillGroup[]) => groups.flatMap((g) => g.pills.map((p) => p.expr));
const find = (groups: PillGroup[], expr: string) => groups.flatMap((g) => g.pills).find((p) => p.expr === expr);

const sample = {
  sample: { body: { customer: { name: 'Ann Example' }, lines: [{ sku: 'A-1', qty: 2 }, { sku: 'B-2', qty: 1 }] }, headers: { 'content-type': 'application/json' }, query: {}, method: 'POST' },
  schema: null,
};

describe('pillsAt', () => {
  it('offers trigger fields with their sample values and types, else the catalog schema', () => {
    const def = { name: 'r', trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: { x: 1 } }] };
    const g = pillsAt(def, ['steps', 0], { sample, catalog });
    expect(g[0]!.group).toBe('Trigger');
    expect(find(g, 'trigger.body.customer.name')).toMatchObject({ type: 'string', sample: 'Ann Example', group: 'Trigger' });
    expect(find(g, 'trigger.body.lines[0].qty')).toMatchObject({ type: 'integer', sample: '2' });
    expect(find(g, 'trigger.headers.`content-type`')?.sample).toBe('application/json');
    // No sample yet: the catalog's output schema names the fields, with types and no values.
    const bare = pillsAt(def, ['steps', 0], { catalog });
    expect(find(bare, 'trigger.received_at')).toEqual({ label: 'trigger.received_at', expr: 'trigger.received_at', group: 'Trigger', type: 'string' });
    expect(find(bare, 'trigger.body.customer.name')).toBeUndefined();
  });

  it('offers only steps that ran before: earlier siblings and those of enclosing blocks, not a sibling branch', () => {
    const def = {
      name: 'r', trigger: { type: 'webhook' },
      steps: [
        { id: 'lookup', action: 'http.request', with: { url: 'https://x.example' } },
        { id: 'check', action: 'if', with: { condition: true }, then: [{ id: 'yes1', action: 'transform', with: { a: 1 } }, { id: 'yes2', action: 'transform', with: {} }], else: [{ id: 'no1', action: 'transform', with: { b: 2 } }] },
        { id: 'after', action: 'transform', with: { c: 3 } },
      ],
    };
    const inThen = exprs(pillsAt(def, ['steps', 1, 'then', 1], { catalog }));
    expect(inThen).toContain('steps.lookup.status');
    expect(inThen).toContain('steps.yes1.a');
    expect(inThen.some((e) => e.startsWith('steps.no1'))).toBe(false);
    expect(inThen.some((e) => e.startsWith('steps.check') || e.startsWith('steps.after'))).toBe(false);
    const inElse = exprs(pillsAt(def, ['steps', 1, 'else', 0], { catalog }));
    expect(inElse.some((e) => e.startsWith('steps.yes'))).toBe(false);
    // After the if: its result and what either branch may have produced.
    const after = exprs(pillsAt(def, ['steps', 2], { catalog }));
    expect(after).toEqual(expect.arrayContaining(['steps.check.branch', 'steps.yes1.a', 'steps.no1.b']));
    expect(after.some((e) => e.startsWith('steps.after'))).toBe(false);
    // Switch cases are branches too: one case does not see another's steps.
    const sw = { ...def, steps: [def.steps[0], { id: 'route', action: 'switch', with: { value: 'x' }, cases: { a: [{ id: 'ca', action: 'transform', with: { a: 1 } }], b: [{ id: 'cb', action: 'transform', with: {} }] }, default: [{ id: 'cd', action: 'transform', with: {} }] }] };
    const inB = exprs(pillsAt(sw, ['steps', 1, 'cases', 'b', 0], { catalog }));
    expect(inB).toContain('steps.lookup.status');
    expect(inB.some((e) => /^steps\.(ca|cd|route)/.test(e))).toBe(false);
    // An inferred schema (from a real response) wins over the catalog's.
    const inferred = exprs(pillsAt(def, ['steps', 2], { catalog, schemas: { lookup: { type: 'object', properties: { body: { type: 'object', properties: { total: { type: 'integer' } } } } } } }));
    expect(inferred).toContain('steps.lookup.body.total');
    expect(inferred).not.toContain('steps.lookup.status');
  });

  it('offers the foreach item with fields from the items expression, index, and outer loops', () => {
    const def = {
      name: 'r', trigger: { type: 'webhook' },
      steps: [
        { id: 'prep', action: 'transform', with: { n: 1 } },
        { id: 'each', action: 'foreach', with: { items: '{{ trigger.body.lines }}' }, steps: [
          { id: 'first', action: 'transform', with: { sku: '{{ item.sku }}' } },
          { id: 'inner', action: 'foreach', with: { items: '{{ [1,2] }}' }, steps: [{ id: 'deep', action: 'transform', with: {} }] },
        ] },
      ],
    };
    const g = pillsAt(def, ['steps', 1, 'steps', 1], { sample, catalog });
    const loop = g.find((x) => x.group === 'Loop each')!;
    expect(loop.pills.map((p) => p.expr)).toEqual(['item', 'item.sku', 'item.qty', 'index']);
    expect(find(g, 'item.sku')).toMatchObject({ sample: 'A-1', type: 'string' });
    expect(exprs(g)).toEqual(expect.arrayContaining(['steps.prep.n', 'steps.first.sku']));
    // Outside the loop body there is no item.
    expect(exprs(pillsAt(def, ['steps', 1], { sample, catalog }))).not.toContain('item');
    // In a nested loop: its own item (not a plain path: no fields), the outer one as loops.each.
    const deep = pillsAt(def, ['steps', 1, 'steps', 1, 'steps', 0], { sample, catalog });
    expect(deep.find((x) => x.group === 'Loop inner')!.pills.map((p) => p.expr)).toEqual(['item', 'index']);
    expect(find(deep, 'loops.each.item.qty')?.sample).toBe('2');
    expect(exprs(deep)).toContain('loops.each.index');
    // A loop over an earlier step's list takes the item fields from that step's schema.
    const over = { ...def, steps: [{ id: 'get', action: 'table.find', with: {} }, { id: 'each', action: 'foreach', with: { items: '{{ steps.get.rows }}' }, steps: [{ id: 'x', action: 'transform', with: {} }] }] };
    const schemas = { get: { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', properties: { email: { type: 'string' } } } } } } };
    expect(exprs(pillsAt(over, ['steps', 1, 'steps', 0], { catalog, schemas }))).toContain('item.email');
  });

  it("offers a 4me trigger's payload fields from its payload_schema", () => {
    const def = {
      name: 'r', trigger: { type: '4me.webhook', connection: 'fourme', payload_schema: { properties: { request_id: { type: 'integer' }, team: { type: 'object', properties: { name: { type: 'string' } } } } } },
      steps: [{ id: 'a', action: 'transform', with: {} }],
    };
    const g = pillsAt(def, ['steps', 0], { catalog });
    expect(find(g, 'trigger.payload.request_id')?.type).toBe('integer');
    expect(find(g, 'trigger.payload.team.name')?.type).toBe('string');
    expect(exprs(g)).toEqual(expect.arrayContaining(['trigger.event', 'trigger.object_nodeID', 'trigger.webhook_id']));
    expect(exprs(g)).not.toContain('trigger.body');
  });

  it('offers error inside on_error, step-level and job-level, and nowhere else', () => {
    const def = {
      name: 'r', trigger: { type: 'webhook' },
      steps: [{ id: 'a', action: 'transform', with: { v: 1 } }, { id: 'call', action: 'http.request', with: { url: 'https://x.example' }, on_error: [{ id: 'note', action: 'transform', with: {} }] }],
      on_error: [{ action: 'transform', with: {} }],
    };
    const handler = pillsAt(def, ['steps', 1, 'on_error', 0], { catalog });
    expect(handler.find((x) => x.group === 'Error')!.pills.map((p) => p.expr)).toEqual(['error.message', 'error.code', 'error.step']);
    expect(exprs(handler)).toContain('steps.a.v');
    expect(exprs(handler).some((e) => e.startsWith('steps.call'))).toBe(false);
    const job = exprs(pillsAt(def, ['on_error', 0], { catalog }));
    expect(job).toEqual(expect.arrayContaining(['error.code', 'steps.a.v', 'steps.call.status']));
    expect(exprs(pillsAt(def, ['steps', 1], { catalog }))).not.toContain('error.message');
  });

  it('cuts long sample values and filters by label or expression', () => {
    expect(sampleText('x'.repeat(100))).toHaveLength(40);
    expect(sampleText('x'.repeat(100)).endsWith('…')).toBe(true);
    expect(sampleText({ a: 1 })).toBe('{"a":1}');
    const g = pillsAt({ trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform' }] }, ['steps', 0], { sample, catalog });
    const f = filterPills(g, 'CUSTOMER');
    expect(exprs(f)).toEqual(['trigger.body.customer', 'trigger.body.customer.name']);
    expect(filterPills(g, 'nothing-like-this')).toEqual([]);
  });
});
