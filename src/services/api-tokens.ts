/**
 * @module services/api-tokens
 * API tokens and browser sessions. A token's rights are the lower of its own role and its user's
 * current highest role, read in the one join that authenticates it: demoting, disabling or
 * deleting a user takes effect on the very next request, in every process (no cache).
 */
import type { Store } from '../store/types.js';
import { HookflowError } from '../errors.js';
import { hashToken, newApiToken } from './tokens.js';
import { ROLES, highestRole, lowerRole, toUser, type Principal, type Role } from './roles.js';

/** last_used_at is written at most this often per token, so reads do not become writes. */
const TOUCH_MS = 60_000;

export interface TokenView {
  id: number;
  name: string;
  user: string;
  role: Role;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export class TokenService {
  constructor(private readonly store: Store) {}

  /** A new token for a user, with a role no higher than the user's own; `expiresIn` in seconds. */
  async create(userId: number, role: Role, opts: { name?: string; token?: string; expiresIn?: number; kind?: 'api' | 'session'; parentId?: number } = {}): Promise<{ token: string; id: number; expires_at: string | null }> {
    if (!ROLES.includes(role)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `unknown role ${role}` });
    const u = await this.store.db.selectFrom('users').select(['roles', 'disabled', 'deleted_at']).where('id', '=', userId).executeTakeFirst();
    if (!u || u.deleted_at !== null) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `User ${userId}` });
    if (u.disabled) throw new HookflowError('HF_ERR_CONFLICT', { reason: 'the user is disabled; enable it before creating tokens' });
    const top = highestRole(JSON.parse(u.roles) as Role[]);
    if (!top || lowerRole(top, role) !== role) throw new HookflowError('HF_ERR_FORBIDDEN', { role: top ?? 'none', action: `hold a ${role} token` });
    if (opts.expiresIn !== undefined && !(Number.isInteger(opts.expiresIn) && opts.expiresIn > 0)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'expires_in is a positive number of seconds' });
    const token = opts.token ?? newApiToken();
    const now = Date.now();
    const expires = opts.expiresIn === undefined ? null : now + opts.expiresIn * 1000;
    const r = await this.store.db.insertInto('api_tokens').values({
      user_id: userId, name: opts.name ?? 'cli', token_hash: hashToken(token), role, created_at: now, last_used_at: null,
      expires_at: expires, kind: opts.kind ?? 'api', parent_id: opts.parentId ?? null,
    }).returning('id').executeTakeFirstOrThrow();
    return { token, id: Number(r.id), expires_at: iso(expires) };
  }

  async authenticate(token: string): Promise<Principal | null> {
    const r = await this.store.db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id as tid', 'api_tokens.role as trole', 'api_tokens.kind', 'api_tokens.expires_at', 'api_tokens.last_used_at',
        'users.id', 'users.username', 'users.display_name', 'users.email', 'users.roles', 'users.workflow_roles', 'users.created_at', 'users.disabled', 'users.deleted_at'])
      .where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!r || r.disabled || r.deleted_at !== null) return null;
    const now = Date.now();
    if (r.expires_at !== null && Number(r.expires_at) <= now) return null;
    const user = toUser(r);
    const top = highestRole(user.roles);
    if (!top) return null;
    if (r.last_used_at === null || now - Number(r.last_used_at) >= TOUCH_MS) {
      await this.store.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', r.tid).execute();
    }
    return { user, role: lowerRole(top, r.trole as Role), tokenId: Number(r.tid), kind: r.kind as 'api' | 'session' };
  }

  /** API tokens (not browser sessions); `userId` limits the list to one user's. */
  async list(userId?: number): Promise<TokenView[]> {
    let q = this.store.db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id', 'api_tokens.name', 'users.username', 'api_tokens.role', 'api_tokens.created_at', 'api_tokens.last_used_at', 'api_tokens.expires_at'])
      .where('api_tokens.kind', '=', 'api').orderBy('api_tokens.id');
    if (userId !== undefined) q = q.where('api_tokens.user_id', '=', userId);
    return (await q.execute()).map((r) => ({
      id: Number(r.id), name: r.name, user: r.username, role: r.role as Role,
      created_at: iso(r.created_at)!, last_used_at: iso(r.last_used_at), expires_at: iso(r.expires_at),
    }));
  }

  /** Revokes a token and the sessions signed in with it; `userId` restricts it to that user's own. */
  async revoke(id: number, userId?: number): Promise<void> {
    let q = this.store.db.selectFrom('api_tokens').select('id').where('id', '=', id).where('kind', '=', 'api');
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    if (!(await q.executeTakeFirst())) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Token ${id}` });
    // Sessions go explicitly: the cascade would need SQLite's foreign_keys pragma on every connection.
    await this.store.db.deleteFrom('api_tokens').where('parent_id', '=', id).execute();
    await this.store.db.deleteFrom('api_tokens').where('id', '=', id).execute();
  }

  /** Sign-out: the session token stops working everywhere. */
  async endSession(token: string): Promise<void> {
    await this.store.db.deleteFrom('api_tokens').where('token_hash', '=', hashToken(token)).where('kind', '=', 'session').execute();
  }

  async revokeAllOf(userId: number): Promise<void> {
    await this.store.db.deleteFrom('api_tokens').where('user_id', '=', userId).execute();
  }

  async exists(token: string): Promise<boolean> {
    return !!(await this.store.db.selectFrom('api_tokens').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirst());
  }

  async hasAny(): Promise<boolean> {
    return !!(await this.store.db.selectFrom('api_tokens').select('id').limit(1).executeTakeFirst());
  }
}
