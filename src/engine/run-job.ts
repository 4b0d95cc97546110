/**
 * @module engine/run-job
 * Runs one claimed job from its first unfinished step. Finished steps are never run again:
 * their stored output is replayed into the context. A step with outside effects is recorded as
 * running (with its idempotency key) before it runs, so a crash mid-step resumes with the same
 * key; its result, and the job's completion, commit together with the next write.
 *
 * Steps run in a frame (engine/blocks.ts): the job's own, or a loop iteration's, whose rows are
 * keyed `<loop>[<index>].<step>`. A step's outcome is null (go on), a release (retry later, or
 * wait without a worker), a stop (end the job now), or a thrown StepFailure, which a step-level
 * on_error turns back into "go on" and which otherwise fails the job (job-level on_error runs).
 */
import type { StepDef } from '../recipes/types.js';
import type { JobRow, Settle, StepRow } from '../queue/types.js';
import { HookflowError, errorRecord, isHookflowError } from '../errors.js';
import { Suspend, type ActionContext } from './actions.js';
import { retryDelayMs } from './backoff.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import { scrubText } from '../security/index.js';
import { jobEvent } from '../queue/job-event.js';
import { stepKey } from '../queue/ids.js';
import type { CompiledSteps, EngineDeps } from './types.js';
import { runForeach, runStop, runSwitch, stopOutcome, switchSteps, type BlockHost, type Frame, type Outcome, type Scope } from './blocks.js';
// Registers recipe.call (callable recipes) with the action registry.
import './call.js';

/** A step failed for good; carries the step id so `error.step` can name it. */
class StepFailure extends Error {
  constructor(readonly record: { code: string; message: string; details?: unknown }, readonly stepId: string) {
    super(record.message);
  }
}

/**
 * The store went away under a run. Not the step's fault, so never a step attempt or a failed
 * job: the run stops unsettled and the job resumes at this step once its lease expires.
 */
class StoreLost extends Error {
  constructor(readonly storeError: unknown) {
    super(`store unavailable: ${(storeError as Error)?.message ?? String(storeError)}`);
  }
}

async function fromStore<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw isStoreUnavailable(e) ? new StoreLost(e) : e;
  }
}

const DEFAULT_RETRY = { attempts: 3, backoff: 'exponential' as const };

/** `compiled`: the job's recipe version when the caller has it already (Worker.runInline). */
export async function runJob(job: JobRow, deps: EngineDeps, compiled?: CompiledSteps): Promise<Settle | null> {
  return new JobRun(job, deps).execute(compiled);
}

/**
 * What an action runs with. A class rather than an object literal: a literal with a getter is
 * built in V8's dictionary mode (0.9 µs and about 2 KB a step, measured), instances share one
 * shape. `signal` is made on first read, so an action that never reads it (transform) costs the
 * job no AbortController or timer.
 */
class StepContext implements ActionContext {
  readonly store: ActionContext['store'];
  readonly now: ActionContext['now'];
  readonly services: ActionContext['services'];
  readonly log: ActionContext['log'];
  readonly #signalOf: () => AbortSignal;

  constructor(readonly job: ActionContext['job'], readonly step: StepDef, readonly stepKey: string, readonly attempt: number, readonly idempotencyKey: string,
    readonly connection: ActionContext['connection'], deps: EngineDeps, signalOf: () => AbortSignal) {
    this.store = deps.store;
    this.now = deps.now;
    this.services = deps.services;
    this.log = deps.log;
    this.#signalOf = signalOf;
  }

  get signal(): AbortSignal {
    return this.#signalOf();
  }
}

class JobRun {
  readonly #rows = new Map<string, StepRow>();
  readonly #dirty = new Map<string, StepRow>();
  readonly #ctx: Scope;
  /** The job's own frame: top-level steps, keyed by their id alone. */
  readonly #root: Frame;
  #flushing: Promise<void> = Promise.resolve();
  #queuedFlush: Promise<void> | null = null;
  readonly #waitingOn = new Set<string>();
  /** Made when an action first needs a signal (engine/inline.ts jobs of transforms never do). */
  #abort: AbortController | null = null;
  #abortTimer: NodeJS.Timeout | null = null;
  #timeoutMs = 0;
  /** The job as actions see it (ActionContext.job), made once per run. */
  #actxJob: { id: string; number: number; recipe: string; recipe_version: number } | null = null;
  // One closure per run for the step contexts' lazy `signal`, not one per step.
  readonly #signalOf = (): AbortSignal => this.#signal();
  #seq = 0;
  #deadline = 0;
  #compiled!: CompiledSteps;

  constructor(readonly job: JobRow, readonly deps: EngineDeps) {
    this.#ctx = {
      trigger: job.trigger_value !== undefined ? job.trigger_value : JSON.parse(job.trigger),
      steps: {},
      job: { id: job.id, number: job.number, recipe: job.recipe, recipe_version: job.recipe_version, repeat_of: job.repeat_of },
    };
    this.#root = { prefix: '', ctx: this.#ctx };
  }

  async execute(compiled?: CompiledSteps): Promise<Settle | null> {
    const { deps, job } = this;
    this.#compiled = compiled ?? (await deps.recipes.compiled(job.recipe, job.recipe_version));
    // A job on its first claim has no step rows yet: skipping the read saves a query per job.
    const rows = job.claims <= 1 ? [] : await deps.store.db.selectFrom('job_steps').selectAll().where('job_id', '=', job.id).execute();
    for (const r of rows) this.#rows.set(r.step_id, r as StepRow);
    this.#seq = rows.reduce((m, r) => Math.max(m, r.seq + 1), 0);
    const maxCrashes = deps.limits.maxCrashes ?? 3;
    if (job.crashes >= maxCrashes) return this.#poison(job.crashes);
    this.#timeoutMs = (this.#compiled.recipe.timeout_seconds ?? deps.limits.jobTimeoutSeconds) * 1000;
    // The timeout bounds each stretch of running, not the time spent waiting (for a person, a
    // `wait` step or a retry): a request may wait days for its action and still have its hour.
    this.#deadline = deps.now() + this.#timeoutMs;
    try {
      const out = await this.#runList(this.#compiled.recipe.steps);
      if (out?.kind === 'lost') return null;
      if (out?.kind === 'stop') return await this.#stopped(out);
      if (out) return this.#settle(out.status, null, out.runAt);
      return await this.#succeeded();
    } catch (e) {
      return await this.#fail(e);
    } finally {
      if (this.#abortTimer) clearTimeout(this.#abortTimer);
    }
  }

  #timeoutError(): HookflowError {
    return new HookflowError('HF_ERR_JOB_TIMEOUT', { seconds: this.#timeoutMs / 1000 });
  }

  /** Past the deadline (checked before each step), or its signal aborted. */
  #timedOut(): boolean {
    return this.#abort?.signal.aborted === true || this.deps.now() > this.#deadline;
  }

  /**
   * The signal an action runs with, aborted at the job's deadline. Made on first use: an
   * AbortController and a timer per job were ~4 % of a job of transforms' CPU, which needs neither
   * (the deadline is checked before every step).
   */
  #signal(): AbortSignal {
    if (!this.#abort) {
      const c = (this.#abort = new AbortController());
      const left = this.#deadline - this.deps.now();
      if (left <= 0) c.abort(this.#timeoutError());
      else {
        this.#abortTimer = setTimeout(() => c.abort(this.#timeoutError()), left);
        this.#abortTimer.unref();
      }
    }
    return this.#abort.signal;
  }

  /**
   * Its process died while running it `crashes` times: most likely the job itself kills it, so it
   * is failed without running anything (not even on_error steps) and the step it was in says so.
   */
  #poison(crashes: number): Settle {
    const record = errorRecord(new HookflowError('HF_ERR_JOB_POISON', { crashes }));
    const at = this.deps.now();
    for (const r of this.#rows.values()) {
      if (r.status === 'running') this.#put({ ...r, status: 'failed', error: JSON.stringify(record), finished_at: at });
    }
    return this.#settle('failed', JSON.stringify(record));
  }

  async #fail(e: unknown): Promise<Settle | null> {
    if (e instanceof LostLease) return null;
    if (e instanceof StoreLost) throw e.storeError;
    const record = e instanceof StepFailure ? { ...e.record, step: e.stepId } : errorRecord(e);
    this.#ctx.error = record;
    try {
      const out = await this.#runList(this.#compiled.recipe.on_error ?? []);
      if (out?.kind === 'lost') return null;
      if (out?.kind === 'stop') return await this.#stopped(out);
      if (out) return this.#settle(out.status, JSON.stringify(record), out.runAt);
    } catch (e2) {
      if (e2 instanceof LostLease) return null;
      if (e2 instanceof StoreLost) throw e2.storeError;
      // The job's error stays the first failure; the on_error step's own error is on its row.
    }
    return this.#settle('failed', JSON.stringify(record));
  }

  /** A `stop` step ended the job: no further step and no job-level on_error. */
  async #stopped(out: Extract<Outcome, { kind: 'stop' }>): Promise<Settle> {
    if (out.status === 'succeeded') return this.#succeeded();
    const record = errorRecord(new HookflowError('HF_ERR_JOB_STOPPED', { message: out.message || 'The recipe stopped the job' }));
    return this.#settle('failed', JSON.stringify({ ...record, step: out.step }));
  }

  /** A callable recipe's `result` is evaluated once, at the end, and kept with the finish. */
  async #succeeded(): Promise<Settle> {
    const settle = this.#settle('succeeded', null);
    // Scrubbed like step data: a caller (or the API's answer) must not see a secret echoed into it.
    if (this.#compiled.result) settle.result = scrubText(JSON.stringify((await this.#compiled.result(this.#ctx)) ?? null));
    return settle;
  }

  #settle(status: Settle['status'], rawError: string | null, runAt?: number): Settle {
    const error = scrubText(rawError);
    const at = this.deps.now();
    const { job } = this;
    // job.succeeded / job.failed / job.waiting reach subscribers through the outbox, committed with the job.
    const eventsFor = (number: number) => status === 'queued' ? [] : [jobEvent(job, number, status, error, at, runAt)];
    // A job run before its insert (engine/inline.ts, number 0 until then) is numbered by the
    // insert: its events are written from eventsFor there.
    const events = job.number > 0 ? eventsFor(job.number) : [];
    const wake = status === 'succeeded' || status === 'failed' ? job.parent_job_id : null;
    const waitingOn = status === 'waiting' ? [...this.#waitingOn] : [];
    return { jobId: job.id, workerId: job.locked_by ?? this.deps.workerId, status, error, runAt, at, steps: [...this.#dirty.values()], events, eventsFor, wake, waitingOn };
  }

  async #runList(steps: StepDef[], f: Frame = this.#root): Promise<Outcome> {
    for (const def of steps) {
      const out = await this.#runStep(def, f);
      if (out) return out;
    }
    return null;
  }

  /** What blocks (foreach, switch) use of this run. */
  readonly #host: BlockHost = {
    runList: (steps, f) => this.#runList(steps, f),
    succeed: (def, output, input, attempts, f) => this.#succeed(def, output, input, attempts, f),
    row: (key) => this.#rows.get(key),
    iterationDone: (key, output) => this.#put(this.#row(key, { status: 'succeeded', attempts: 1, output: JSON.stringify(output ?? null), finished_at: this.deps.now() })),
  };

  /** `row` is always a fresh object (from #row or a spread), so it is scrubbed in place. */
  #put(row: StepRow): void {
    // The one place step data is recorded: known secrets (a connection's, OAuth tokens) echoed by
    // a remote server never reach the store, the job page or a webhook sender's answer.
    row.input = scrubText(row.input);
    row.output = scrubText(row.output);
    row.error = scrubText(row.error);
    this.#rows.set(row.step_id, row);
    this.#dirty.set(row.step_id, row);
  }

  /**
   * Loop iterations flush concurrently: writes go one after another (a row's older state must
   * never land after its newer one), and only rows not changed meanwhile leave the dirty set.
   */
  #flush(): Promise<void> {
    // A flush not started yet will take every row put so far: join it rather than queue another.
    if (this.#queuedFlush) return this.#queuedFlush;
    const run = this.#flushing.then(async () => {
      this.#queuedFlush = null;
      const batch = [...this.#dirty.values()];
      if (batch.length === 0) return;
      const renew = this.deps.limits.leaseMs ? this.deps.now() + this.deps.limits.leaseMs : undefined;
      const ok = await fromStore(this.deps.store.queue.saveSteps(this.job.id, this.job.locked_by ?? this.deps.workerId, batch, renew));
      if (!ok) throw new LostLease();
      for (const r of batch) if (this.#dirty.get(r.step_id) === r) this.#dirty.delete(r.step_id);
    });
    this.#queuedFlush = run;
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  #row(key: string, patch: Partial<StepRow>): StepRow {
    const prev = this.#rows.get(key);
    return {
      job_id: this.job.id, step_id: key, seq: prev?.seq ?? this.#seq++, status: 'running', attempts: prev?.attempts ?? 0,
      input: prev?.input ?? null, output: null, error: null, idempotency_key: prev?.idempotency_key ?? stepKey(this.job.id, key),
      started_at: prev?.started_at ?? this.deps.now(), finished_at: null, ...patch,
    };
  }

  #succeed(def: StepDef, output: unknown, input: string | null, attempts: number, f: Frame = this.#root, outputJson?: string): void {
    const json = outputJson ?? JSON.stringify(output ?? null);
    // Bytes, not UTF-16 units: "€" is one unit but three bytes stored.
    const size = json.length > this.deps.limits.stepOutputBytes / 3 ? Buffer.byteLength(json) : json.length;
    if (size > this.deps.limits.stepOutputBytes) {
      throw new HookflowError('HF_ERR_STEP_OUTPUT_TOO_LARGE', { step: def.id, size, limit: this.deps.limits.stepOutputBytes });
    }
    f.ctx.steps[def.id] = output ?? null;
    this.#put(this.#row(f.prefix + def.id, { status: 'succeeded', attempts, input, output: json, finished_at: this.deps.now() }));
  }

  /**
   * A step with `on_error` or `continue_on_error`: its failure (or a failure inside its block)
   * runs the handler with `error` in scope, and the list goes on after it unless the handler
   * fails too (e.g. ends with `fail`). Replays take the same way: the failed row fails again.
   */
  async #runStep(def: StepDef, f: Frame): Promise<Outcome> {
    if (!def.on_error && !def.continue_on_error) return this.#runStepOnce(def, f);
    try {
      return await this.#runStepOnce(def, f);
    } catch (e) {
      if (!(e instanceof StepFailure)) throw e;
      const error = { ...e.record, step: e.stepId };
      return this.#runList(def.on_error ?? [], { prefix: f.prefix, ctx: { ...f.ctx, error } });
    }
  }

  /** A succeeded step on a resume: its output back in scope, and the steps its output chose. */
  #replay(def: StepDef, output: unknown, f: Frame): Promise<Outcome> {
    f.ctx.steps[def.id] = output;
    if (def.action === 'stop') return Promise.resolve(stopOutcome(def, output));
    return this.#runList(def.action === 'switch' ? switchSteps(def, output) : branch(def, output), f);
  }

  async #runStepOnce(def: StepDef, f: Frame): Promise<Outcome> {
    const key = f.prefix + def.id;
    const prev = this.#rows.get(key);
    if (prev?.status === 'succeeded') return this.#replay(def, prev.output === null ? null : JSON.parse(prev.output), f);
    if (prev?.status === 'failed') {
      const rec = JSON.parse(prev.error ?? '{}') as { code: string; message: string; step?: unknown };
      throw new StepFailure(rec, typeof rec.step === 'string' ? rec.step : key);
    }
    if (this.#timedOut()) throw new StepFailure(errorRecord(this.#abort?.signal.reason ?? this.#timeoutError()), key);
    const attempt = (prev?.attempts ?? 0) + 1;
    let inputJson: string | null = null;
    try {
      const input = await this.#compiled.input(def, f.ctx);
      inputJson = JSON.stringify(input ?? null);
      let whole = true;
      // The input is kept for people to read; past the output limit, only its size is.
      if (inputJson.length > this.deps.limits.stepOutputBytes / 3 && Buffer.byteLength(inputJson) > this.deps.limits.stepOutputBytes) {
        inputJson = JSON.stringify({ truncated: true, bytes: Buffer.byteLength(inputJson) });
        whole = false;
      }
      return await this.#dispatch(def, input, inputJson, attempt, f, whole);
    } catch (e) {
      if (e instanceof StepFailure && def.action === 'foreach') {
        // The loop failed with one of its iterations: its row says so, naming the inner step.
        this.#put(this.#row(key, { status: 'failed', attempts: attempt, input: inputJson, error: JSON.stringify({ ...e.record, step: e.stepId }), finished_at: this.deps.now() }));
      }
      if (e instanceof LostLease || e instanceof StepFailure || e instanceof StoreLost) throw e;
      const retry = def.retry ?? DEFAULT_RETRY;
      const retryable = isHookflowError(e) ? e.retryable : !(e instanceof SyntaxError || e instanceof TypeError);
      const record = errorRecord(e);
      if (retryable && attempt < retry.attempts && !this.#timedOut()) {
        const delay = retryDelayMs(retry, attempt, isHookflowError(e) ? e.retryAfter : undefined);
        this.#put(this.#row(key, { attempts: attempt, input: inputJson, error: JSON.stringify(record) }));
        return { kind: 'release', status: 'queued', runAt: this.deps.now() + delay };
      }
      this.#put(this.#row(key, { status: 'failed', attempts: attempt, input: inputJson, error: JSON.stringify(record), finished_at: this.deps.now() }));
      throw new StepFailure(record, key);
    }
  }

  /** foreach, switch and stop (engine/blocks.ts); null for every other action. */
  #block(def: StepDef, w: Record<string, unknown>, inputJson: string, attempt: number, f: Frame): Promise<Outcome> | null {
    if (def.action === 'switch') return runSwitch(this.#host, def, w, inputJson, attempt, f);
    if (def.action === 'stop') return Promise.resolve(runStop(this.#host, def, w, inputJson, attempt, f));
    if (def.action !== 'foreach') return null;
    // Recorded first so the job page lists the loop before its iterations. Coming back to a loop
    // (after a retry, a wait or a crash in an iteration) is not another attempt of the loop.
    const prev = this.#rows.get(f.prefix + def.id);
    const tries = prev ? Math.max(1, prev.attempts) : attempt;
    this.#put(this.#row(f.prefix + def.id, { attempts: tries, input: inputJson }));
    return runForeach(this.#host, def, w, inputJson, tries, f);
  }

  /** `whole`: `inputJson` is the input's JSON, not the note of a truncated one. */
  async #dispatch(def: StepDef, input: unknown, inputJson: string, attempt: number, f: Frame, whole: boolean): Promise<Outcome> {
    const w = (input ?? {}) as Record<string, unknown>;
    const key = f.prefix + def.id;
    const block = this.#block(def, w, inputJson, attempt, f);
    if (block) return block;
    if (def.action === 'if') {
      const taken = truthy(w.condition) ? 'then' : 'else';
      const output = { condition: truthy(w.condition), branch: taken };
      this.#succeed(def, output, inputJson, attempt, f);
      return this.#then(def, output, f);
    }
    if (def.action === 'fail') {
      throw new HookflowError('HF_ERR_FAIL_ACTION', { message: String(w.message ?? 'The recipe failed the job') }, { details: w.details });
    }
    if (def.action === 'wait') {
      const prev = this.#rows.get(key);
      const until = prev?.output ? (JSON.parse(prev.output) as { until: number }).until : waitUntil(w, this.deps.now());
      if (this.deps.now() < until) {
        this.#put(this.#row(key, { attempts: attempt - 1, input: inputJson, output: JSON.stringify({ until }) }));
        return { kind: 'release', status: 'waiting', runAt: until };
      }
      this.#succeed(def, { waited_until: new Date(until).toISOString() }, inputJson, attempt, f);
      return null;
    }
    const action = this.deps.catalog.requireAction(def.action);
    const prev = this.#rows.get(key);
    const suspended = prev?.status === 'running' && prev.output ? (JSON.parse(prev.output) as { suspended?: Record<string, unknown> }).suspended : undefined;
    if (!action.pure) {
      this.#put(this.#row(key, { attempts: attempt, input: inputJson, output: suspended ? prev!.output : null }));
      await this.#flush();
    }
    const connection = def.connection ? await fromStore(this.deps.connections.resolve(def.connection)) : undefined;
    const actx = new StepContext(this.#actxJob ??= { id: this.job.id, number: this.job.number, recipe: this.job.recipe, recipe_version: this.job.recipe_version },
      def, key, attempt, prev?.idempotency_key ?? stepKey(this.job.id, key), connection, this.deps, this.#signalOf);
    const output = suspended && action.resume ? await action.resume(suspended, input, actx) : await action.run(input, actx);
    if (output instanceof Suspend) {
      this.#put(this.#row(key, { attempts: attempt, input: inputJson, output: JSON.stringify({ suspended: output.state }) }));
      for (const id of output.jobs) this.#waitingOn.add(id);
      return { kind: 'release', status: 'waiting', runAt: output.until ?? FOREVER };
    }
    // An action that answers its input (transform) has the input's JSON for its output's.
    this.#succeed(def, output, inputJson, attempt, f, whole && output === input ? inputJson : undefined);
    return this.#then(def, output, f);
  }

  /** The steps an output's branch names, run; most steps name none, and then nothing is awaited. */
  #then(def: StepDef, output: unknown, f: Frame): Outcome | Promise<Outcome> {
    const next = branch(def, output);
    return next.length === 0 ? null : this.#runList(next, f);
  }
}

class LostLease extends Error {}

/** A waiting job with no due time: far beyond any real date, so it is claimed only when requeued. */
const FOREVER = 8.64e15;

/** The steps an output's `branch` names on its step (then/else for if; on_timeout etc. for others). */
function branch(def: StepDef, output: unknown): StepDef[] {
  const key = (output as { branch?: unknown } | null)?.branch;
  if (typeof key !== 'string' || !BRANCH_KEYS.has(key)) return [];
  const list = (def as unknown as Record<string, unknown>)[key];
  return Array.isArray(list) ? (list as StepDef[]) : [];
}

const BRANCH_KEYS = new Set(['then', 'else', 'on_timeout', 'on_cancel', 'on_exception']);

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

function waitUntil(w: Record<string, unknown>, now: number): number {
  if (w.until !== undefined) {
    const t = typeof w.until === 'number' ? w.until : Date.parse(String(w.until));
    if (!Number.isFinite(t)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `wait.until ${String(w.until)} is not a time` });
    return t;
  }
  const s = Number(w.seconds);
  if (!Number.isFinite(s) || s < 0) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'wait.seconds must be a number ≥ 0' });
  return now + s * 1000;
}
