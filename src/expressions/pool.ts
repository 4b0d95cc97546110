/**
 * @module expressions/pool
 * A small fixed set of expression threads with a queue. JSONata checks its time limit only between
 * its own steps, so a native call it makes (a regular expression that backtracks for minutes) can
 * only be stopped from outside: a thread still busy past the limit is terminated and replaced.
 * Each thread has a heap limit; running out of it fails that one evaluation.
 *
 * Two lanes: evaluations made while answering a request (a webhook's dedup key) go before queued
 * job steps, so a flood of runaway job expressions delays an answer by one time limit at most.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EvalLimits, EvalReply, EvalRequest, WireError } from './eval-worker.js';
import { workerUrl } from './worker-url.js';

export interface PoolOptions {
  threads: number;
  /** Heap of one thread (old generation), in MB. */
  memoryMb: number;
  /** Longest string and array an expression may build. */
  maxString: number;
  maxArray: number;
}

export const DEFAULT_POOL: Readonly<PoolOptions> = Object.freeze({
  threads: Math.max(1, Math.min(2, os.availableParallelism())),
  memoryMb: 128,
  maxString: 10 * 1024 * 1024,
  maxArray: 1_000_000,
});

/** Extra time past the JSONata limit before the thread is killed: JSONata's own check is nicer when it can fire. */
const GRACE_MS = 200;

export type Outcome = { ok: true; value: unknown } | { ok: false; err: WireError };

interface Task {
  req: Omit<EvalRequest, 'id'>;
  done(o: Outcome): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task?: Task;
  /** The request id of `task`, so a late reply from a replaced task is ignored. */
  id?: number;
  timer?: NodeJS.Timeout;
}

let nextId = 1;

export class EvalPool {
  private readonly slots: Slot[] = [];
  private readonly urgent: Task[] = [];
  private readonly queued: Task[] = [];
  private closed = false;
  /** Threads replaced because they ran out of time or memory; for tests and metrics. */
  replaced = 0;

  constructor(readonly opts: PoolOptions) {}

  run(text: string, ctx: unknown, limits: EvalLimits, urgent: boolean): Promise<Outcome> {
    return new Promise((resolve) => {
      (urgent ? this.urgent : this.queued).push({ req: { text, ctx, limits }, done: resolve });
      this.grow();
      this.dispatch();
    });
  }

  /** Threads start on first use, one per waiting task up to the limit. */
  private grow(): void {
    if (this.closed) return;
    while (this.slots.length < this.opts.threads && this.slots.filter((s) => !s.task).length < this.urgent.length + this.queued.length) {
      this.spawn();
    }
  }

  private spawn(): void {
    const slot: Slot = { worker: undefined as unknown as Worker, ready: false };
    this.slots.push(slot);
    const start = (url: URL): void => {
      if (this.closed || !this.slots.includes(slot)) return;
      const w = new Worker(url, {
        workerData: { maxString: this.opts.maxString, maxArray: this.opts.maxArray },
        resourceLimits: { maxOldGenerationSizeMb: this.opts.memoryMb, maxYoungGenerationSizeMb: Math.max(8, Math.round(this.opts.memoryMb / 8)), stackSizeMb: 4 },
      });
      slot.worker = w;
      w.unref();
      w.on('message', (m: EvalReply | 'ready') => {
        if (m === 'ready') {
          slot.ready = true;
          this.dispatch();
          return;
        }
        const task = slot.task;
        if (!task || m.id !== slot.id) return;
        clearTimeout(slot.timer);
        slot.task = undefined;
        // An idle thread must not keep the process alive; a busy one must, or its answer is lost.
        slot.worker.unref();
        task.done(m.ok ? { ok: true, value: m.value } : { ok: false, err: m.err });
        this.dispatch();
      });
      w.on('error', (e: Error & { code?: string }) => {
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') this.lose(slot, { code: 'HF_LIMIT', limit: `memory (${this.opts.memoryMb} MB)`, message: e.message });
        else this.lose(slot, { message: `the expression thread failed: ${e.message}` });
      });
      w.on('exit', () => this.lose(slot, { message: 'the expression thread exited' }));
    };
    const url = workerUrl();
    if (url instanceof URL) start(url);
    else void url.then(start);
  }

  /** A thread that died or was killed fails its task and is replaced. */
  private lose(slot: Slot, err: WireError): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    this.replaced++;
    const task = slot.task;
    slot.task = undefined;
    void slot.worker?.terminate();
    task?.done({ ok: false, err });
    this.grow();
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.task) continue;
      const task = this.urgent.shift() ?? this.queued.shift();
      if (!task) return;
      const id = nextId++;
      slot.id = id;
      slot.task = task;
      const limit = task.req.limits.timeoutMs;
      slot.timer = setTimeout(() => this.lose(slot, { code: 'HF_LIMIT', limit: `time (${limit} ms)`, message: 'killed' }), limit + GRACE_MS);
      slot.timer.unref();
      slot.worker.ref();
      try {
        slot.worker.postMessage({ id, ...task.req } satisfies EvalRequest);
      } catch (e) {
        // A context that cannot be cloned (a function, a symbol) is a bug of the caller, not a limit.
        clearTimeout(slot.timer);
        slot.task = undefined;
        task.done({ ok: false, err: { message: (e as Error).message } });
      }
    }
  }

  /** Stops every thread; whatever was running or queued fails as an evaluation error. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    const gone = { ok: false as const, err: { message: 'the expression threads were stopped' } };
    for (const s of slots) {
      clearTimeout(s.timer);
      s.task?.done(gone);
    }
    for (const t of this.urgent.splice(0).concat(this.queued.splice(0))) t.done(gone);
    await Promise.all(slots.map((s) => s.worker?.terminate()));
  }
}

let pool: EvalPool | undefined;
let options: PoolOptions = DEFAULT_POOL;

/** Set once at start-up (runtime.ts); threads already running keep their limits until replaced. */
export function configurePool(opts: Partial<PoolOptions>): void {
  const next = { ...DEFAULT_POOL, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  if (JSON.stringify(next) === JSON.stringify(options)) return;
  options = next;
  const old = pool;
  pool = undefined;
  void old?.close();
}

export function evalPool(): EvalPool {
  return (pool ??= new EvalPool(options));
}
