/**
 * @module ops/queries
 * Lists of actions for people and admins: "my actions" are the ones assigned to me by name plus,
 * while nobody holds them, the ones assigned to a role I have.
 */
import type { Store } from '../store/types.js';
import type { User, UserService } from '../services/users.js';
import { actionView, type ActionRow, type ActionView } from './actions.js';

export interface ActionQuery {
  /** Only actions this user may pick up; omit for every action. */
  for?: User;
  /** open (default), all, or one closed status. */
  status?: string;
  request?: number;
  limit?: number;
}

export async function listActions(store: Store, users: UserService, q: ActionQuery): Promise<ActionView[]> {
  let query = store.db.selectFrom('ops_actions').selectAll().orderBy('id', 'desc').limit(Math.min(Math.max(q.limit ?? 100, 1), 1000));
  const status = q.status ?? 'open';
  if (status !== 'all') query = query.where('status', '=', status);
  if (q.request !== undefined) query = query.where('job_number', '=', q.request);
  const u = q.for;
  if (u) {
    const roles = [...u.workflow_roles, ...(u.roles.includes('admin') ? ['admin'] : [])];
    query = query.where((eb) => eb.or([
      eb('assignee_user_id', '=', u.id),
      ...(roles.length ? [eb.and([eb('assignee_user_id', 'is', null), eb('assignee_role', 'in', roles)])] : []),
    ]));
  }
  const rows = await query.execute();
  return views(users, rows as ActionRow[]);
}

export async function views(users: UserService, rows: ActionRow[]): Promise<ActionView[]> {
  const names = new Map((await users.list()).map((x) => [x.id, x.username]));
  return rows.map((r) => actionView({ ...r, id: Number(r.id), job_number: Number(r.job_number), assignee_user_id: r.assignee_user_id === null ? null : Number(r.assignee_user_id), closed_by: r.closed_by === null ? null : Number(r.closed_by) }, names));
}
