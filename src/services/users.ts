/**
 * @module services/users
 * The one user directory, and API tokens that belong to users.
 */
import type { Store } from '../store/types.js';
import { HookflowError } from '../errors.js';
import { hashToken, newApiToken } from './tokens.js';

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
  created_at: string;
}

export interface Principal {
  user: User;
  role: Role;
  tokenId: number;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

function toUser(r: { id: number; username: string; display_name: string; email: string | null; roles: string; workflow_roles: string; created_at: number }): User {
  return { ...r, id: Number(r.id), roles: JSON.parse(r.roles), workflow_roles: JSON.parse(r.workflow_roles), created_at: new Date(Number(r.created_at)).toISOString() };
}

export class UserService {
  // Token checks sit on every API call; a short cache spares the lookup without keeping a revoked token alive long.
  readonly #cache = new Map<string, { p: Principal; until: number }>();

  constructor(private readonly store: Store) {}

  async create(input: { username: string; display_name?: string; email?: string; roles?: string[]; workflow_roles?: string[] }): Promise<User> {
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(input.username)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'username may hold letters, digits and . _ @ - (1-64)' });
    const roles = input.roles ?? ['viewer'];
    for (const r of roles) if (!ROLES.includes(r as Role)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `unknown role ${r}; use ${ROLES.join(', ')}` });
    for (const r of input.workflow_roles ?? []) if (!WORKFLOW_ROLES.includes(r as never)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `unknown workflow role ${r}` });
    const exists = await this.store.db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (exists) throw new HookflowError('HF_ERR_CONFLICT', { reason: `user ${input.username} exists` });
    await this.store.db.insertInto('users').values({
      username: input.username, display_name: input.display_name ?? input.username, email: input.email ?? null,
      roles: JSON.stringify(roles), workflow_roles: JSON.stringify(input.workflow_roles ?? []), created_at: Date.now(),
    }).execute();
    return this.get(input.username);
  }

  async get(username: string): Promise<User> {
    const r = await this.store.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `User ${username}` });
    return toUser(r);
  }

  async getById(id: number): Promise<User> {
    const r = await this.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `User ${id}` });
    return toUser(r);
  }

  /** Display name, email, roles and workflow roles; the username stays (tokens and actions refer to the id). */
  async update(username: string, patch: { display_name?: string; email?: string | null; roles?: string[]; workflow_roles?: string[] }): Promise<User> {
    const cur = await this.get(username);
    for (const r of patch.roles ?? []) if (!ROLES.includes(r as Role)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `unknown role ${r}; use ${ROLES.join(', ')}` });
    for (const r of patch.workflow_roles ?? []) if (!WORKFLOW_ROLES.includes(r as never)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `unknown workflow role ${r}` });
    await this.store.db.updateTable('users').set({
      display_name: patch.display_name ?? cur.display_name, email: patch.email === undefined ? cur.email : patch.email,
      roles: JSON.stringify(patch.roles ?? cur.roles), workflow_roles: JSON.stringify(patch.workflow_roles ?? cur.workflow_roles),
    }).where('id', '=', cur.id).execute();
    this.#cache.clear();
    return this.get(username);
  }

  async list(): Promise<User[]> {
    return (await this.store.db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
  }

  /** A token may carry at most the highest role its user has. */
  async createToken(username: string, role: Role, name = 'cli', token = newApiToken()): Promise<{ token: string; id: number }> {
    const user = await this.get(username);
    if (!ROLES.includes(role)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `unknown role ${role}` });
    if (!user.roles.some((r) => roleAllows(r, role))) throw new HookflowError('HF_ERR_FORBIDDEN', { role: user.roles.join('/'), action: `hold a ${role} token` });
    const r = await this.store.db.insertInto('api_tokens').values({ user_id: user.id, name, token_hash: hashToken(token), role, created_at: Date.now(), last_used_at: null })
      .returning('id').executeTakeFirstOrThrow();
    return { token, id: Number(r.id) };
  }

  async authenticate(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    const hit = this.#cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.p;
    const r = await this.store.db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id as tid', 'api_tokens.role as trole', 'users.id', 'users.username', 'users.display_name', 'users.email', 'users.roles', 'users.workflow_roles', 'users.created_at'])
      .where('token_hash', '=', hash).executeTakeFirst();
    if (!r) return null;
    const p: Principal = { user: toUser(r), role: r.trole as Role, tokenId: Number(r.tid) };
    this.#cache.set(hash, { p, until: Date.now() + 5000 });
    return p;
  }

  async hasAnyToken(): Promise<boolean> {
    return !!(await this.store.db.selectFrom('api_tokens').select('id').limit(1).executeTakeFirst());
  }

  /** First start: an admin user with the given token (HOOKFLOW_ADMIN_TOKEN) or a new one, printed once. */
  async bootstrapAdmin(token?: string): Promise<string | null> {
    if (token) {
      const known = await this.authenticate(token);
      if (known) return null;
    } else if (await this.hasAnyToken()) {
      return null;
    }
    const admin = await this.store.db.selectFrom('users').select('username').where('username', '=', 'admin').executeTakeFirst();
    if (!admin) await this.create({ username: 'admin', display_name: 'Administrator', roles: ['admin'], workflow_roles: ['system_access'] });
    const created = await this.createToken('admin', 'admin', 'bootstrap', token);
    return token ? null : created.token;
  }
}
