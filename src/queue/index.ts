/**
 * @module queue
 * The job queue over the jobs table: batched enqueue in one transaction per batch, claims with
 * a lease, heartbeats, and the reaper that hands expired leases back.
 */
import { jobId } from './ids.js';
import type { Store } from '../store/types.js';
import { Batcher } from './batcher.js';
import type { InsertResult, JobRow, NewJob, Settle } from './types.js';

export * from './types.js';
export { Batcher } from './batcher.js';

/**
 * Trigger data already serialised (e.g. a JSON body spliced in as received): stored as is.
 * `value`, when given, is the same data live and must read exactly as `JSON.parse(text)` would
 * (plain JSON values, getters allowed): a job this process runs as it commits starts from it
 * instead of parsing the text back (2% of the with-workers profile was that parse).
 */
export class RawJson {
  constructor(readonly text: string, readonly value?: unknown) {}
}

export interface EnqueueInput {
  recipe: string;
  recipe_version: number;
  trigger: unknown;
  dedup_key?: string | null;
  /** Inbound keys of the delivery (NewJob.dedup_keys); the first becomes `dedup_key`. */
  dedup_keys?: string[];
  repeat_of?: string | null;
  concurrency_key?: string | null;
  run_at?: number;
  timeout_seconds?: number;
  /** See recipes/title.ts. */
  title?: string | null;
}

/**
 * The workers of this process, as the enqueue path sees them: a batch of new jobs is offered to
 * idle run slots before it commits, and the jobs taken are inserted already claimed (the row
 * still commits before anything runs or is acknowledged; the run holds a lease like any claim, so
 * crash and fencing rules are unchanged). Saves each job a claim (a commit on SQLite, a round
 * trip on PostgreSQL) and reading its trigger back.
 */
export interface LocalRunner {
  readonly workerId: string;
  readonly leaseMs: number;
  /** Reserves up to `n` run slots for jobs about to commit; answers how many it reserved. */
  reserve(n: number): number;
  /**
   * The reserved jobs that committed: `rows` to run now, `finished` ran before the insert and
   * committed finished (their settle); `unused` reservations are given back. The slots of jobs
   * that ran before the insert are given back as soon as they ran (`adopt([], ran)`). `unused` is
   * negative when `rows` holds jobs without a slot of their own (a run the PostgreSQL insert could
   * not write finished, inserted claimed instead): the reservations left still go down by exactly
   * what is left of them.
   */
  adopt(rows: JobRow[], unused: number, finished?: Array<{ job: JobRow; settle: Settle }>): void;
  /**
   * Runs a reserved job before its insert, when its recipe version is local computation only
   * (engine/inline.ts), and answers its final settle; null when it cannot or did not end (a
   * retry, a wait), and the job is then inserted claimed and runs after the commit as before.
   */
  runInline?(job: JobRow): Promise<Settle | null>;
}

/** Trigger text (UTF-16 units) up to which a job may run before its insert (LocalRunner.runInline). */
const INLINE_MAX_TRIGGER = 64 * 1024;

export class JobQueue {
  readonly #store: Store;
  readonly #inserts: Batcher<NewJob, InsertResult>;
  readonly #settles: Batcher<Settle, boolean>;

  constructor(store: Store) {
    this.#store = store;
    const parallel = store.dialect === 'postgres' ? 4 : 1;
    this.#inserts = new Batcher((items) => this.#insert(items), { parallel });
    this.#settles = new Batcher((items) => store.queue.settle(items), { parallel });
  }

  /** Set by the runtime when this process runs workers. */
  local: LocalRunner | null = null;

  async #insert(items: NewJob[]): Promise<InsertResult[]> {
    const local = this.local;
    const now = Date.now();
    const due = local ? items.filter((j) => j.concurrency_key === null && j.run_at <= now) : [];
    const n = due.length ? local!.reserve(due.length) : 0;
    // Run slots go to hand-offs only while nothing is queued (Worker.reserve: older jobs first).
    // A job of transforms may run before its insert all the same: it holds no slot beyond its run
    // and is finished before its insert commits, so no queued job waits for it. Under load on
    // PostgreSQL the worker was in claim mode most of the time (each full claim kept the backlog
    // flag up), and every job paid a claim and a settle instead.
    const offered = local?.runInline ? due : due.slice(0, n);
    if (offered.length === 0) return this.#store.queue.insertJobs(items);
    const lease = `${local!.workerId}:1`;
    const until = now + local!.leaseMs;
    for (const j of offered) j.claim = { lease, until };
    // A job of transforms runs now and is inserted finished: one row write and one commit for the
    // whole job, and nothing acknowledged before that commit (the ack waits for the run too).
    // Its number is given by the insert, so the run sees 0 (engine/inline.ts excludes recipes
    // that read it).
    let ran = 0;
    if (local!.runInline) {
      await Promise.all(offered.map(async (j, i) => {
        // A big body's job runs after the commit, as before: its answer does not wait for it.
        if (j.trigger.length <= INLINE_MAX_TRIGGER) {
          const settle = await local!.runInline!(claimedRow(j, 0));
          if (settle) { j.finished = settle; if (i < n) ran++; return; }
        }
        // Not run: a reserved job is handed over after the commit, any other is queued.
        if (i >= n) j.claim = undefined;
      }));
      // A job that already ran needs no run slot while its insert commits (on PostgreSQL a round
      // trip): held until then, slots ran out under load and new jobs went the queued way, to be
      // claimed and settled (two more row versions each).
      if (ran > 0) local!.adopt([], ran);
    }
    let out: InsertResult[];
    try {
      out = await this.#store.queue.insertJobs(items);
    } catch (e) {
      local!.adopt([], n - ran);
      throw e;
    }
    const rows: JobRow[] = [];
    const finished: Array<{ job: JobRow; settle: Settle }> = [];
    items.forEach((j, i) => {
      const r = out[i]!;
      if (!j.claim || r.duplicate) return;
      r.local = true;
      if (j.finished) finished.push({ job: claimedRow(j, r.number), settle: j.finished });
      else rows.push(claimedRow(j, r.number));
    });
    local!.adopt(rows, n - ran - rows.length, finished);
    return out;
  }

  /** Resolves only after the job row has committed: the caller may acknowledge then. */
  enqueue(input: EnqueueInput, now = Date.now()): Promise<InsertResult> {
    return this.#inserts.add(toNewJob(input, now));
  }

  settle(s: Settle): Promise<boolean> {
    return this.#settles.add(s);
  }

  get backlog(): number {
    return this.#inserts.pending;
  }

  get sql() {
    return this.#store.queue;
  }
}

export function toNewJob(input: EnqueueInput, now: number): NewJob {
  return {
    id: jobId(),
    recipe: input.recipe,
    recipe_version: input.recipe_version,
    trigger: input.trigger instanceof RawJson ? input.trigger.text : JSON.stringify(input.trigger ?? null),
    dedup_key: input.dedup_key ?? input.dedup_keys?.[0] ?? null,
    repeat_of: input.repeat_of ?? null,
    concurrency_key: input.concurrency_key ?? null,
    run_at: input.run_at ?? now,
    timeout_at: input.timeout_seconds ? now + input.timeout_seconds * 1000 : null,
    created_at: now,
    title: input.title ?? null,
    // Every job the same shape (the queue sets claim and finished later): the enqueue path's
    // property reads stay monomorphic.
    claim: undefined,
    finished: undefined,
    triggerValue: input.trigger instanceof RawJson ? input.trigger.value : undefined,
    dedup_keys: input.dedup_keys?.length ? input.dedup_keys : undefined,
  };
}

/** The row a job inserted claimed holds (as a claim would answer it). */
function claimedRow(j: NewJob, number: number): JobRow {
  return {
    number, id: j.id, recipe: j.recipe, recipe_version: j.recipe_version, status: 'running', trigger: j.trigger, dedup_key: j.dedup_key,
    repeat_of: j.repeat_of, error: null, concurrency_key: j.concurrency_key, run_at: j.run_at, locked_by: j.claim!.lease,
    locked_until: j.claim!.until, claims: 1, crashes: 0, parent_job_id: null, parent_step_id: null, call_depth: 0, result: null,
    timeout_at: j.timeout_at, created_at: j.created_at, started_at: j.created_at, finished_at: null, title: j.title, event_deferred: null, steps: null,
    trigger_value: j.triggerValue,
  };
}
