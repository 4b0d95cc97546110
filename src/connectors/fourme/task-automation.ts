/**
 * @module connectors/fourme/task-automation
 * 4me's recommended loop, built in (`trigger.task_automation` on a `4me.webhook` recipe): one
 * workflow task triggers one recipe through its automation rule; on success the result is added to
 * the task as a note and the task is completed; on failure the error becomes the note and the task
 * is set to failed. That is all `troubleshooting` needs too: 4me itself assigns the task's failure
 * task (set on the workflow template, or `failure_task` on the task) and notifies the workflow
 * manager, so Hookflow never forces another task's status. The task id may be the nodeID or the
 * number a rule's `id` gives. The option expands into ordinary steps, so jobs show them like any other.
 */
import { HookflowError } from '../../errors.js';
import { registerRecipeExpander } from '../../recipes/index.js';
import type { Recipe, StepDef } from '../../recipes/types.js';

export interface TaskAutomation {
  /** Expression for the task's nodeID; default the automation rule's `task_id`, else the delivery's object. */
  task_id?: string;
  /** Expression for the result noted on the task; default the last step's output. */
  result?: string;
  complete_on_success?: boolean;
  note_result?: boolean;
  /**
   * `failed` and `troubleshooting` both fail the task with the error as its note; `troubleshooting`
   * says the task has a failure task in 4me, which 4me then assigns. `note_only` only notes it.
   */
  on_failure?: 'failed' | 'troubleshooting' | 'note_only';
  /** Refused: opening other tasks is 4me's job, through the task's failure task. */
  troubleshooting_tasks?: string[];
}

export const STEP_IDS = { success: 'task_automation_result', failure: 'task_automation_failure' } as const;

/** Accepts `{{ expr }}` or a bare expression, and answers the bare JSONata. */
function bare(expr: string): string {
  const m = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(expr);
  return (m ? m[1]! : expr).trim();
}

const DEFAULT_TASK = "trigger.payload.task_id ? trigger.payload.task_id : (trigger.event = 'automation_rule' ? null : trigger.object_nodeID)";

function resultText(opt: TaskAutomation, steps: StepDef[]): string {
  const last = steps[steps.length - 1]?.id;
  const result = opt.result ? bare(opt.result) : last ? `steps.${last}` : 'null';
  return `{{ 'Hookflow job #' & $string(job.number) & ' (' & job.recipe & ') completed.' & ($exists(${result}) ? '\n\n' & ($type(${result}) = 'string' ? ${result} : $string(${result}, true)) : '') }}`;
}

const ERROR_TEXT = "{{ 'Hookflow job #' & $string(job.number) & ' (' & job.recipe & ') failed' & (error.step ? ' in step ' & error.step : '') & ': ' & error.message }}";

export function expandTaskAutomation(recipe: Recipe): Recipe {
  if (recipe.trigger.type !== '4me.webhook') return recipe;
  const opt = recipe.trigger.task_automation as TaskAutomation | undefined;
  if (!opt) return recipe;
  const connection = String(recipe.trigger.connection);
  const task = `{{ ${opt.task_id ? bare(opt.task_id) : DEFAULT_TASK} }}`;
  const note = opt.note_result !== false;
  const steps = [...recipe.steps];
  if (opt.complete_on_success !== false) {
    steps.push({ id: STEP_IDS.success, name: 'Note the result and complete the 4me task', action: '4me.task.complete', connection, with: { id: task, ...(note ? { note: resultText(opt, recipe.steps) } : {}) } });
  } else if (note) {
    steps.push({ id: STEP_IDS.success, name: 'Note the result on the 4me task', action: '4me.note.create', connection, with: { owner_id: task, owner_type: 'Task', text: resultText(opt, recipe.steps) } });
  }
  const onError: StepDef[] = [...(recipe.on_error ?? [])];
  if (opt.troubleshooting_tasks !== undefined) {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: "task_automation.troubleshooting_tasks is not supported: give the 4me task a failure task (the workflow template's, or the task's failure_task) and use on_failure: troubleshooting; 4me assigns it when the task fails" });
  }
  const mode = opt.on_failure ?? 'failed';
  if (mode === 'failed' || mode === 'troubleshooting') {
    const name = mode === 'failed' ? 'Note the error and fail the 4me task' : 'Note the error and fail the 4me task (4me assigns its failure task)';
    onError.push({ id: STEP_IDS.failure, name, action: '4me.task.fail', connection, with: { id: task, note: ERROR_TEXT } });
  } else {
    onError.push({ id: STEP_IDS.failure, name: 'Note the error on the 4me task', action: '4me.note.create', connection, with: { owner_id: task, owner_type: 'Task', text: ERROR_TEXT } });
  }
  return { ...recipe, steps, on_error: onError };
}

registerRecipeExpander(expandTaskAutomation);
