/**
 * @module ops/operations/actions
 * completeAction, cancelAction, assignAction, cancelActionAssignment. Closing an action and
 * ending its step's wait commit in one transaction: the action row is closed `WHERE status =
 * 'open'` and the step completed only while suspended, so of two racing calls exactly one wins.
 */
import { completeSuspendedStep } from '../../engine/resume.js';
import { HookflowError } from '../../errors.js';
import type { User } from '../../services/users.js';
import { denied, hasSystemAccess, isManager, isSupervisor, mayAssign, mayCancelAction, mayComplete, seesRequest } from '../access.js';
import { closeAction, type ActionRow } from '../actions.js';
import { globalId, parseId } from '../ids.js';
import { parseParameters } from '../params.js';
import { FINAL, loadAction, requestByNumber } from '../request.js';
import type { OpCall } from '../service.js';

const ids = (a: ActionRow) => ({ id: globalId('Action', a.job_number, a.number), number: a.number, requestNumber: a.job_number });
const label = (a: ActionRow) => `${a.job_number}---${a.number}`;

/** An action closed because its request ended answers with the request's state, the cause. */
function mustBeOpen(a: ActionRow): void {
  if (a.status === 'open') return;
  if (a.status === 'request_canceled') throw new HookflowError('HF_ERR_OPS_REQUEST_CLOSED', { request: String(a.job_number), status: 'canceled' });
  throw new HookflowError('HF_ERR_OPS_ACTION_CLOSED', { action: label(a), status: a.status });
}

/** Closes the action and writes its step's output in one transaction; throws the loser's error. */
async function finish(call: OpCall, a: ActionRow, status: string, output: Record<string, unknown>): Promise<void> {
  const { deps } = call;
  await deps.store.tx(async (trx) => {
    if (!(await closeAction(trx, a.id, status, call.actor.user.id))) {
      const now = await trx.selectFrom('ops_actions').select('status').where('id', '=', a.id).executeTakeFirst();
      throw new HookflowError('HF_ERR_OPS_ACTION_CLOSED', { action: label(a), status: now?.status ?? 'gone' });
    }
    // False while a worker holds the job (it is about to suspend or just woke): undo and ask to retry.
    if (!(await completeSuspendedStep(trx, a.job_id, a.step_id, output))) {
      const job = await trx.selectFrom('jobs').select('status').where('id', '=', a.job_id).executeTakeFirst();
      // A job canceled outside the operations API (jobs cancel) leaves its action open: say what happened.
      if (!job || FINAL.has(job.status)) throw new HookflowError('HF_ERR_OPS_REQUEST_CLOSED', { request: String(a.job_number), status: job?.status ?? 'deleted' });
      throw new HookflowError('HF_ERR_OPS_ACTION_BUSY', { request: String(a.job_number) });
    }
  });
  deps.notify();
}

function outcome(call: OpCall, a: ActionRow, kind: string, extra: Record<string, unknown> = {}) {
  const { actor } = call;
  return { id: globalId('Action', a.job_number, a.number), number: a.number, outcome: kind, by: actor.user.username, on_behalf_of_viewer: actor.delegated ? actor.viewer.username : null, at: new Date().toISOString(), ...extra };
}

export async function completeAction(call: OpCall): Promise<Record<string, unknown>> {
  const { deps, operation, input, actor } = call;
  const a = await loadAction(deps.store.db, input, operation);
  if (!mayComplete(actor.user, a)) throw denied(actor.user, `complete action ${label(a)}`);
  mustBeOpen(a);
  const form = a.form ? JSON.parse(a.form) : null;
  const values = await parseParameters(input.parameters, { operation, items: form, where: `field of the form of action ${label(a)}`, files: deps.files, checkRequired: !!form });
  await finish(call, a, 'completed', { ...values, _action: outcome(call, a, 'completed') });
  const req = await deps.store.db.selectFrom('jobs').select('trigger').where('id', '=', a.job_id).executeTakeFirst();
  const isTest = req ? (JSON.parse(req.trigger) as { request?: { is_test?: boolean } } | null)?.request?.is_test === true : false;
  return { ...ids(a), activityName: a.activity_name, isTest };
}

export async function cancelAction(call: OpCall): Promise<Record<string, unknown>> {
  const { deps, operation, input, actor } = call;
  if (!hasSystemAccess(actor.viewer)) throw new HookflowError('HF_ERR_OPS_SYSTEM_ACCESS', { user: actor.viewer.username, operation });
  const type = input.type ?? 'CANCEL';
  if (type !== 'CANCEL' && type !== 'ERROR') throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'type must be CANCEL or ERROR' });
  const exception = input.exception === undefined || input.exception === null ? null : input.exception as Record<string, unknown>;
  if (exception !== null && (typeof exception !== 'object' || Array.isArray(exception))) throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'exception must be { message, source }' });
  const a = await loadAction(deps.store.db, input, operation);
  const req = await requestByNumber(deps.store.db, a.job_number);
  for (const u of new Set([actor.viewer, actor.user])) {
    if (!seesRequest(u, req.creators, req.actions)) throw denied(u, `see request ${a.job_number}`);
  }
  mustBeOpen(a);
  const paths = JSON.parse(a.exceptions) as string[];
  // on_exception is the default path: it also takes a CANCEL when the step has no on_cancel.
  const branch = type === 'CANCEL' ? (paths.includes('cancel') ? 'on_cancel' : paths.includes('exception') ? 'on_exception' : null) : paths.includes('exception') ? 'on_exception' : null;
  if (!branch) throw new HookflowError('HF_ERR_OPS_NO_EXCEPTION', { action: label(a), type });
  if (!(mayCancelAction(actor.viewer, a) || (actor.delegated && mayCancelAction(actor.user, a)))) throw denied(actor.user, `cancel action ${label(a)}`);
  const ex = exception ? { message: str(exception.message), source: str(exception.source) } : null;
  await finish(call, a, type === 'CANCEL' ? 'canceled' : 'error', { branch, _action: outcome(call, a, type === 'CANCEL' ? 'canceled' : 'error', { type, exception: ex }) });
  return { ...ids(a), type, exception: ex };
}

export async function assignAction(call: OpCall): Promise<Record<string, unknown>> {
  const { deps, operation, input, actor } = call;
  const a = await loadAction(deps.store.db, input, operation);
  const target = await assignee(call, input);
  if (!(isManager(actor.user) || isSupervisor(actor.user) || (target.id === actor.user.id && mayAssign(actor.user, a)))) {
    throw denied(actor.user, `assign action ${label(a)} to ${target.username}`);
  }
  mustBeOpen(a);
  await setAssignee(call, a, target.id);
  return { ...ids(a), assigneeId: globalId('User', target.id) };
}

export async function cancelActionAssignment(call: OpCall): Promise<Record<string, unknown>> {
  const { deps, operation, input, actor } = call;
  const a = await loadAction(deps.store.db, input, operation);
  const u = actor.user;
  if (!(isManager(u) || isSupervisor(u) || a.assignee_user_id === u.id)) throw denied(u, `cancel the assignment of action ${label(a)}`);
  mustBeOpen(a);
  await setAssignee(call, a, null);
  return { ...ids(a) };
}

async function assignee({ deps, operation }: OpCall, input: Record<string, unknown>): Promise<User> {
  if (input.assigneeId !== undefined && input.assigneeId !== null) {
    const id = parseId('User', input.assigneeId);
    return deps.users.getById(id).catch(() => { throw new HookflowError('HF_ERR_OPS_USER_UNKNOWN', { user: String(input.assigneeId) }); });
  }
  if (typeof input.assigneeUserName !== 'string') throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'give assigneeUserName or assigneeId' });
  const name = input.assigneeUserName;
  return deps.users.get(name).catch(() => { throw new HookflowError('HF_ERR_OPS_USER_UNKNOWN', { user: name }); });
}

async function setAssignee({ deps }: OpCall, a: ActionRow, userId: number | null): Promise<void> {
  const r = await deps.store.db.updateTable('ops_actions').set({ assignee_user_id: userId }).where('id', '=', a.id).where('status', '=', 'open').executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new HookflowError('HF_ERR_OPS_ACTION_CLOSED', { action: label(a), status: 'closed' });
}

const str = (v: unknown) => (v === undefined || v === null ? null : String(v));
