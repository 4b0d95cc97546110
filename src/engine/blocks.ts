/**
 * @module engine/blocks
 * The control steps that hold other steps: `foreach`, `switch` and `stop` (`if` stays in the step
 * loop). They run inside one job run through a small host interface, so the step loop in
 * run-job.ts stays the one place that records rows and talks to the store.
 *
 * A loop iteration is a frame: its step rows are keyed `<loop>[<index>].<step>` (nested loops
 * stack prefixes), its expressions see `item`, `index` and `loops.<id>`, and `steps.<id>` inside
 * it names that iteration's steps. A finished iteration has its own row (`<loop>[<index>]`,
 * output = its last step's output) and is never run again, which is how a loop resumes at its
 * first unfinished iteration after a crash while up to `concurrency` ran at once.
 */
import type { StepDef } from '../recipes/types.js';
import type { StepRow } from '../queue/types.js';
import { HookflowError } from '../errors.js';

export type Outcome =
  | { kind: 'release'; status: 'queued' | 'waiting'; runAt: number }
  | { kind: 'lost' }
  | { kind: 'stop'; status: 'succeeded' | 'failed'; message: string; step: string }
  | null;

export interface Scope {
  trigger: unknown;
  steps: Record<string, unknown>;
  job: Record<string, unknown>;
  error?: unknown;
  item?: unknown;
  index?: number;
  loops?: Record<string, { item: unknown; index: number }>;
  [k: string]: unknown;
}

/** Where a step runs: the prefix of its row key and the scope its expressions see. */
export interface Frame {
  prefix: string;
  ctx: Scope;
}

export interface BlockHost {
  runList(steps: StepDef[], f: Frame): Promise<Outcome>;
  succeed(def: StepDef, output: unknown, inputJson: string | null, attempt: number, f: Frame): void;
  row(key: string): StepRow | undefined;
  /** Records a finished iteration under `key`. */
  iterationDone(key: string, output: unknown): void;
}

export const MAX_CONCURRENCY = 32;
export const DEFAULT_MAX_ITEMS = 10_000;

/** The steps that follow a succeeded switch (the case its output names, or default). */
export function switchSteps(def: StepDef, output: unknown): StepDef[] {
  const o = output as { case?: unknown } | null;
  if (typeof o?.case === 'string' && def.cases && Object.hasOwn(def.cases, o.case)) return def.cases[o.case] ?? [];
  return def.default ?? [];
}

export function runSwitch(host: BlockHost, def: StepDef, w: Record<string, unknown>, inputJson: string, attempt: number, f: Frame): Promise<Outcome> {
  const v = w.value;
  // Case keys are text in YAML and JSON: 2, true and "2" all pick the case "2"/"true".
  const key = v === null || v === undefined || typeof v === 'object' ? null : String(v);
  const matched = key !== null && def.cases !== undefined && Object.hasOwn(def.cases, key);
  const output = { value: v ?? null, case: matched ? key : null, branch: matched ? 'cases' : 'default' };
  host.succeed(def, output, inputJson, attempt, f);
  return host.runList(switchSteps(def, output), f);
}

export function stopOutcome(def: StepDef, output: unknown): Outcome {
  const o = (output ?? {}) as { status?: unknown; message?: unknown };
  return { kind: 'stop', status: o.status === 'failed' ? 'failed' : 'succeeded', message: String(o.message ?? ''), step: def.id };
}

export function runStop(host: BlockHost, def: StepDef, w: Record<string, unknown>, inputJson: string, attempt: number, f: Frame): Outcome {
  const status = w.status ?? 'succeeded';
  if (status !== 'succeeded' && status !== 'failed') throw new HookflowError('HF_ERR_VALIDATION', { reason: `stop.status must be succeeded or failed, not ${String(status)}` });
  const output = { status, message: w.message === undefined ? '' : String(w.message) };
  host.succeed(def, output, inputJson, attempt, f);
  return stopOutcome(def, output);
}

/** A loop's list and limits as its evaluated `with` gives them; refused before any iteration runs. */
function loopInput(def: StepDef, w: Record<string, unknown>): { items: unknown[]; concurrency: number } {
  const items = w.items ?? [];
  if (!Array.isArray(items)) throw new HookflowError('HF_ERR_FOREACH_ITEMS', { step: def.id, type: typeof items });
  const max = w.max_items === undefined ? DEFAULT_MAX_ITEMS : Number(w.max_items);
  if (items.length > max) throw new HookflowError('HF_ERR_FOREACH_TOO_MANY', { step: def.id, count: items.length, limit: max });
  const c = w.concurrency === undefined ? 1 : Number(w.concurrency);
  if (!Number.isInteger(c) || c < 1 || c > MAX_CONCURRENCY) {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: `foreach ${def.id}: concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}` });
  }
  return { items, concurrency: c };
}

/**
 * Runs the iterations not finished yet, `concurrency` at a time, in one job run (no worker per
 * iteration). When one iteration stops the job, waits (retry, person, child job) or fails, no new
 * iteration starts; those running finish their current step, and the loop gives the most urgent
 * outcome: a failure, then a stop, then the earliest release.
 */
export async function runForeach(host: BlockHost, def: StepDef, w: Record<string, unknown>, inputJson: string, attempt: number, f: Frame): Promise<Outcome> {
  const { items, concurrency } = loopInput(def, w);
  const body = def.steps ?? [];
  const last = body[body.length - 1];
  const outputs = new Array<unknown>(items.length);
  const base = `${f.prefix}${def.id}`;
  const todo: number[] = [];
  items.forEach((_, i) => {
    const r = host.row(`${base}[${i}]`);
    if (r?.status === 'succeeded') outputs[i] = r.output === null ? null : JSON.parse(r.output);
    else todo.push(i);
  });
  let failure: { error: unknown } | null = null;
  let outcome: Outcome = null;
  const halted = () => failure !== null || outcome !== null;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (!halted() && next < todo.length) {
      const i = todo[next++]!;
      const frame: Frame = {
        prefix: `${base}[${i}].`,
        ctx: { ...f.ctx, steps: { ...f.ctx.steps }, item: items[i], index: i, loops: { ...f.ctx.loops, [def.id]: { item: items[i], index: i } } },
      };
      try {
        const out = await host.runList(body, frame);
        if (out) {
          outcome = pick(outcome, out);
          return;
        }
        outputs[i] = last ? (frame.ctx.steps[last.id] ?? null) : null;
        host.iterationDone(`${base}[${i}]`, outputs[i]);
      } catch (e) {
        failure ??= { error: e };
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
  if (outcome) return outcome;
  host.succeed(def, outputs, inputJson, attempt, f);
  return null;
}

function pick(a: Outcome, b: Outcome): Outcome {
  if (!a) return b;
  if (!b) return a;
  const rank = (o: NonNullable<Outcome>) => (o.kind === 'lost' ? 0 : o.kind === 'stop' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? a : b;
  if (a.kind === 'release' && b.kind === 'release') {
    // A retry due soon wins over waiting for a person: the job comes back then and waits again.
    return { kind: 'release', status: a.status === 'queued' || b.status === 'queued' ? 'queued' : 'waiting', runAt: Math.min(a.runAt, b.runAt) };
  }
  return a;
}
