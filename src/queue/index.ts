/**
 * @module queue
 * The job queue over the jobs table: batched enqueue in one transaction per batch, claims with
 * a lease, heartbeats, and the reaper that hands expired leases back.
 */
import { jobId } from './ids.js';
import type { Store } from '../store/types.js';
import { Batcher } from './batcher.js';
import type { InsertResult, NewJob, Settle } from './types.js';

export * from './types.js';
export { Batcher } from './batcher.js';

/** Trigger data already serialised (e.g. a JSON body spliced in as received): stored as is. */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface EnqueueInput {
  recipe: string;
  recipe_version: number;
  trigger: unknown;
  dedup_key?: string | null;
  repeat_of?: string | null;
  concurrency_key?: string | null;
  run_at?: number;
  timeout_seconds?: number;
  /** See recipes/title.ts. */
  title?: string | null;
}

export class JobQueue {
  readonly #store: Store;
  readonly #inserts: Batcher<NewJob, InsertResult>;
  readonly #settles: Batcher<Settle, boolean>;

  constructor(store: Store) {
    this.#store = store;
    const parallel = store.dialect === 'postgres' ? 4 : 1;
    this.#inserts = new Batcher((items) => store.queue.insertJobs(items), { parallel });
    this.#settles = new Batcher((items) => store.queue.settle(items), { parallel });
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
    dedup_key: input.dedup_key ?? null,
    repeat_of: input.repeat_of ?? null,
    concurrency_key: input.concurrency_key ?? null,
    run_at: input.run_at ?? now,
    timeout_at: input.timeout_seconds ? now + input.timeout_seconds * 1000 : null,
    created_at: now,
    title: input.title ?? null,
  };
}
