/**
 * @module ops/access
 * Who may do what. The viewer is the application's impersonated user (or the default identity);
 * in delegation mode the viewer acts on behalf of another user, whose rights then count.
 *  - create a request: admin, process manager, supervisor or participant;
 *  - system operations (updateRequestDataset, cancelAction): the viewer has system access;
 *  - delegate: the viewer is an admin or has system access;
 *  - a request is visible to admins, process managers, supervisors, its creator and the people
 *    its actions are assigned to (by name or by role);
 *  - complete an action: its assignee (or, while unassigned, a holder of its role), an admin or
 *    a process manager; assign: those and supervisors; cancel: see `mayCancelAction`.
 */
import type { User } from '../services/users.js';
import { HookflowError } from '../errors.js';
import type { ActionRow } from './actions.js';

export interface Actor {
  viewer: User;
  /** The delegator in delegation mode, else the viewer. */
  user: User;
  delegated: boolean;
}

const wf = (u: User, r: string) => u.workflow_roles.includes(r);
export const isManager = (u: User) => u.roles.includes('admin') || wf(u, 'process_manager');
export const isSupervisor = (u: User) => wf(u, 'supervisor');
export const hasSystemAccess = (u: User) => wf(u, 'system_access');
export const mayCreate = (u: User) => isManager(u) || isSupervisor(u) || wf(u, 'participant');
export const mayDelegate = (u: User) => u.roles.includes('admin') || hasSystemAccess(u);

export function isAssignee(u: User, a: ActionRow): boolean {
  if (a.assignee_user_id !== null) return a.assignee_user_id === u.id;
  return a.assignee_role !== null && (wf(u, a.assignee_role) || (a.assignee_role === 'admin' && u.roles.includes('admin')));
}

export const mayComplete = (u: User, a: ActionRow) => isAssignee(u, a) || isManager(u);
export const mayAssign = (u: User, a: ActionRow) => isManager(u) || isSupervisor(u) || isAssignee(u, a);

/** WorkflowGen's rule: an administrator or process manager, a supervisor (who holds the cancel right here), or the assignee. */
export const mayCancelAction = (u: User, a: ActionRow) => isManager(u) || isSupervisor(u) || isAssignee(u, a);

export function seesRequest(u: User, creatorIds: number[], actions: ActionRow[]): boolean {
  return isManager(u) || isSupervisor(u) || creatorIds.includes(u.id) || actions.some((a) => isAssignee(u, a) || a.closed_by === u.id);
}

export function denied(u: User, action: string): HookflowError {
  return new HookflowError('HF_ERR_OPS_SECURITY', { user: u.username, action });
}
