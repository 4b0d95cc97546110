/**
 * @module sandbox/fourme/rest-tasks
 * REST `/v1/tasks` as the Xurrent REST documentation shows it, reduced to what wiring a task
 * automation needs: create a task in a workflow, read it, and set its `failure_task` (input
 * `failure_task_id`, "the task that will be assigned in case this task is failed or rejected").
 * `:id` takes the numeric id or the nodeID, as 4me's does; references in the body take numeric ids.
 */
import type http from 'node:http';
import type { Rec, SandboxState } from './state.js';
import type { SandboxWebhooks } from './webhooks.js';
import { send } from './server.js';
import { taskFinished } from './failure.js';

const STATUSES = ['registered', 'declined', 'assigned', 'accepted', 'in_progress', 'waiting_for', 'waiting_for_customer', 'request_pending', 'failed', 'rejected', 'completed', 'approved', 'canceled'];

function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function taskJson(state: SandboxState, t: Rec) {
  const ref = (type: string, id: unknown) => {
    const r = id ? state.records.get(type)?.get(Number(id)) : undefined;
    return r ? { id: r.id, subject: r.subject } : null;
  };
  return {
    id: t.id, subject: t.subject, status: t.status, category: t.category, instructions: t.instructions ?? null,
    workflow: ref('Workflow', t.workflowId), failure_task: ref('Task', t.failureTaskId),
    created_at: iso(t.createdAt), updated_at: iso(t.updatedAt),
  };
}

/** Checks the body's references; answers an error message, or null when all is well. */
function refs(state: SandboxState, body: Record<string, unknown>, patch: Record<string, unknown>, self?: Rec): string | null {
  if (body.workflow_id !== undefined) {
    if (!state.records.get('Workflow')?.get(Number(body.workflow_id))) return 'workflow_id does not identify a workflow';
    patch.workflowId = Number(body.workflow_id);
  }
  if (body.failure_task_id !== undefined) {
    if (body.failure_task_id === null || body.failure_task_id === '') { patch.failureTaskId = null; return null; }
    const ft = state.records.get('Task')?.get(Number(body.failure_task_id));
    if (!ft || ft === self) return 'failure_task_id does not identify another task';
    patch.failureTaskId = ft.id;
  }
  if (body.status !== undefined && !STATUSES.includes(String(body.status))) return `status is not one of ${STATUSES.join(', ')}`;
  for (const k of ['subject', 'category', 'instructions', 'status']) if (body[k] !== undefined) patch[k] = body[k];
  return null;
}

export function restTasks(state: SandboxState, hooks: SandboxWebhooks, me: Rec, method: string, u: URL, body: Record<string, unknown>, res: http.ServerResponse, base: string): void {
  const m = /^\/v1\/tasks(?:\/([^/]+))?$/.exec(u.pathname);
  if (!m) return send(res, 404, { message: 'Not found' });
  if (!m[1]) {
    if (method === 'GET') return send(res, 200, state.all('Task').map((t) => taskJson(state, t)));
    if (method !== 'POST') return send(res, 405, { message: 'Method not allowed' });
    const patch: Record<string, unknown> = {};
    const err = !body.subject ? 'subject is required' : body.workflow_id === undefined ? 'workflow_id is required' : refs(state, body, patch);
    if (err) return send(res, 422, { message: 'Validation failed', errors: [err] });
    const t = state.create('Task', { category: 'implementation', status: 'registered', ...patch });
    state.emitChange({ type: 'Task', record: t, kind: 'create', person: me });
    return send(res, 201, taskJson(state, t), { location: `${base}/v1/tasks/${t.id}` });
  }
  const t = state.byId('Task', m[1]);
  if (!t) return send(res, 404, { message: 'Not found' });
  if (method === 'GET') return send(res, 200, taskJson(state, t));
  if (method !== 'PATCH') return send(res, 405, { message: 'Method not allowed' });
  const patch: Record<string, unknown> = {};
  const err = refs(state, body, patch, t);
  if (err) return send(res, 422, { message: 'Validation failed', errors: [err] });
  const prev = t.status;
  Object.assign(t, patch, { updatedAt: state.now(), changed: Object.keys(patch) });
  state.emitChange({ type: 'Task', record: t, kind: 'update', person: me });
  if (t.status !== prev) {
    state.emitChange({ type: 'Task', record: t, kind: 'status-changed', previousStatus: String(prev), person: me });
    taskFinished(state, hooks, t, me);
  }
  return send(res, 200, taskJson(state, t));
}
