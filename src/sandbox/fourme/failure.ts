/**
 * @module sandbox/fourme/failure
 * What 4me does when a workflow task is failed or rejected: the task's failure task ("the task
 * that will be assigned in case this task is failed or rejected", Task.failureTask in the official
 * SDK; `failure_task` in the REST API) is assigned, and the workflow's manager is told. Without a
 * failure task the workflow's progress halts. No other task's status is touched.
 */
import type { Rec, SandboxState } from './state.js';
import type { SandboxWebhooks } from './webhooks.js';

export interface Notification { to: string | null; subject: string; text: string; taskId: number; at: number }

export function taskFinished(state: SandboxState, hooks: SandboxWebhooks, task: Rec, person: Rec | null): void {
  if (task.status !== 'failed' && task.status !== 'rejected') return;
  const wf = task.workflowId ? state.records.get('Workflow')?.get(Number(task.workflowId)) : undefined;
  const manager = wf?.managerId ? state.records.get('Person')?.get(Number(wf.managerId)) : undefined;
  const failureTask = task.failureTaskId ? state.records.get('Task')?.get(Number(task.failureTaskId)) : undefined;
  if (failureTask && failureTask.status !== 'assigned') {
    const prev = String(failureTask.status);
    Object.assign(failureTask, { status: 'assigned', updatedAt: state.now(), changed: ['status'] });
    state.emitChange({ type: 'Task', record: failureTask, kind: 'status-changed', previousStatus: prev, person });
  } else if (!failureTask && wf && wf.status !== 'progress_halted') {
    wf.status = 'progress_halted';
    wf.updatedAt = state.now();
  }
  hooks.notifications.push({
    to: manager ? String(manager.primaryEmail ?? manager.name) : null,
    subject: `Task ${task.id} ${String(task.status)}: ${String(task.subject)}`,
    text: failureTask ? `Failure task ${failureTask.id} (${String(failureTask.subject)}) is assigned.` : `Workflow ${String(wf?.id ?? '-')} progress halted.`,
    taskId: task.id, at: state.now(),
  });
}
