/**
 * @module ops/actions
 * The actions table: one row per `human.action` step run, numbered within its request (job).
 * A row is opened idempotently (a step resumed after a crash finds its own row), and closed only
 * `WHERE status = 'open'`, so of two racing closers exactly one wins.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import type { OpsActionsTable } from '../store/schema.js';
import type { Selectable } from 'kysely';
import { HookflowError } from '../errors.js';
import { globalId } from './ids.js';
import type { DataItem } from './params.js';

export type ActionRow = Selectable<OpsActionsTable>;
export type Exception = 'timeout' | 'cancel' | 'exception';

export interface NewAction {
  job: { id: string; number: number; recipe: string };
  stepId: string;
  activityName: string;
  assigneeUserId: number | null;
  assigneeRole: string | null;
  form: DataItem[] | null;
  exceptions: Exception[];
  instructions: string | null;
  dueAt: number | null;
}

export async function openAction(trx: Transaction<DB>, a: NewAction, now = Date.now()): Promise<ActionRow> {
  const existing = await trx.selectFrom('ops_actions').selectAll().where('job_id', '=', a.job.id).where('step_id', '=', a.stepId).executeTakeFirst();
  if (existing) return norm(existing);
  const max = await trx.selectFrom('ops_actions').select((eb) => eb.fn.max('number').as('m')).where('job_id', '=', a.job.id).executeTakeFirst();
  await trx.insertInto('ops_actions').values({
    job_id: a.job.id, job_number: a.job.number, step_id: a.stepId, number: Number(max?.m ?? 0) + 1, recipe: a.job.recipe,
    activity_name: a.activityName, status: 'open', assignee_user_id: a.assigneeUserId, assignee_role: a.assigneeRole,
    form: a.form ? JSON.stringify(a.form) : null, exceptions: JSON.stringify(a.exceptions), instructions: a.instructions,
    due_at: a.dueAt, created_at: now, closed_at: null, closed_by: null,
  }).execute();
  return norm(await trx.selectFrom('ops_actions').selectAll().where('job_id', '=', a.job.id).where('step_id', '=', a.stepId).executeTakeFirstOrThrow());
}

export async function actionOfStep(db: Kysely<DB>, jobId: string, stepId: string): Promise<ActionRow | null> {
  const r = await db.selectFrom('ops_actions').selectAll().where('job_id', '=', jobId).where('step_id', '=', stepId).executeTakeFirst();
  return r ? norm(r) : null;
}

export async function findAction(db: Kysely<DB>, request: number, number: number): Promise<ActionRow> {
  const r = await db.selectFrom('ops_actions').selectAll().where('job_number', '=', request).where('number', '=', number).executeTakeFirst();
  if (!r) throw new HookflowError('HF_ERR_OPS_ACTION_UNKNOWN', { action: `${request}---${number}` });
  return norm(r);
}

/** Closes an open action; false when someone else closed it first. */
export async function closeAction(trx: Transaction<DB>, id: number, status: string, by: number | null, now = Date.now()): Promise<boolean> {
  const r = await trx.updateTable('ops_actions').set({ status, closed_at: now, closed_by: by }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export interface ActionView {
  id: string;
  request_number: number;
  number: number;
  job_id: string;
  recipe: string;
  step_id: string;
  activity_name: string;
  status: string;
  assignee: string | null;
  assignee_role: string | null;
  form: DataItem[] | null;
  exceptions: Exception[];
  instructions: string | null;
  due_at: string | null;
  created_at: string;
  closed_at: string | null;
  closed_by: string | null;
}

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

export function actionView(r: ActionRow, names: Map<number, string>): ActionView {
  return {
    id: globalId('Action', r.job_number, r.number), request_number: r.job_number, number: r.number, job_id: r.job_id, recipe: r.recipe,
    step_id: r.step_id, activity_name: r.activity_name, status: r.status,
    assignee: r.assignee_user_id === null ? null : names.get(r.assignee_user_id) ?? null, assignee_role: r.assignee_role,
    form: r.form ? JSON.parse(r.form) : null, exceptions: JSON.parse(r.exceptions), instructions: r.instructions,
    due_at: iso(r.due_at), created_at: iso(r.created_at)!, closed_at: iso(r.closed_at), closed_by: r.closed_by === null ? null : names.get(r.closed_by) ?? null,
  };
}

/** Epoch-ms and ids come back as strings from PostgreSQL bigints. */
function norm(r: ActionRow): ActionRow {
  return {
    ...r, id: Number(r.id), job_number: Number(r.job_number), number: Number(r.number),
    assignee_user_id: r.assignee_user_id === null ? null : Number(r.assignee_user_id), closed_by: r.closed_by === null ? null : Number(r.closed_by),
    due_at: r.due_at === null ? null : Number(r.due_at), created_at: Number(r.created_at), closed_at: r.closed_at === null ? null : Number(r.closed_at),
  };
}
