/**
 * @module engine/actions
 * What an action is to the engine, and what it receives. Actions are found in the runtime's
 * catalog (`src/catalog`), handed to the engine; nothing is looked up in module globals. The step
 * loop interprets the control actions (if, wait, fail; foreach, switch, stop in engine/blocks.ts)
 * itself; their catalog entries say so.
 */
import type { Logger } from 'pino';
import type { StepDef } from '../recipes/types.js';
import type { Store } from '../store/types.js';

/** The services of the runtime an action may use: each action takes what it needs from here. */
export interface ActionServices {
  /** Writes back what a connection learned (a rotated OAuth2 refresh token), sealed. */
  connections: { update(name: string, patch: { secrets?: Record<string, unknown> }): Promise<unknown> };
  /** The user directory (human.action assignees). */
  users: {
    get(username: string): Promise<{ id: number; username: string }>;
    getById(id: number): Promise<{ id: number; username: string }>;
  };
  /** The base of every URL Hookflow shows. */
  publicUrl: string;
  /** Bytes a JSON or text response may have (larger ones must be read as binary). */
  responseLimit: number;
  /** How deep recipe.call may nest (HOOKFLOW_CALL_MAX_DEPTH, default 8). */
  callMaxDepth?: number;
}

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
  services: ActionServices;
  log?: Logger;
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

/** What the engine needs of the catalog. */
export interface ActionSource {
  requireAction(name: string): ActionDef;
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
