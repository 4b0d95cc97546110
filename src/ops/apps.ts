/**
 * @module ops/apps
 * Operations applications: a name, an impersonated user and a secret URL `POST /ops/{token}`.
 * The token is found by its hash on each call and kept sealed (bound to the application's
 * name), so an admin can see the URL again; rotating replaces it at once.
 */
import type { Store } from '../store/types.js';
import type { SecretBox } from '../security/index.js';
import { HookflowError } from '../errors.js';
import { hashToken, newUrlToken } from '../services/tokens.js';

export interface OpsApp {
  id: number;
  name: string;
  description: string | null;
  impersonate_user: string | null;
  enabled: boolean;
  url: string;
  created_at: string;
  updated_at: string;
}

export interface OpsAppInput {
  name?: string;
  description?: string | null;
  impersonate_user?: string | null;
  enabled?: boolean;
}

/** What the `/ops` route needs of the application behind a token. */
export interface ResolvedApp {
  id: number;
  name: string;
  enabled: boolean;
  impersonateUserId: number | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const iso = (t: number) => new Date(Number(t)).toISOString();

export class OpsAppService {
  constructor(private readonly store: Store, private readonly box: SecretBox, private readonly publicUrl: string) {}

  async create(input: OpsAppInput): Promise<OpsApp> {
    const name = checkName(input.name);
    const token = newUrlToken();
    const now = Date.now();
    const userId = await this.#userId(input.impersonate_user);
    await this.store.tx(async (trx) => {
      if (await trx.selectFrom('ops_apps').select('id').where('name', '=', name).executeTakeFirst()) {
        throw new HookflowError('HF_ERR_CONFLICT', { reason: `operations application ${name} exists` });
      }
      await trx.insertInto('ops_apps').values({
        name, description: input.description ?? null, impersonate_user_id: userId, enabled: input.enabled === false ? 0 : 1,
        token_hash: hashToken(token), token_sealed: this.box.seal(token, `ops_app:${name}`), created_at: now, updated_at: now,
      }).execute();
    });
    return this.show(name);
  }

  async update(ref: string, patch: OpsAppInput): Promise<OpsApp> {
    const row = await this.#row(ref);
    const name = patch.name === undefined ? row.name : checkName(patch.name);
    const set: Record<string, unknown> = { updated_at: Date.now(), name };
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.impersonate_user !== undefined) set.impersonate_user_id = await this.#userId(patch.impersonate_user);
    // The seal is bound to the name: a renamed application re-seals its token.
    if (name !== row.name) set.token_sealed = this.box.seal(this.box.open<string>(row.token_sealed, `ops_app:${row.name}`), `ops_app:${name}`);
    await this.store.db.updateTable('ops_apps').set(set).where('id', '=', row.id).execute();
    return this.show(name);
  }

  async rotate(ref: string): Promise<OpsApp> {
    const row = await this.#row(ref);
    const token = newUrlToken();
    await this.store.db.updateTable('ops_apps').set({ token_hash: hashToken(token), token_sealed: this.box.seal(token, `ops_app:${row.name}`), updated_at: Date.now() })
      .where('id', '=', row.id).execute();
    return this.show(row.name);
  }

  async delete(ref: string): Promise<void> {
    const row = await this.#row(ref);
    await this.store.db.deleteFrom('ops_apps').where('id', '=', row.id).execute();
  }

  async list(): Promise<OpsApp[]> {
    const rows = await this.#query().orderBy('ops_apps.name').execute();
    return rows.map((r) => this.#view(r));
  }

  async show(ref: string): Promise<OpsApp> {
    const row = await this.#row(ref);
    return this.#view((await this.#query().where('ops_apps.id', '=', row.id).executeTakeFirstOrThrow()));
  }

  async byToken(token: string): Promise<ResolvedApp | null> {
    const r = await this.store.db.selectFrom('ops_apps').select(['id', 'name', 'enabled', 'impersonate_user_id']).where('token_hash', '=', hashToken(token)).executeTakeFirst();
    return r ? { id: Number(r.id), name: r.name, enabled: r.enabled === 1, impersonateUserId: r.impersonate_user_id === null ? null : Number(r.impersonate_user_id) } : null;
  }

  #query() {
    return this.store.db.selectFrom('ops_apps').leftJoin('users', 'users.id', 'ops_apps.impersonate_user_id')
      .select(['ops_apps.id', 'ops_apps.name', 'ops_apps.description', 'ops_apps.enabled', 'ops_apps.token_sealed', 'ops_apps.created_at', 'ops_apps.updated_at', 'users.username']);
  }

  #view(r: { id: number; name: string; description: string | null; enabled: number; token_sealed: string; created_at: number; updated_at: number; username: string | null }): OpsApp {
    const token = this.box.open<string>(r.token_sealed, `ops_app:${r.name}`);
    return {
      id: Number(r.id), name: r.name, description: r.description, impersonate_user: r.username, enabled: r.enabled === 1,
      url: `${this.publicUrl}/ops/${token}`, created_at: iso(r.created_at), updated_at: iso(r.updated_at),
    };
  }

  /** By id or name. */
  async #row(ref: string) {
    const q = this.store.db.selectFrom('ops_apps').select(['id', 'name', 'token_sealed']);
    const r = /^\d+$/.test(ref) ? await q.where('id', '=', Number(ref)).executeTakeFirst() : await q.where('name', '=', ref).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Operations application ${ref}` });
    return { ...r, id: Number(r.id) };
  }

  async #userId(username: string | null | undefined): Promise<number | null> {
    if (!username) return null;
    const u = await this.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (!u) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `User ${username}` });
    return Number(u.id);
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name) || /^\d+$/.test(name)) {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: 'name must be 1-64 letters, digits, spaces, . _ - and not only digits' });
  }
  return name;
}
