/**
 * @module engine/worker
 * Claims jobs in batches, runs them concurrently, keeps their leases alive and settles them.
 * Any process also reaps: a lease that nobody renewed (the holder died) returns its job to the
 * queue, where it resumes at its first unfinished step.
 */
import type { Logger } from 'pino';
import type { JobRow } from '../queue/types.js';
import { runJob } from './run-job.js';
import type { EngineDeps } from './types.js';

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

export class Worker {
  readonly #deps: EngineDeps;
  readonly #opts: WorkerOptions;
  readonly #running = new Map<string, { promise: Promise<void>; lease: string }>();
  #stopping = false;
  #wake: (() => void) | null = null;
  #timers: NodeJS.Timeout[] = [];
  #loop: Promise<void> | null = null;

  constructor(deps: EngineDeps, opts: WorkerOptions) {
    this.#deps = deps;
    this.#opts = opts;
  }

  get active(): number {
    return this.#running.size;
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
    const all = Promise.allSettled([...this.#running.values()].map((r) => r.promise));
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const t of this.#timers) clearInterval(t);
  }

  async #run(): Promise<void> {
    const { concurrency, pollMs } = this.#opts;
    while (!this.#stopping) {
      const free = concurrency - this.#running.size;
      let got = 0;
      if (free > 0) {
        try {
          got = await this.#claim(free);
        } catch (e) {
          this.#opts.log?.error({ err: e }, 'claim failed');
        }
      }
      // Yield to the event loop: with synchronous SQLite, claim → run → settle never waits on
      // I/O, and without this the server stopped answering until the backlog was empty.
      await new Promise<void>((r) => setImmediate(r));
      if (got === 0 || this.#running.size >= concurrency) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, pollMs);
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
      this.notify();
    });
    this.#running.set(job.id, { promise: p, lease: job.locked_by ?? '' });
  }

  async #execute(job: JobRow): Promise<void> {
    const { queue, events, now } = this.#deps;
    try {
      const settle = await runJob(job, this.#deps);
      if (!settle) return;
      const ok = await queue.settle(settle);
      if (ok && (settle.status === 'succeeded' || settle.status === 'failed')) {
        events.emit('settled', { id: job.id, recipe: job.recipe, status: settle.status, durationMs: now() - (job.started_at ?? now()) });
      }
    } catch (e) {
      // Not settled: the lease runs out and the job is resumed elsewhere. Say so loudly.
      this.#opts.log?.error({ err: e, job: job.id }, 'job run crashed; it resumes when its lease expires');
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
