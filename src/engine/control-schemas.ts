/**
 * @module engine/control-schemas
 * The control steps as the catalog shows them (title, description, input and output schemas,
 * the keys holding nested steps), for the catalog, the reference and the UI. The step loop
 * interprets foreach, switch and stop itself (engine/blocks.ts), so their `run` refuses to be
 * called directly; recipe.call is an ordinary suspending action (engine/call.ts).
 */
import { Type } from '@sinclair/typebox';
import type { CatalogAction } from '../catalog/types.js';
import type { Catalog } from '../catalog/catalog.js';
import { TRIGGER_SCHEMAS } from '../recipes/schema.js';
import { DEFAULT_MAX_ITEMS, MAX_CONCURRENCY } from './blocks.js';
import { recipeCall } from './call.js';
import { HookflowError } from '../errors.js';

const interpreted = (name: string) => async (): Promise<never> => {
  throw new HookflowError('HF_ERR_INTERNAL', { reason: `${name} is run by the step loop, not as an action` });
};

export const foreachAction: CatalogAction = {
  name: 'foreach', connector: 'core', title: 'For each item',
  description: 'Runs its steps once per item of a list. Inside, expressions see item and index (and loops.<id>.item / .index of outer loops); steps.<id> names the same iteration\'s steps. The output is the list of each iteration\'s last step output, in item order. Iterations are recorded as <id>[<index>].<step>; after a crash the loop resumes at the iterations not finished.',
  blocks: ['steps'],
  input: Type.Object({
    items: Type.Unknown({ title: 'Items', description: 'The list to loop over, usually "{{ … }}".' }),
    concurrency: Type.Optional(Type.Integer({ title: 'Concurrency', description: `Iterations run at once within the job (1 to ${MAX_CONCURRENCY}); no worker is held per iteration.`, minimum: 1, maximum: MAX_CONCURRENCY, default: 1 })),
    max_items: Type.Optional(Type.Integer({ title: 'Maximum items', description: `A longer list fails the step with HF_ERR_FOREACH_TOO_MANY before any iteration runs.`, minimum: 1, default: DEFAULT_MAX_ITEMS })),
  }),
  output: Type.Array(Type.Unknown({ title: 'Iteration output', description: 'The last step output of one iteration.' }), { title: 'Outputs', description: 'One entry per item, in item order.' }),
  examples: [{ title: 'Every affected CI of a 4me request', value: { items: '{{ steps.request.affected_cis }}', concurrency: 4 } }],
  run: interpreted('foreach'),
};

export const switchAction: CatalogAction = {
  name: 'switch', connector: 'core', title: 'Switch',
  description: 'Runs the steps of the case whose key equals the value (compared as text), or default for any other value; the job then goes on after the switch.',
  blocks: ['cases', 'default'],
  input: Type.Object({ value: Type.Unknown({ title: 'Value', description: 'What selects the case, usually "{{ … }}".' }) }),
  output: Type.Object({
    value: Type.Unknown({ title: 'Value', description: 'The value as evaluated.' }),
    case: Type.Union([Type.String(), Type.Null()], { title: 'Case', description: 'The case key taken; null when default ran.' }),
    branch: Type.String({ title: 'Branch', description: 'cases or default.' }),
  }),
  examples: [{ title: 'Route by 4me category', value: { value: '{{ trigger.payload.category }}' } }],
  run: interpreted('switch'),
};

export const stopAction: CatalogAction = {
  name: 'stop', connector: 'core', title: 'Stop job',
  description: 'Ends the job at once, also from inside a loop, as succeeded or failed (error HF_ERR_JOB_STOPPED with the message). No later step and no job-level on_error runs.',
  input: Type.Object({
    status: Type.Optional(Type.Unsafe<'succeeded' | 'failed'>({ type: 'string', enum: ['succeeded', 'failed'], title: 'Status', description: 'How the job ends.', default: 'succeeded' })),
    message: Type.Optional(Type.String({ title: 'Message', description: 'Why; the job error\'s message when failed.' })),
  }),
  output: Type.Object({ status: Type.String({ title: 'Status', description: 'succeeded or failed.' }), message: Type.String({ title: 'Message', description: 'The message given.' }) }),
  examples: [{ title: 'Nothing to do', value: { status: 'succeeded', message: 'request has no CIs' } }],
  run: interpreted('stop'),
};

export const recipeCallAction: CatalogAction = {
  ...recipeCall,
  connector: 'core', title: 'Call a recipe',
  description: 'Runs a recipe whose trigger is callable as a child job (linked both ways), waits without holding a worker and outputs the child\'s result. The input is checked against the callee\'s input_schema; calls nest at most HOOKFLOW_CALL_MAX_DEPTH (default 8) deep. A failed child fails this step with HF_ERR_CALL_FAILED, the child\'s error in details.error.',
  input: Type.Object({
    recipe: Type.String({ title: 'Recipe', description: 'Name of a recipe with trigger type callable.' }),
    input: Type.Optional(Type.Unknown({ title: 'Input', description: 'trigger.input of the child job.' })),
  }),
  output: Type.Unknown({ title: 'Result', description: 'The callee\'s result.' }),
  examples: [{ title: 'Notify the requester', value: { recipe: 'notify-requester', input: { request_id: '{{ trigger.object_id }}' } } }],
};

/**
 * Not actions but step keys every step may carry; listed so the reference and the UI can show
 * them beside the actions: `on_error: [...]` runs with `error` in scope, then the list goes on
 * unless the handler fails; `continue_on_error: true` is the same with no handler.
 */
export const STEP_ERROR_KEYS = {
  on_error: Type.Array(Type.Unknown(), { title: 'On error', description: 'Steps run when this step (or a step in its block) fails, with error in scope; the job then goes on after this step unless a handler step fails (e.g. fail).' }),
  continue_on_error: Type.Boolean({ title: 'Continue on error', description: 'Record the failure and go on, without handler steps.' }),
};

export const CONTROL_ACTIONS: CatalogAction[] = [foreachAction, switchAction, stopAction, recipeCallAction];

/** The control steps and the `callable` trigger type (a recipe run by recipe.call or the call API). */
export function registerFlow(catalog: Catalog): void {
  for (const a of CONTROL_ACTIONS) catalog.addAction(a);
  catalog.addTrigger({
    type: 'callable', title: 'Callable',
    description: 'Run by a recipe.call step of another recipe or by POST /api/v1/recipes/{name}/call; its top-level `result` is what the caller gets.',
    config: TRIGGER_SCHEMAS.callable,
    output: Type.Object({
      input: Type.Unknown({ title: 'Input', description: 'What the caller passed, checked against input_schema.' }),
      caller: Type.Unknown({ title: 'Caller', description: 'The calling job, recipe and step (job_id, recipe, step), or null when called through the API.' }),
    }, { title: 'Trigger', description: 'What `trigger` holds.' }),
    examples: [{ value: { input_schema: { type: 'object', required: ['request_id'], properties: { request_id: { type: 'string' } } } } }],
  });
}
