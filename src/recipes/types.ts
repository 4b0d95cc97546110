/**
 * @module recipes/types
 * The shape of a recipe after loading and validation. The TypeBox schema in `schema.ts` is the
 * source of truth for validation; these types are what the engine and triggers consume.
 */
import type { VerificationConfig, IpAllowlist } from '../verify/types.js';

export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  attempts: number;
  backoff?: 'exponential' | 'fixed';
  /** First delay in ms (default 1000). */
  delay_ms?: number;
  /** Upper bound of one delay in ms (default 300000). */
  max_delay_ms?: number;
}

export interface StepDef {
  id: string;
  name?: string;
  /** `<connector>.<action>` or a core action: transform, if, wait, fail. */
  action: string;
  connection?: string;
  with?: Record<string, unknown>;
  retry?: RetryPolicy;
  timeout_seconds?: number;
  /** Branches of an `if` step. Step ids are unique across the whole recipe, branches included. */
  then?: StepDef[];
  else?: StepDef[];
  /** Branches of steps that wait (e.g. human.action): taken when the wait ends that way. */
  on_timeout?: StepDef[];
  on_cancel?: StepDef[];
  on_exception?: StepDef[];
  /** A foreach step's body, run once per item. */
  steps?: StepDef[];
  /** A switch step's lists by value, and the one for any other value. */
  cases?: Record<string, StepDef[]>;
  default?: StepDef[];
  /** Run when this step (or a step in its block) fails, with `error` in scope; then the list goes on. */
  on_error?: StepDef[];
  /** Short for an empty on_error: a failure is recorded and the list goes on. */
  continue_on_error?: boolean;
}

export interface WebhookTrigger {
  type: 'webhook';
  verify?: VerificationConfig;
  allow_ips?: IpAllowlist;
  /** Expression over `{body, headers, query}`; equal keys are one delivery. */
  dedup_key?: string;
  response?: { mode: 'accepted' | 'when_done'; timeout_seconds?: number };
  /** Bytes; default from settings (10 MB). */
  body_limit?: number;
}

export interface ScheduleTrigger {
  type: 'schedule';
  cron: string;
  timezone?: string;
  /** What to do with runs that fell due while Hookflow was stopped. */
  missed?: 'skip' | 'catch_up';
}

/** Started by recipe.call steps and POST /api/v1/recipes/{name}/call; `trigger.input` holds the input. */
export interface CallableTrigger {
  type: 'callable';
  input_schema?: Record<string, unknown>;
}

export interface OtherTrigger {
  type: '4me.webhook' | 'http.poll' | 'operation';
  [key: string]: unknown;
}

export type TriggerDef = WebhookTrigger | ScheduleTrigger | CallableTrigger | OtherTrigger;

export interface Recipe {
  name: string;
  description?: string;
  trigger: TriggerDef;
  steps: StepDef[];
  on_error?: StepDef[];
  /** A callable recipe's answer to its caller: one `{{ }}` template, evaluated when the job succeeds. */
  result?: unknown;
  /** Each job's title: a `{{ }}` template over `trigger`, evaluated when the job is made (recipes/title.ts). */
  title?: string;
  /** Jobs of this recipe running at once (default unlimited). */
  concurrency?: number;
  /** Whole-job timeout in seconds (default 3600). */
  timeout_seconds?: number;
}

/** One problem found in a recipe: a JSON pointer into it and, for YAML/JSON text, the 1-based line. */
export interface RecipeProblem {
  path: string;
  line?: number;
  message: string;
}
