/**
 * @module engine/worker
 * Claims jobs in batches, runs them concurrently, keeps their leases alive and settles them.
 * Any process also reaps: a lease that nobody renewed (the holder died) returns its job to the
 * queue, where it resumes at its first unfinished step.
 */
import type { Logger } from 'pino';
import type { JobRow } from '../queue/types.js';
import type { LocalRunner } from '../queue/index.js';
import { runJob } from './run-job.js';
import { runsInline } from './inline.js';
import type { EngineDeps } from './types.js';
import { Backoff } from '../store/backoff.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import type { Settle } from '../queue/types.js';
import { wakeIfEnded } from './call.js';

/** How long a finished job's settle is retried while the store is unreachable. */
const SETTLE_RETRY_MS = 5 * 60_000;

export interface WorkerOptions {
  /** Jobs run at once by this process. */
  concurrency: number;
  /** Lease length; heartbeats renew it every third of it. */
  leaseMs: number;
  /** How often to look for due jobs when nothing woke us. */
  pollMs: number;
  reapEveryMs: number;
  log?: Logger;
}

export class Worker implements LocalRunner {
  readonly #deps: EngineDeps;
  readonly #opts: WorkerOptions;
  /** Every job this process holds a lease on, running or settling: the heartbeat renews these. */
  readonly #running = new Map<string, { promise: Promise<void>; lease: string }>();
  /** Jobs whose steps are running. A job waiting for its settle to commit no longer takes a slot. */
  #busy = 0;
  /** Slots promised to jobs being enqueued by this process (JobQueue.local), not yet committed. */
  #reserved = 0;
  /**
   * The last claim got all it asked for: more jobs are probably waiting. True until the first
   * claim: jobs queued before this process started go first.
   */
  #backlog = true;
  /** Someone enqueued or requeued a job since the last claim (notify). */
  #asked = false;
  /**
   * The slots a claim in flight asked for, counted as taken until it answers. Hand-offs go on
   * meanwhile in the slots left: refusing them for the claim's round trip (PostgreSQL, under load)
   * sent the jobs of that window the queued way, whose claim opened the next window, and so on.
   */
  #claiming = 0;
  #stopping = false;
  #wake: (() => void) | null = null;
  #timers: NodeJS.Timeout[] = [];
  #loop: Promise<void> | null = null;
  readonly #claimBackoff = new Backoff();

  constructor(deps: EngineDeps, opts: WorkerOptions) {
    this.#deps = deps;
    this.#opts = opts;
  }

  get active(): number {
    return this.#running.size;
  }

  /**
   * Free run slots. Settles commit in batches while the next jobs already run (on PostgreSQL a
   * commit is a round trip and an fsync), but held leases stay bounded by twice the concurrency.
   */
  #free(): number {
    const { concurrency } = this.#opts;
    return Math.min(concurrency - this.#busy, 2 * concurrency - this.#running.size) - this.#reserved - this.#claiming;
  }

  get workerId(): string {
    return this.#deps.workerId;
  }

  get leaseMs(): number {
    return this.#opts.leaseMs;
  }

  /**
   * Takes jobs as they are enqueued, only while nothing is waiting in the queue (the last claim
   * found less than it asked for and nobody asked since): older jobs are claimed first.
   */
  reserve(n: number): number {
    if (this.#stopping || this.#backlog || this.#asked) return 0;
    const k = Math.max(0, Math.min(n, this.#free()));
    this.#reserved += k;
    return k;
  }

  adopt(rows: JobRow[], unused: number, finished: Array<{ job: JobRow; settle: Settle }> = []): void {
    this.#reserved -= rows.length + unused;
    for (const job of rows) this.#spawn(job);
    for (const { job, settle } of finished) {
      this.#deps.events.emit('settled', { id: job.id, recipe: job.recipe, status: settle.status, durationMs: settle.at - (job.started_at ?? settle.at) });
    }
    if (unused > 0) this.#freed();
  }

  /** See LocalRunner.runInline and engine/inline.ts. */
  async runInline(job: JobRow): Promise<Settle | null> {
    if (this.#stopping) return null;
    try {
      const compiled = await this.#deps.recipes.compiled(job.recipe, job.recipe_version);
      // Under another name, the job was made under a name just renamed: moved once it is stored.
      if (compiled.recipe.name !== job.recipe || !runsInline(compiled, this.#deps.catalog)) return null;
      const settle = await runJob(job, this.#deps, compiled);
      return settle && (settle.status === 'succeeded' || settle.status === 'failed') ? settle : null;
    } catch (e) {
      // Run again after the commit, where a crash is handled (and logged) as for any run.
      this.#opts.log?.debug({ err: e, job: job.id }, 'run before the insert stopped; the job runs after it');
      return null;
    }
  }

  /**
   * A run slot came free. Claim at once only when the queue may hold jobs; otherwise new jobs come
   * by hand-off or notify, and the poll covers the rest (retries due later, other processes).
   */
  #freed(): void {
    if (this.#backlog || this.#asked) this.#wake?.();
  }

  start(): void {
    const { leaseMs, reapEveryMs } = this.#opts;
    this.#timers.push(setInterval(() => void this.#heartbeat(), Math.max(50, leaseMs / 3)));
    this.#timers.push(setInterval(() => void this.#reap(), reapEveryMs));
    for (const t of this.#timers) t.unref();
    this.#loop = this.#run();
  }

  /** Called when this process enqueued a job, so it need not wait for the next poll. */
  notify(): void {
    this.#asked = true;
    this.#wake?.();
  }

  /**
   * Stops claiming and waits for running jobs up to `graceMs`. Jobs still running then keep
   * their lease until it expires and another worker resumes them; their finished steps stay.
   */
  async drain(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.notify();
    await this.#loop;
    // Jobs handed off by an enqueue still committing become running jobs to wait for too.
    const until = Date.now() + graceMs;
    while (this.#reserved > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    const all = Promise.allSettled([...this.#running.values()].map((r) => r.promise));
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const t of this.#timers) clearInterval(t);
  }

  async #run(): Promise<void> {
    const { concurrency, pollMs } = this.#opts;
    // With a backlog, claims wait for a few free slots (at most a millisecond or two) so one claim
    // takes many jobs: on SQLite each claim is a commit, on PostgreSQL a round trip.
    const minBatch = Math.max(1, Math.floor(concurrency / 8));
    while (!this.#stopping) {
      let free = this.#free();
      if (free > 0 && free < minBatch && this.#backlog) {
        await new Promise<void>((r) => setTimeout(r, 1));
        free = this.#free();
      }
      let got = 0;
      let wait = pollMs;
      if (free > 0) {
        this.#asked = false;
        this.#claiming = free;
        try {
          got = await this.#claim(free);
          this.#backlog = got >= free;
          if (this.#claimBackoff.failing) this.#opts.log?.warn('claims work again');
          this.#claimBackoff.reset();
        } catch (e) {
          // The store is away (or the claim broke): stop claiming and try again later, not in a tight loop.
          wait = this.#claimBackoff.next();
          this.#backlog = false;
          this.#opts.log?.error({ err: e, retry_in_ms: wait }, 'claim failed; backing off');
        } finally {
          this.#claiming = 0;
        }
      }
      // Yield to the event loop: with synchronous SQLite, claim → run → settle never waits on
      // I/O, and without this the server stopped answering until the backlog was empty.
      await new Promise<void>((r) => setImmediate(r));
      if (got === 0 || this.#free() <= 0) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, wait);
          this.#wake = () => { clearTimeout(t); r(); };
        });
        this.#wake = null;
      }
    }
  }

  async #claim(free: number): Promise<number> {
    const { queue, workerId, now } = this.#deps;
    const t = now();
    const jobs = await queue.sql.claim(workerId, free, t, this.#opts.leaseMs);
    if (jobs.length < free) jobs.push(...(await queue.sql.claimLimited(workerId, free - jobs.length, t, this.#opts.leaseMs)));
    for (const job of jobs) this.#spawn(job);
    return jobs.length;
  }

  #spawn(job: JobRow): void {
    const p = this.#execute(job).finally(() => {
      // A stale run of a job we claimed again must not remove the new run's entry.
      if (this.#running.get(job.id)?.promise === p) this.#running.delete(job.id);
      this.#freed();
    });
    this.#running.set(job.id, { promise: p, lease: job.locked_by ?? '' });
  }

  async #execute(job: JobRow): Promise<void> {
    const { events, now } = this.#deps;
    this.#busy++;
    let running = true;
    const done = (): void => {
      if (!running) return;
      running = false;
      this.#busy--;
      this.#freed();
    };
    try {
      const settle = await runJob(job, this.#deps);
      done();
      if (!settle) return;
      const ok = await this.#settle(settle);
      if (ok && (settle.status === 'succeeded' || settle.status === 'failed')) {
        events.emit('settled', { id: job.id, recipe: job.recipe, status: settle.status, durationMs: now() - (job.started_at ?? now()) });
      }
      // A parent requeued by this settle (recipe.call) is claimed now, not at the next poll.
      if (ok && settle.wake) this.notify();
      if (ok && settle.waitingOn?.length && (await wakeIfEnded(this.#deps.store, job.id, settle.waitingOn, now()))) this.notify();
    } catch (e) {
      // Not settled: the lease runs out and the job is resumed elsewhere. Say so loudly.
      this.#opts.log?.error({ err: e, job: job.id }, 'job run crashed; it resumes when its lease expires');
    } finally {
      done();
    }
  }

  /**
   * A job that finished while the store was away keeps its entry (and so its heartbeat) and
   * settles once the store answers again, instead of waiting for its lease to expire and running
   * its last step again elsewhere. The settle is fenced by the lease: if another worker reaped
   * the job meanwhile, it answers false and changes nothing.
   */
  async #settle(settle: Settle): Promise<boolean> {
    const backoff = new Backoff();
    const until = this.#deps.now() + SETTLE_RETRY_MS;
    for (;;) {
      try {
        return await this.#deps.queue.settle(settle);
      } catch (e) {
        if (!isStoreUnavailable(e) || this.#deps.now() > until) throw e;
        const ms = backoff.next();
        this.#opts.log?.warn({ err: e, job: settle.jobId, retry_in_ms: ms }, 'settle failed: store unavailable; retrying');
        await new Promise((r) => setTimeout(r, ms));
      }
    }
  }

  async #heartbeat(): Promise<void> {
    if (this.#running.size === 0) return;
    const { queue, now } = this.#deps;
    const leases = [...this.#running].map(([id, r]) => ({ id, lease: r.lease }));
    await queue.sql.heartbeat(leases, now() + this.#opts.leaseMs).catch((e) => this.#opts.log?.error({ err: e }, 'heartbeat failed'));
  }

  async #reap(): Promise<void> {
    const n = await this.#deps.queue.sql.reap(this.#deps.now()).catch(() => 0);
    if (n > 0) {
      this.#opts.log?.warn({ jobs: n }, 'returned jobs with expired leases to the queue');
      this.notify();
    }
  }
}
