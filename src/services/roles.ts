/**
 * @module services/roles
 * Configuration roles, their order, and the user and principal shapes the API sees.
 */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const WORKFLOW_ROLES = ['process_manager', 'supervisor', 'participant', 'system_access'] as const;

export interface User {
  id: number;
  username: string;
  display_name: string;
  email: string | null;
  roles: Role[];
  workflow_roles: string[];
  disabled: boolean;
  created_at: string;
}

export interface Principal {
  user: User;
  /** The effective role: the lower of the token's role and the user's current highest role. */
  role: Role;
  tokenId: number;
  kind: 'api' | 'session';
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

export function highestRole(roles: readonly string[]): Role | undefined {
  let top: Role | undefined;
  for (const r of roles) if (r in RANK && (!top || RANK[r as Role] > RANK[top])) top = r as Role;
  return top;
}

export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

interface UserRow { id: number; username: string; display_name: string; email: string | null; roles: string; workflow_roles: string; created_at: number; disabled?: number | null }

export function toUser(r: UserRow): User {
  return {
    id: Number(r.id), username: r.username, display_name: r.display_name, email: r.email,
    roles: JSON.parse(r.roles), workflow_roles: JSON.parse(r.workflow_roles), disabled: !!r.disabled, created_at: new Date(Number(r.created_at)).toISOString(),
  };
}
