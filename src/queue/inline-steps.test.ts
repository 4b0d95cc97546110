import { describe, expect, it } from 'vitest';
import { INLINE_STEPS_MAX, packSteps, unpackSteps } from './inline-steps.js';
import type { StepRow } from './types.js';

const step = (id: string, seq: number, output: string | null, extra: Partial<StepRow> = {}): StepRow => ({
  job_id: 'j1', step_id: id, seq, status: 'succeeded', attempts: 1, input: '{"q":"a\\"b"}', output, error: null,
  idempotency_key: `j1:${id}:1`, started_at: 10 + seq, finished_at: 11 + seq, ...extra,
});

describe('steps kept in a job row', () => {
  it('round-trip every field, in step order, whatever the text holds', () => {
    const rows = [step('b', 1, '"\\u2028 \\ud800 €"', { status: 'failed', error: '{"message":"x"}', attempts: 2, finished_at: null }), step('a', 0, null)];
    expect(unpackSteps('j1', packSteps(rows)!)).toEqual([rows[1], rows[0]]);
  });

  it('holds an output equal to its input, and a default idempotency key, once; other keys and outputs as they are', () => {
    const same = step('a', 0, '{"q":"a\\"b"}');
    const other = step('b', 1, '{"q":"c"}', { input: '{"q":"d"}', idempotency_key: 'j1:b:2', attempts: 2 });
    const nulls = step('c', 2, null, { input: null });
    const text = packSteps([same, other, nulls])!;
    expect(text.split('j1:').length - 1).toBe(1); // only b's own key is spelled out
    expect(text.split('{\\"q\\":\\"a').length - 1).toBe(1); // a's input, not again as its output
    expect(unpackSteps('j1', text)).toEqual([same, other, nulls]);
    // A row packed before these stand-ins reads back the same.
    const old = JSON.stringify([['a', 0, 'succeeded', 1, same.input, same.output, null, 'j1:a:1', 10, 11]]);
    expect(unpackSteps('j1', old)).toEqual([same]);
  });

  it('keeps none and too much data out: those steps get rows of their own', () => {
    expect(packSteps([])).toBeNull();
    const half = 'x'.repeat(INLINE_STEPS_MAX / 2 - 10);
    expect(packSteps([step('a', 0, JSON.stringify(half))])).not.toBeNull();
    expect(packSteps([step('a', 0, JSON.stringify(half)), step('b', 1, JSON.stringify(half))])).toBeNull();
  });
});
