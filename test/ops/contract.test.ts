/**
 * The answers' field lists against WorkflowGen's incoming-webhooks document as given
 * (../shared/seeds/001_…): the Properties table of each operation, and for createRequest the
 * Parameters table of its response. Then one live call of each operation answers exactly those keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RESPONSE_FIELDS } from '../../src/ops/index.js';
import { b64, createPurchase, opsEnv, PURCHASE, type OpsEnv } from './helpers.js';

const SEED_NAME = 'shared/seeds/001_b7c2deedbfb064b6.txt';
// Beside the checkout (../shared) or at the workplace's own path.
const SEED = [path.resolve(__dirname, '../../..', SEED_NAME), path.join('/work', SEED_NAME)].find((p) => fs.existsSync(p)) ?? '';
if (!SEED) console.warn(`[hookflow tests] ${SEED_NAME} not found: the WorkflowGen field-list check is skipped`);
const TYPES = new Set(['String', 'Int', 'Boolean', 'Base64-encoded string', 'DateTime', 'Float', 'Object', 'URI', 'Upload']);
const SECTIONS: Record<string, string | null> = {
  'Create a request': 'createRequest', 'Update a request dataset': 'updateRequestDataset', 'Cancel a request': 'cancelRequest',
  'Complete an action': 'completeAction', 'Cancel an action': 'cancelAction', 'Assign an action': 'assignAction',
  'Cancel an action assignment': 'cancelActionAssignment', 'Parameter definitions': null,
};

/** Property names per operation: a camelCase line followed by its type line; `exception: {` opens a nested object. */
function seedProperties(lines: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let section: string | null = null;
  let nested = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l in SECTIONS) { section = SECTIONS[l]!; continue; }
    if (!section) continue;
    const next = (lines[i + 1] ?? '').trim();
    const obj = /^([a-z][A-Za-z]*): \{$/.exec(l);
    if (obj) { (out[section] ??= []).push(obj[1]!); nested = true; continue; }
    if (nested) { if (TYPES.has(l)) nested = false; continue; }
    if (/^[a-z][A-Za-z]*$/.test(l) && (TYPES.has(next) || next.startsWith('Cancellation type'))) (out[section] ??= []).push(l);
  }
  return out;
}

/** createRequest's answer: the Parameters table after "The response payload will be structured as follows". */
function createRequestAnswer(lines: string[]): string[] {
  const start = lines.findIndex((l) => l.startsWith('The response payload will be structured'));
  const out: string[] = [];
  for (let i = start; i < lines.length && !lines[i]!.startsWith('System access users'); i++) {
    if (/^[a-z][A-Za-z]*$/.test(lines[i]!.trim()) && /^[A-Z]/.test((lines[i + 1] ?? '').trim())) out.push(lines[i]!.trim());
  }
  return out;
}

describe.skipIf(!SEED)('operations answer the fields of the WorkflowGen document', () => {
  const lines = SEED ? fs.readFileSync(SEED, 'utf8').split('\n') : [];
  const props = seedProperties(lines);

  it('createRequest answers its response Parameters table, in order', () => {
    expect(RESPONSE_FIELDS.createRequest).toEqual(createRequestAnswer(lines));
  });

  it('every other operation answers its Properties table, plus onBehalfOfUserName where delegation is allowed', () => {
    for (const op of ['updateRequestDataset', 'cancelRequest', 'completeAction', 'cancelAction', 'assignAction', 'cancelActionAssignment'] as const) {
      const delegation = !['updateRequestDataset', 'cancelActionAssignment'].includes(op);
      const expected = [...props[op]!, ...(delegation ? ['onBehalfOfUserName'] : [])];
      expect([...RESPONSE_FIELDS[op]].sort(), op).toEqual(expected.sort());
    }
    expect(props.cancelAction).toContain('exception');
  });

  describe('live answers', () => {
    let e: OpsEnv;
    beforeAll(async () => {
      e = await opsEnv('sqlite');
      await e.t.rt.recipes.apply(PURCHASE);
    });
    afterAll(async () => { await e?.close(); });

    it('each operation answers exactly its fields, null where they do not apply', async () => {
      const keys = async (as: string, op: keyof typeof RESPONSE_FIELDS, input: Record<string, unknown>) => {
        const r = await e.op(as, op, input);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(Object.keys(r.body), op).toEqual([...RESPONSE_FIELDS[op]]);
        return r.body;
      };
      const created = await keys('alice', 'createRequest', { processName: 'PURCHASE', parameters: [{ name: 'AMOUNT', numericValue: 1 }] });
      expect(created.clientMutationId).toBeNull();
      const a = await createPurchase(e);
      await keys('sys', 'updateRequestDataset', { number: a.number, parameters: [] });
      await keys('sam', 'assignAction', { id: a.action, assigneeUserName: 'alice' });
      await keys('sam', 'cancelActionAssignment', { id: a.action });
      await keys('pm', 'assignAction', { id: a.action, assigneeUserName: 'alice' });
      await keys('alice', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', textValue: 'y' }] });
      const b = await createPurchase(e);
      await keys('pm', 'cancelAction', { id: b64(`Action:${b.number}---1`) });
      const c = await createPurchase(e);
      await keys('alice', 'cancelRequest', { number: c.number });
    });
  });
});
