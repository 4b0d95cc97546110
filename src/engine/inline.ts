/**
 * @module engine/inline
 * Which recipe versions a worker of this process may run as their job is enqueued, before the
 * insert commits (JobQueue and LocalRunner.runInline): those whose every step is local
 * computation — `transform` and the other pure actions, `if`, `switch`, `stop`, `fail`, and
 * on_error lists of the same — so running one before the commit has no effect outside the job.
 * Excluded: loops (long, and their lanes save steps as they go), `wait`, every action with
 * outside effects (HTTP, 4me, mail, recipe.call, human actions), limited concurrency, any
 * expression that runs on an expression thread (one that could run away: the acknowledgement
 * would wait up to its time limit, see expressions/safe.ts), and any recipe whose text names
 * `job`: an inline run does not know its job's number yet.
 *
 * Belt and braces: an action that is not pure saves its step before it runs, which fails for a
 * job not in the store yet (no row holds the lease), so such a run stops before any effect and
 * the job is inserted claimed as before.
 */
import { allSteps } from '../recipes/blocks.js';
import type { ActionSource } from './actions.js';
import type { CompiledSteps } from './types.js';

const CONTROL = new Set(['if', 'switch', 'stop', 'fail']);

/** Per recipe version: its Recipe object is the compiled version's own (RecipeSource caches it). */
const verdicts = new WeakMap<object, boolean>();

export function runsInline(compiled: CompiledSteps, catalog: ActionSource): boolean {
  let v = verdicts.get(compiled.recipe);
  if (v === undefined) {
    v = judge(compiled, catalog);
    verdicts.set(compiled.recipe, v);
  }
  return v;
}

function judge(compiled: CompiledSteps, catalog: ActionSource): boolean {
  const r = compiled.recipe;
  if (r.concurrency !== undefined || compiled.threaded !== false) return false;
  // Every step, nested ones and on_error lists included.
  for (const def of [...allSteps(r.steps), ...allSteps(r.on_error)]) if (!CONTROL.has(def.action) && !pure(def.action, catalog)) return false;
  // `job.number` is given by the insert; an expression anywhere could read it (conservative:
  // any word `job` in the steps or the result, literals included).
  return !/\bjob\b/.test(JSON.stringify([r.steps, r.on_error ?? null, r.result ?? null]));
}

function pure(action: string, catalog: ActionSource): boolean {
  try {
    return catalog.requireAction(action).pure === true;
  } catch {
    return false;
  }
}
