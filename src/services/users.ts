/**
 * @module services/users
 * The one user directory. API tokens and sessions live in services/api-tokens; this service owns
 * the rules that tie them to people: disabling or deleting a user ends its tokens at once, and
 * the last enabled admin can be neither demoted, disabled nor deleted.
 */
import type { Store } from '../store/types.js';
import { HookflowError } from '../errors.js';
import { TokenService } from './api-tokens.js';
import { ROLES, WORKFLOW_ROLES, highestRole, roleAllows, toUser, type Principal, type Role, type User } from './roles.js';

export { ROLES, WORKFLOW_ROLES, roleAllows, type Principal, type Role, type User } from './roles.js';

export interface UserPatch {
  display_name?: string;
  email?: string | null;
  roles?: string[];
  workflow_roles?: string[];
  disabled?: boolean;
}

function checkRoles(roles: readonly string[] | undefined, workflow: readonly string[] | undefined): void {
  for (const r of roles ?? []) if (!ROLES.includes(r as Role)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `unknown role ${r}; use ${ROLES.join(', ')}` });
  for (const r of workflow ?? []) if (!WORKFLOW_ROLES.includes(r as never)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `unknown workflow role ${r}` });
}

export class UserService {
  readonly tokens: TokenService;

  constructor(private readonly store: Store) {
    this.tokens = new TokenService(store);
  }

  async create(input: { username: string; display_name?: string; email?: string; roles?: string[]; workflow_roles?: string[] }): Promise<User> {
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(input.username)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'username may hold letters, digits and . _ @ - (1-64)' });
    const roles = input.roles ?? ['viewer'];
    checkRoles(roles, input.workflow_roles);
    const exists = await this.store.db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (exists) throw new HookflowError('HF_ERR_CONFLICT', { reason: `user ${input.username} exists` });
    await this.store.db.insertInto('users').values({
      username: input.username, display_name: input.display_name ?? input.username, email: input.email ?? null,
      roles: JSON.stringify(roles), workflow_roles: JSON.stringify(input.workflow_roles ?? []), created_at: Date.now(), deleted_at: null,
    }).execute();
    return this.get(input.username);
  }

  async get(username: string): Promise<User> {
    const r = await this.store.db.selectFrom('users').selectAll().where('username', '=', username).where('deleted_at', 'is', null).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `User ${username}` });
    return toUser(r);
  }

  /** Also finds deleted users: jobs, actions and teams that name one keep resolving. */
  async getById(id: number): Promise<User> {
    const r = await this.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `User ${id}` });
    return toUser(r);
  }

  /**
   * Display name, email, roles, workflow roles and `disabled`; the username stays (tokens and
   * actions refer to the id). `actor`, when given, may not raise their own role.
   */
  async update(username: string, patch: UserPatch, actor?: Principal): Promise<User> {
    const cur = await this.get(username);
    checkRoles(patch.roles, patch.workflow_roles);
    if (actor && actor.user.id === cur.id && patch.roles) {
      const want = highestRole(patch.roles);
      if (want && !roleAllows(actor.role, want)) throw new HookflowError('HF_ERR_FORBIDDEN', { role: actor.role, action: `raise their own role to ${want}` });
    }
    const losesAdmin = (patch.roles !== undefined && !patch.roles.includes('admin')) || patch.disabled === true;
    if (losesAdmin && cur.roles.includes('admin') && !cur.disabled) await this.#keepAnAdmin(cur.id);
    await this.store.db.updateTable('users').set({
      display_name: patch.display_name ?? cur.display_name, email: patch.email === undefined ? cur.email : patch.email,
      roles: JSON.stringify(patch.roles ?? cur.roles), workflow_roles: JSON.stringify(patch.workflow_roles ?? cur.workflow_roles),
      disabled: (patch.disabled ?? cur.disabled) ? 1 : 0,
    }).where('id', '=', cur.id).execute();
    // The auth join refuses a disabled user's tokens already; they are revoked too, so enabling the
    // user again does not bring old credentials back.
    if (patch.disabled) await this.tokens.revokeAllOf(cur.id);
    return this.get(username);
  }

  /**
   * Deletes a user: its tokens and sessions go, its team memberships go; the row stays under a
   * freed username so the jobs, actions and history that name it stay readable.
   */
  async delete(username: string): Promise<void> {
    const cur = await this.get(username);
    if (cur.roles.includes('admin') && !cur.disabled) await this.#keepAnAdmin(cur.id);
    await this.store.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('api_tokens').where('user_id', '=', cur.id).execute();
      await tx.deleteFrom('team_members').where('user_id', '=', cur.id).execute();
      await tx.updateTable('users').set({ deleted_at: Date.now(), disabled: 1, username: `${cur.username}~deleted~${cur.id}` }).where('id', '=', cur.id).execute();
    });
  }

  async #keepAnAdmin(exceptId: number): Promise<void> {
    const others = await this.store.db.selectFrom('users').select(['roles']).where('id', '!=', exceptId).where('disabled', '=', 0).where('deleted_at', 'is', null).execute();
    if (!others.some((o) => (JSON.parse(o.roles) as string[]).includes('admin'))) throw new HookflowError('HF_ERR_CONFLICT', { reason: 'the last enabled admin cannot be demoted, disabled or deleted' });
  }

  async list(): Promise<User[]> {
    return (await this.store.db.selectFrom('users').selectAll().where('deleted_at', 'is', null).orderBy('id').execute()).map(toUser);
  }

  /** A token may carry at most the highest role its user has. */
  async createToken(username: string, role: Role, name = 'cli', token?: string, expiresIn?: number): Promise<{ token: string; id: number; expires_at: string | null }> {
    const user = await this.get(username);
    return this.tokens.create(user.id, role, { name, token, expiresIn });
  }

  authenticate(token: string): Promise<Principal | null> {
    return this.tokens.authenticate(token);
  }

  hasAnyToken(): Promise<boolean> {
    return this.tokens.hasAny();
  }

  /** First start: an admin user with the given token (HOOKFLOW_ADMIN_TOKEN) or a new one, printed once. */
  async bootstrapAdmin(token?: string): Promise<string | null> {
    if (token) {
      // Known by hash, even when its user is disabled now: never a second row for the same token.
      if (await this.tokens.exists(token)) return null;
    } else if (await this.hasAnyToken()) {
      return null;
    }
    const admin = await this.store.db.selectFrom('users').select('username').where('username', '=', 'admin').where('deleted_at', 'is', null).executeTakeFirst();
    if (!admin) await this.create({ username: 'admin', display_name: 'Administrator', roles: ['admin'], workflow_roles: ['system_access'] });
    const created = await this.createToken('admin', 'admin', 'bootstrap', token);
    return token ? null : created.token;
  }
}
