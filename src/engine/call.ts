/**
 * @module engine/call
 * Callable recipes. `startCall` enqueues a job of a recipe whose trigger is `callable`, after
 * checking the input against its `input_schema` and the call depth; `recipe.call` is the step that
 * does so for a parent job and then suspends (no worker held) until the child ends.
 *
 * The child's finish requeues its parent in the same transaction (`Settle.wake`, queue/*.ts), and
 * the parent reads the child's row when it wakes, so the result never travels outside the store.
 * A crash between enqueueing the child and recording the suspension enqueues nothing twice: the
 * child's dedup key is the step's idempotency key. The parent also re-checks every RECHECK_MS:
 * A child that ended while its parent was still running found no waiting parent to wake: the
 * worker closes that gap with `wakeIfEnded` right after the parent's waiting settle committed.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { HookflowError } from '../errors.js';
import { jobId } from '../queue/ids.js';
import { titleOf } from '../recipes/title.js';
import type { Store } from '../store/types.js';
import { Suspend, type ActionContext, type ActionDef } from './actions.js';

export const MAX_CALL_DEPTH = 8;
/** A last resort only (see wakeIfEnded): a waiting parent also looks at its child this often. */
const RECHECK_MS = 5 * 60_000;

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();

export interface CallParent {
  job_id: string;
  step_id: string;
  recipe: string;
  /** The parent's idempotency key: the child's dedup key, so a re-run finds the same child. */
  key: string;
}

export interface StartedCall {
  id: string;
  number: number;
  recipe: string;
  duplicate: boolean;
}

type CallableDef = { trigger: { type: string; input_schema?: Record<string, unknown> }; concurrency?: number };

/** A callable recipe's current version, or a coded error saying why it cannot be called. */
async function callable(store: Store, name: string): Promise<{ version: number; def: CallableDef }> {
  const row = await store.db.selectFrom('recipes').innerJoin('recipe_versions', (j) => j.onRef('recipe_versions.recipe', '=', 'recipes.name').onRef('recipe_versions.version', '=', 'recipes.current_version'))
    .select(['recipes.current_version', 'recipes.enabled', 'recipe_versions.definition']).where('recipes.name', '=', name).where('recipes.deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Recipe ${name}` });
  const def = JSON.parse(row.definition) as CallableDef;
  if (def.trigger.type !== 'callable') throw new HookflowError('HF_ERR_CALL_NOT_CALLABLE', { recipe: name, type: def.trigger.type });
  if (row.enabled !== 1) throw new HookflowError('HF_ERR_RECIPE_STOPPED', { name });
  return { version: row.current_version, def };
}

function checkInput(name: string, version: number, schema: Record<string, unknown> | undefined, input: unknown): void {
  if (!schema) return;
  const key = `${name}@${version}`;
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(schema);
    validators.set(key, v);
  }
  if (!v(input)) {
    const reason = (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()).join('; ');
    throw new HookflowError('HF_ERR_CALL_INPUT', { recipe: name, reason }, { details: v.errors });
  }
}

/** Enqueues a job of callable recipe `name` (committed when this resolves). */
export async function startCall(store: Store, name: string, input: unknown, parent?: CallParent, now = Date.now(), maxDepth = MAX_CALL_DEPTH): Promise<StartedCall> {
  const { version, def } = await callable(store, name);
  checkInput(name, version, def.trigger.input_schema, input);
  let depth = 0;
  if (parent) {
    const p = await store.db.selectFrom('jobs').select('call_depth').where('id', '=', parent.job_id).executeTakeFirst();
    depth = Number(p?.call_depth ?? 0) + 1;
    if (depth > maxDepth) throw new HookflowError('HF_ERR_CALL_DEPTH', { recipe: name, depth, limit: maxDepth });
  }
  const id = jobId(now);
  const dedup = parent ? `call:${parent.key}` : null;
  const trigger = { input: input ?? null, caller: parent ? { job_id: parent.job_id, recipe: parent.recipe, step: parent.step_id } : null };
  const title = await titleOf(def as unknown as { name: string; title?: unknown }, trigger);
  return store.tx(async (trx) => {
    await trx.insertInto('jobs').values({ title,
      id, recipe: name, recipe_version: version, status: 'queued', trigger: JSON.stringify(trigger), dedup_key: dedup, repeat_of: null, error: null,
      concurrency_key: def.concurrency ? name : null, run_at: now, locked_by: null, locked_until: null, claims: 0, timeout_at: null, created_at: now,
      started_at: null, finished_at: null, parent_job_id: parent?.job_id ?? null, parent_step_id: parent?.step_id ?? null, call_depth: depth,
    }).onConflict((oc) => oc.doNothing()).execute();
    const q = trx.selectFrom('jobs').select(['id', 'number']);
    const row = await (dedup ? q.where('recipe', '=', name).where('dedup_key', '=', dedup) : q.where('id', '=', id)).executeTakeFirstOrThrow();
    return { id: row.id, number: Number(row.number), recipe: name, duplicate: row.id !== id };
  });
}

/**
 * Save-time check of a recipe's recipe.call steps that name their callee literally: a recipe that
 * exists but is not callable is refused now. A callee not stored yet is allowed (recipes of a
 * directory are applied one by one) and fails the step with HF_ERR_NOT_FOUND if still missing.
 */
export async function callProblems(store: Store, recipe: { name: string; trigger: { type: string } }, steps: Iterable<{ action: string; with?: Record<string, unknown> }>, path = '/steps'): Promise<Array<{ path: string; message: string }>> {
  const names = new Set<string>();
  for (const s of steps) {
    const r = s.action === 'recipe.call' ? s.with?.recipe : undefined;
    if (typeof r === 'string' && !r.includes('{{') && r !== recipe.name) names.add(r);
  }
  if (names.size === 0) return [];
  const rows = await store.db.selectFrom('recipes').select(['name', 'trigger_type']).where('name', 'in', [...names]).where('deleted_at', 'is', null).where('current_version', '>', 0).execute();
  return rows.filter((r) => r.trigger_type !== 'callable').map((r) => ({ path, message: `recipe.call names recipe ${r.name}, whose trigger is ${r.trigger_type}, not callable` }));
}

/** The child's outcome: its result, a failure carrying its error, or null while it runs. */
export async function callResult(store: Store, childId: string): Promise<{ result: unknown } | null> {
  const c = await store.db.selectFrom('jobs').select(['recipe', 'number', 'status', 'result', 'error']).where('id', '=', childId).executeTakeFirst();
  if (!c) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Called job ${childId}` });
  if (c.status === 'succeeded') return { result: c.result === null ? null : JSON.parse(c.result) };
  if (c.status === 'failed' || c.status === 'canceled') {
    const error = c.error ? (JSON.parse(c.error) as { code?: string; message?: string }) : { code: 'HF_ERR_JOB_CANCELED', message: c.status };
    throw new HookflowError('HF_ERR_CALL_FAILED', { recipe: c.recipe, job: Number(c.number), message: error.message ?? '' }, { details: { job_id: childId, error } });
  }
  return null;
}

async function waitForChild(state: Record<string, unknown>, ctx: ActionContext): Promise<unknown> {
  const done = await callResult(ctx.store, String(state.child));
  return done ? done.result : new Suspend(state, ctx.now() + RECHECK_MS, [String(state.child)]);
}

/**
 * Called after a job settled as waiting: if a job it waits for ended meanwhile (its wake found this
 * one still running, so it changed nothing), requeue it now. Either that child's commit came
 * before this read, which then sees it ended, or after the settle, when its own wake finds the
 * parent waiting.
 */
export async function wakeIfEnded(store: Store, jobId: string, waitingOn: string[], now = Date.now()): Promise<boolean> {
  if (waitingOn.length === 0) return false;
  const ended = await store.db.selectFrom('jobs').select('id').where('id', 'in', waitingOn).where('status', 'in', ['succeeded', 'failed', 'canceled']).limit(1).execute();
  if (ended.length === 0) return false;
  const r = await store.db.updateTable('jobs').set({ status: 'queued', run_at: now }).where('id', '=', jobId).where('status', '=', 'waiting').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export const recipeCall: ActionDef = {
  name: 'recipe.call',
  async run(input, ctx) {
    const w = (input ?? {}) as { recipe?: unknown; input?: unknown };
    if (typeof w.recipe !== 'string' || !w.recipe) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'recipe.call needs with.recipe (a recipe name)' });
    const parent = { job_id: ctx.job.id, step_id: ctx.stepKey ?? ctx.step.id, recipe: ctx.job.recipe, key: ctx.idempotencyKey };
    const child = await startCall(ctx.store, w.recipe, w.input ?? null, parent, ctx.now(), ctx.services?.callMaxDepth ?? MAX_CALL_DEPTH);
    // The child may already be done (a re-run after a crash found it by its dedup key).
    return waitForChild({ child: child.id, recipe: w.recipe }, ctx);
  },
  resume: (state, _input, ctx) => waitForChild(state, ctx),
};

