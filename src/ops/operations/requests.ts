/**
 * @module ops/operations/requests
 * createRequest, updateRequestDataset, cancelRequest. A request is a job: createRequest inserts
 * it in its own transaction (so its number is known and written into the trigger data before any
 * worker can see it), and answers only after that committed.
 */
import { toNewJob } from '../../queue/index.js';
import { titleOf } from '../../recipes/title.js';
import type { User } from '../../services/users.js';
import { HookflowError } from '../../errors.js';
import { denied, hasSystemAccess, isManager, isSupervisor, mayCreate } from '../access.js';
import { globalId } from '../ids.js';
import { parseParameters } from '../params.js';
import { FINAL, loadRequest, type LoadedRequest } from '../request.js';
import type { OperationTrigger } from '../processes.js';
import type { OpCall } from '../service.js';

const person = (u: User) => ({ id: globalId('User', u.id), number: u.id, username: u.username, display_name: u.display_name, email: u.email });

export async function createRequest({ deps, operation, input, actor }: OpCall): Promise<Record<string, unknown>> {
  if (!mayCreate(actor.user)) throw denied(actor.user, 'create requests (needs participant, supervisor, process manager or admin)');
  const proc = await deps.processes.resolve(input, operation);
  if (!proc.enabled) throw new HookflowError('HF_ERR_OPS_PROCESS_CLOSED', { process: proc.processName, reason: ' (its recipe is stopped)' });
  if (proc.trigger.allow_create === false) throw new HookflowError('HF_ERR_OPS_PROCESS_CLOSED', { process: proc.processName, reason: ' (allow_create is false)' });
  const test = input.isTest ?? input.inTest ?? false;
  if (typeof test !== 'boolean') throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'isTest must be true or false' });
  const parameters = await parseParameters(input.parameters, {
    operation, items: proc.trigger.data ?? [], where: `data item of process ${proc.processName}`, files: deps.files, checkRequired: true,
  });
  const now = Date.now();
  const job = toNewJob({ recipe: proc.recipe, recipe_version: proc.version, trigger: null, concurrency_key: proc.concurrency ? proc.recipe : null }, now);
  let made: unknown;
  const number = await deps.store.tx(async (trx) => {
    const row = await trx.insertInto('jobs').values({ ...job, status: 'queued', claims: 0 }).returning('number').executeTakeFirstOrThrow();
    const n = Number(row.number);
    const trigger = {
      request: { number: n, id: globalId('Request', n), parameters, is_test: test, process: { id: globalId('Process', proc.id), name: proc.processName, version: proc.processVersion } },
      user: person(actor.viewer), on_behalf_of: actor.delegated ? person(actor.user) : null,
    };
    await trx.updateTable('jobs').set({ trigger: JSON.stringify(trigger) }).where('id', '=', job.id).execute();
    made = trigger;
    return n;
  });
  // The trigger holds the request number, known only inside the insert; the title follows the commit (a failure only costs it).
  const title = proc.title ? await titleOf({ name: proc.recipe, title: proc.title }, made) : null;
  if (title) await deps.store.db.updateTable('jobs').set({ title }).where('id', '=', job.id).execute().catch(() => undefined);
  deps.notify();
  return { processName: proc.processName, processVersion: proc.processVersion, requestId: globalId('Request', number), number };
}

export async function updateRequestDataset({ deps, operation, input, actor }: OpCall): Promise<Record<string, unknown>> {
  if (!hasSystemAccess(actor.viewer)) throw new HookflowError('HF_ERR_OPS_SYSTEM_ACCESS', { user: actor.viewer.username, operation });
  const req = await loadRequest(deps.store.db, input, operation);
  if (FINAL.has(req.job.status)) throw new HookflowError('HF_ERR_OPS_REQUEST_CLOSED', { request: String(req.job.number), status: req.job.status });
  const def = (await deps.recipes.definition(req.job.recipe, req.job.recipe_version)).recipe;
  const items = def.trigger.type === 'operation' ? ((def.trigger as OperationTrigger).data ?? []) : null;
  const values = await parseParameters(input.parameters, { operation, items, where: `data item of process ${req.job.recipe}`, files: deps.files });
  await deps.store.tx(async (trx) => {
    // Re-read inside the transaction: two updates at once must both land.
    const cur = await trx.selectFrom('jobs').select(['trigger', 'status']).where('id', '=', req.job.id).executeTakeFirstOrThrow();
    if (FINAL.has(cur.status)) throw new HookflowError('HF_ERR_OPS_REQUEST_CLOSED', { request: String(req.job.number), status: cur.status });
    const t = JSON.parse(cur.trigger) ?? {};
    t.request = { ...(t.request ?? {}), parameters: { ...(t.request?.parameters ?? {}), ...values } };
    await trx.updateTable('jobs').set({ trigger: JSON.stringify(t) }).where('id', '=', req.job.id).execute();
  });
  return { number: req.job.number, id: globalId('Request', req.job.number) };
}

export async function cancelRequest({ deps, operation, input, actor }: OpCall): Promise<Record<string, unknown>> {
  const req = await loadRequest(deps.store.db, input, operation);
  const u = actor.user;
  if (!(isManager(u) || isSupervisor(u) || req.creators.includes(u.id))) throw denied(u, `cancel request ${req.job.number}`);
  if (FINAL.has(req.job.status)) throw new HookflowError('HF_ERR_OPS_REQUEST_CLOSED', { request: String(req.job.number), status: req.job.status });
  const now = Date.now();
  await deps.store.tx(async (trx) => {
    const r = await trx.updateTable('jobs')
      .set({ status: 'canceled', finished_at: now, locked_by: null, locked_until: null, error: JSON.stringify({ code: 'HF_ERR_JOB_CANCELED', message: 'The job was canceled' }) })
      .where('id', '=', req.job.id).where('status', 'in', ['queued', 'waiting', 'running']).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new HookflowError('HF_ERR_OPS_REQUEST_CLOSED', { request: String(req.job.number), status: 'finished' });
    await trx.updateTable('ops_actions').set({ status: 'request_canceled', closed_at: now, closed_by: u.id }).where('job_id', '=', req.job.id).where('status', '=', 'open').execute();
  });
  const notifyParticipant = input.notifyParticipant === true;
  if (notifyParticipant) void notifyParticipants(deps, req, u, now);
  return { number: req.job.number, id: globalId('Request', req.job.number), notifyParticipant };
}

/**
 * `notifyParticipant`: mails the request's participants (its creators and the assignees of its
 * actions, not the person canceling) after the cancel committed. Best effort: a mail that fails
 * is logged and never undoes or delays the cancel.
 */
async function notifyParticipants(deps: OpCall['deps'], req: LoadedRequest, by: OpCall['actor']['user'], at: number): Promise<void> {
  if (!deps.mailer) return;
  try {
    const ids = new Set<number>([...req.creators, ...req.actions.map((a) => a.assignee_user_id).filter((n): n is number => n !== null)]);
    ids.delete(by.id);
    if (ids.size === 0) return;
    const rows = await deps.store.db.selectFrom('users').select(['email']).where('id', 'in', [...ids]).execute();
    const to = [...new Set(rows.map((r) => r.email).filter((e): e is string => !!e))];
    if (to.length === 0) return;
    const open = req.actions.filter((a) => a.status === 'open').map((a) => `- ${a.activity_name}`);
    await deps.mailer.send(to, `Request ${req.job.number} (${req.job.recipe}) was canceled`, [
      `Request ${req.job.number} of process ${req.job.recipe} was canceled by ${by.username} at ${new Date(at).toISOString()}.`,
      ...(open.length ? ['', 'These actions were closed:', ...open] : []),
    ].join('\n'));
  } catch (e) {
    deps.log?.warn({ err: e, request: req.job.number }, 'notifyParticipant mail failed');
  }
}
