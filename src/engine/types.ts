/**
 * @module engine/types
 */
import type { EventEmitter } from 'node:events';
import type { StepDef, Recipe } from '../recipes/types.js';
import type { Store } from '../store/types.js';
import type { JobQueue } from '../queue/index.js';
import type { Logger } from 'pino';
import type { ActionContext, ActionServices, ActionSource } from './actions.js';

/** What the engine needs of a compiled recipe version. */
export interface CompiledSteps {
  recipe: Recipe;
  /** Evaluates a step's `with` against the job context. */
  input(step: StepDef, ctx: Record<string, unknown>): Promise<unknown>;
  /** A callable recipe's top-level `result`, evaluated when the job succeeds. */
  result?(ctx: Record<string, unknown>): Promise<unknown>;
  /** Some expression of the steps or the result runs on an expression thread (may take up to its time limit). */
  threaded?: boolean;
}

export interface RecipeSource {
  compiled(name: string, version: number): Promise<CompiledSteps>;
}

export interface ConnectionSource {
  resolve(name: string): Promise<NonNullable<ActionContext['connection']>>;
}

export interface EngineLimits {
  /** Bytes of JSON one step may output. */
  stepOutputBytes: number;
  /** Job timeout when the recipe sets none. */
  jobTimeoutSeconds: number;
  /** A job whose lease expired mid-run this many times fails with HF_ERR_JOB_POISON (default 3). */
  maxCrashes?: number;
  /** The worker's lease length: saving steps renews the lease too (see QueueSql.saveSteps). */
  leaseMs?: number;
}

export interface EngineDeps {
  store: Store;
  /** The runtime's catalog: where each step's action is found. */
  catalog: ActionSource;
  /** Handed to every action in its context. */
  services: ActionServices;
  log?: Logger;
  queue: JobQueue;
  recipes: RecipeSource;
  connections: ConnectionSource;
  workerId: string;
  limits: EngineLimits;
  /** Emits `settled` with `{id, status, recipe, durationMs}` after a job's final commit. */
  events: EventEmitter;
  now: () => number;
}
