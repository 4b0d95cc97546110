/**
 * @module engine/resume
 * Ends a suspended step from outside the job (a person completed an action, a callback came):
 * the step's result and the job's requeue commit in the caller's transaction, so whoever wins a
 * race to complete it is the only one whose result the job sees.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../store/schema.js';

/** True when this call ended the wait; false when the step was not (or no longer) suspended. */
export async function completeSuspendedStep(trx: Transaction<DB>, jobId: string, stepId: string, output: unknown, now = Date.now()): Promise<boolean> {
  const step = await trx.updateTable('job_steps')
    .set({ status: 'succeeded', output: JSON.stringify(output ?? null), finished_at: now, error: null })
    .where('job_id', '=', jobId).where('step_id', '=', stepId).where('status', '=', 'running').executeTakeFirst();
  if (Number(step.numUpdatedRows) === 0) return false;
  const job = await trx.updateTable('jobs').set({ status: 'queued', run_at: now })
    .where('id', '=', jobId).where('status', '=', 'waiting').executeTakeFirst();
  return Number(job.numUpdatedRows) > 0;
}
