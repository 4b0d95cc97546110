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

  it('keeps none and too much data out: those steps get rows of their own', () => {
    expect(packSteps([])).toBeNull();
    const half = 'x'.repeat(INLINE_STEPS_MAX / 2 - 10);
    expect(packSteps([step('a', 0, JSON.stringify(half))])).not.toBeNull();
    expect(packSteps([step('a', 0, JSON.stringify(half)), step('b', 1, JSON.stringify(half))])).toBeNull();
  });
});
