/**
 * @module queue/types
 * The jobs table is the queue. These are the rows and the hot statements each dialect implements.
 */

export type JobStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'canceled';
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

export interface JobRow {
  number: number;
  id: string;
  recipe: string;
  recipe_version: number;
  status: JobStatus;
  trigger: string;
  dedup_key: string | null;
  repeat_of: string | null;
  error: string | null;
  concurrency_key: string | null;
  run_at: number;
  /**
   * The lease: `<worker id>:<claim number>`. Every write a run makes is fenced on it, so a stale
   * run (its lease expired and the job was claimed again, even by the same worker) can write
   * nothing.
   */
  locked_by: string | null;
  locked_until: number | null;
  claims: number;
  timeout_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface NewJob {
  id: string;
  recipe: string;
  recipe_version: number;
  trigger: string;
  dedup_key: string | null;
  repeat_of: string | null;
  concurrency_key: string | null;
  run_at: number;
  timeout_at: number | null;
  created_at: number;
}

export interface InsertResult {
  id: string;
  number: number;
  /** True when a job with the same recipe and dedup key existed; `id` is that job's. */
  duplicate: boolean;
}

export interface StepRow {
  job_id: string;
  step_id: string;
  seq: number;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  input: string | null;
  output: string | null;
  error: string | null;
  idempotency_key: string;
  started_at: number | null;
  finished_at: number | null;
}

/** How a worker leaves a job: finished, or handed back to the queue to run again later. */
export interface Settle {
  jobId: string;
  /** The lease (`JobRow.locked_by`) the run holds. */
  workerId: string;
  status: 'succeeded' | 'failed' | 'queued' | 'waiting';
  error: string | null;
  /** For queued/waiting: when it may run again. */
  runAt?: number;
  at: number;
  steps: StepRow[];
  /** Outbox events committed with this settle (only if the worker still held the job). */
  events?: OutboxEvent[];
}

export interface OutboxEvent {
  type: string;
  recipe: string | null;
  /** JSON text. */
  payload: string;
  created_at: number;
}

export interface QueueSql {
  insertJobs(jobs: NewJob[]): Promise<InsertResult[]>;
  /** Claims runnable jobs of recipes without a concurrency limit. */
  claim(workerId: string, limit: number, now: number, leaseMs: number): Promise<JobRow[]>;
  /** Claims runnable jobs of limited recipes, never above each recipe's limit across all workers. */
  claimLimited(workerId: string, limit: number, now: number, leaseMs: number): Promise<JobRow[]>;
  /** Renews the leases (`locked_by` values) still held. */
  heartbeat(leases: Array<{ id: string; lease: string }>, until: number): Promise<void>;
  /** Returns jobs whose lease expired to the queue; their finished steps stay. */
  reap(now: number): Promise<number>;
  /** Writes step rows if the worker still holds the job; false when it lost it. */
  saveSteps(jobId: string, lease: string, steps: StepRow[]): Promise<boolean>;
  /** Settles many jobs in one transaction; per item, false when the worker had lost the job. */
  settle(items: Settle[]): Promise<boolean[]>;
}
