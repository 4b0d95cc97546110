/**
 * @module queue/inline-steps
 * The steps of a job that ran before its insert (LocalRunner.runInline), kept in its own row
 * (`jobs.steps`, migration 0024) instead of a `job_steps` row each, when their data is small:
 * on SQLite each step row was a b-tree insert of its own in the accepting path (with workers,
 * about 7% of the CPU an event costs). Readers of a job's steps (services/jobs.ts, the webhook
 * answer in server/hooks/wait.ts) take `job_steps` rows where there are any and these otherwise;
 * such a job is finished, so nothing runs or resumes it again.
 */
import type { StepRow, StepStatus } from './types.js';
import { stepKey } from './ids.js';

/** Step text (inputs, outputs, errors: UTF-16 units) up to which a finished job keeps its steps in its row. */
export const INLINE_STEPS_MAX = 16 * 1024;

// An output the same as its step's input (a transform's) is kept as SAME_AS_INPUT, and an
// idempotency key the engine's default (`stepKey`, queue/ids.ts) as DEFAULT_KEY:
// numbers, where the text they stand for is a string, so the row holds each once. Rows written
// before either was used hold the text, and read back the same.
const SAME_AS_INPUT = 1;
const DEFAULT_KEY = 0;
type Packed = [string, number, string, number, string | null, string | null | typeof SAME_AS_INPUT, string | null, string | typeof DEFAULT_KEY, number | null, number | null];

/** The steps as the row's text, or null when they are too big (or none): they then get rows of their own. */
export function packSteps(steps: StepRow[]): string | null {
  if (steps.length === 0) return null;
  let size = 0;
  for (const s of steps) size += (s.input?.length ?? 0) + (s.output?.length ?? 0) + (s.error?.length ?? 0);
  if (size > INLINE_STEPS_MAX) return null;
  return JSON.stringify(steps.map((s): Packed => [s.step_id, s.seq, s.status, s.attempts, s.input,
    s.output !== null && s.output === s.input ? SAME_AS_INPUT : s.output, s.error,
    s.idempotency_key === stepKey(s.job_id, s.step_id) ? DEFAULT_KEY : s.idempotency_key, s.started_at, s.finished_at]));
}

/** The rows `packSteps` packed, in step order, as `job_steps` would answer them. */
export function unpackSteps(jobId: string, text: string): StepRow[] {
  return (JSON.parse(text) as Packed[])
    .map(([step_id, seq, status, attempts, input, output, error, key, started_at, finished_at]) => ({
      job_id: jobId, step_id, seq, status: status as StepStatus, attempts, input, output: output === SAME_AS_INPUT ? input : output, error,
      idempotency_key: key === DEFAULT_KEY ? stepKey(jobId, step_id) : key, started_at, finished_at,
    }))
    .sort((a, b) => a.seq - b.seq);
}
