/**
 * @module engine/actions
 * The action registry. Connectors register `<connector>.<action>`; the step loop handles the
 * core control actions (if, wait, fail, foreach, switch, stop) itself and `transform` is a plain
 * pure action. Their catalog entries are in control-schemas.ts.
 */
import type { StepDef } from '../recipes/types.js';
import { HookflowError } from '../errors.js';
import type { Store } from '../store/types.js';

export interface ActionContext {
  job: { id: string; number: number; recipe: string; recipe_version: number };
  step: StepDef;
  /** The step's row id: its id, or `<loop>[<index>].<id>` inside a loop (what the job's rows and resumes use). */
  stepKey?: string;
  attempt: number;
  /** Stable across attempts and resumes of this step: `job id:step id:attempt group`. */
  idempotencyKey: string;
  signal: AbortSignal;
  /** The runtime's store (tables, blobs, operations); actions never reach it through globals. */
  store: Store;
  /** The engine's clock (tests move it). */
  now: () => number;
  /** The named connection's config and decrypted secrets, when the step names one. */
  connection?: { name: string; type: string; config: Record<string, unknown>; secrets: Record<string, unknown> };
}

export interface ActionDef {
  name: string;
  /**
   * Pure actions have no effect outside the job (transform): their results are written with
   * the job's next commit instead of before and after each run, which is what lets a recipe of
   * transforms complete in one transaction.
   */
  pure?: boolean;
  run(input: unknown, ctx: ActionContext): Promise<unknown>;
  /**
   * Called instead of `run` when the job wakes while this step is suspended (its `until` came,
   * or someone requeued the job). Returns an output, or suspends again.
   */
  resume?(state: Record<string, unknown>, input: unknown, ctx: ActionContext): Promise<unknown>;
}

/**
 * Returned by an action that waits for something outside the job (a person, a callback): the
 * job goes to `waiting` without holding a worker. Whoever ends the wait writes the step's result
 * and requeues the job (see `completeSuspendedStep`), or the job wakes at `until` and `resume`
 * decides. An output carrying `branch: "<key>"` runs the step's `<key>` steps next (e.g. on_timeout).
 */
export class Suspend {
  /** `jobs`: other jobs whose end should wake this one (recipe.call's child), checked after the settle. */
  constructor(readonly state: Record<string, unknown>, readonly until: number | null = null, readonly jobs: string[] = []) {}
}

const registry = new Map<string, ActionDef>();

export function registerAction(def: ActionDef): void {
  registry.set(def.name, def);
}

export function getAction(name: string): ActionDef {
  const a = registry.get(name);
  if (!a) throw new HookflowError('HF_ERR_ACTION_UNKNOWN', { action: name });
  return a;
}

export function hasAction(name: string): boolean {
  return registry.has(name) || CONTROL_ACTIONS.has(name);
}

/** Handled by the step loop, not the registry (foreach, switch, stop: engine/blocks.ts). */
export const CONTROL_ACTIONS = new Set(['if', 'wait', 'fail', 'foreach', 'switch', 'stop']);

registerAction({ name: 'transform', pure: true, run: async (input) => input });
