/**
 * @module queue/job-event
 * A job's outbox event (`job.succeeded`, `job.failed`, `job.waiting`): written with its settle
 * (engine/run-job.ts), or, for a job committed finished while no subscription was enabled, from
 * its row when a replay asks for it (`jobs.event_deferred`, outbound/log.ts). One shape for both.
 */
import { isoTime } from './iso.js';
import type { OutboxEvent } from './types.js';

export interface JobEventSource {
  id: string;
  recipe: string;
  recipe_version: number;
  repeat_of: string | null;
  created_at: number;
}

/** `error` is the job's stored error (JSON text, secrets already scrubbed) or null; `at` when it finished or began to wait. */
export function jobEvent(job: JobEventSource, number: number, status: 'succeeded' | 'failed' | 'waiting', error: string | null, at: number, runAt?: number): OutboxEvent {
  return {
    type: `job.${status}`, recipe: job.recipe, created_at: at,
    payload: JSON.stringify({
      id: job.id, number, recipe: job.recipe, recipe_version: job.recipe_version, status, repeat_of: job.repeat_of,
      error: error ? JSON.parse(error) : null, created_at: isoTime(job.created_at),
      finished_at: status === 'waiting' ? null : isoTime(at), ...(status === 'waiting' ? { resume_at: runAt ? isoTime(runAt) : null } : {}),
    }),
  };
}
