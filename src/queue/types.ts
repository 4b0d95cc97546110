/**
 * @module queue/types
 * The jobs table is the queue. These are the rows and the hot statements each dialect implements.
 */
import type { Selectable } from 'kysely';
import type { JobStepsTable, JobsTable } from '../store/schema.js';

export type JobStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'canceled';
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

/**
 * A row of the jobs table as the queue reads it (schema in store/schema.ts). The lease
 * `locked_by` is `<worker id>:<claim number>`: every write a run makes is fenced on it, so a
 * stale run (its lease expired and the job was claimed again, even by the same worker) can
 * write nothing.
 */
export type JobRow = Omit<Selectable<JobsTable>, 'status'> & {
  status: JobStatus;
  /** Only on a job handed to a worker of this process as it committed: its trigger, not read back from text. */
  trigger_value?: unknown;
};

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
  /** The recipe's title template's text for this job, or null. */
  title: string | null;
  /**
   * Set by the queue when a worker of this process takes the job as it is enqueued: the row is
   * inserted already claimed (running, this lease, claims 1) in the same commit, which is what a
   * claim right after the insert would have written.
   */
  claim?: { lease: string; until: number };
  /**
   * Set by the queue when that worker already ran the job to its end before the insert
   * (LocalRunner.runInline): the row is inserted finished, with its steps, result and outbox
   * events (`eventsFor`, given the number the insert assigns), in the same commit. A duplicate
   * (dedup key seen before) drops the run; an insert that cannot write it so (queue/postgres.ts:
   * an event without the number) deletes `finished` and inserts the job claimed.
   */
  finished?: Settle;
  /** `trigger` as a live value, equal to `JSON.parse(trigger)` (see RawJson): a job run here starts from it. */
  triggerValue?: unknown;
  /**
   * A delivery's inbound keys (triggers/inbound-dedup.ts), `dedup_key` first. In the insert's
   * own transaction: a key already in `inbound_dedup` makes the job a duplicate of that key's
   * job (which may have been pruned since), else the job is inserted and its keys recorded.
   */
  dedup_keys?: string[];
}

export interface InsertResult {
  id: string;
  number: number;
  /**
   * True when a job with the same recipe and dedup key existed, or one of its `dedup_keys` was
   * known; `id` is that job's, and `number` 0 if that job is no longer in the jobs table.
   */
  duplicate: boolean;
  /** The job was inserted claimed and handed to a worker of this process: no wake-up needed. */
  local?: boolean;
}

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped';
export type StepRow = Omit<Selectable<JobStepsTable>, 'status'> & { status: StepStatus };

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
  /** The same events for the job numbered `number`: a job run before its insert gets its number there. */
  eventsFor?(number: number): OutboxEvent[];
  /** A callable recipe's result (JSON text), written with the finish. */
  result?: string | null;
  /**
   * A parent job waiting for this one (recipe.call): requeued in the same transaction as this
   * job's finish, so a crash can never leave the parent waiting for a child that already ended.
   */
  wake?: string | null;
  /** Jobs a waiting job waits for (not written; the worker re-checks them after the settle). */
  waitingOn?: string[];
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
  /** Returns jobs whose lease expired to the queue, counting a crash on each; their finished steps stay. */
  reap(now: number): Promise<number>;
  /**
   * Writes step rows if the worker still holds the job; false when it lost it. `renewUntil`
   * extends the lease in the same statement: a loop's lanes save steps back to back, and a
   * heartbeat (SKIP LOCKED) would skip the row they keep locked until the lease ran out.
   */
  saveSteps(jobId: string, lease: string, steps: StepRow[], renewUntil?: number): Promise<boolean>;
  /** Settles many jobs in one transaction; per item, false when the worker had lost the job. */
  settle(items: Settle[]): Promise<boolean[]>;
}
