/**
 * @module services/connections
 * Named connections: plain config plus secrets sealed with AES-256-GCM (bound to the
 * connection's name). Secrets are write-only: no read path returns them, only the engine's
 * `resolve` opens them for a step.
 */
import type { Store } from '../store/types.js';
import { rememberSecrets, type SecretBox } from '../security/index.js';
import type { ConnectionSource } from '../engine/types.js';
import { HookflowError } from '../errors.js';

export interface ConnectionInput {
  name: string;
  type: string;
  config?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
}

export interface ConnectionView {
  name: string;
  type: string;
  config: Record<string, unknown>;
  /** Names of the secrets that are set, never their values. */
  secret_fields: string[];
  created_at: string;
  updated_at: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class ConnectionService implements ConnectionSource {
  constructor(private readonly store: Store, private readonly box: SecretBox) {}

  async create(input: ConnectionInput): Promise<ConnectionView> {
    if (!NAME.test(input.name)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'connection name must match [a-z0-9][a-z0-9_-]*' });
    if (!/^[a-z0-9.]+$/.test(input.type ?? '')) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'connection type is required (e.g. http, 4me)' });
    const now = Date.now();
    const secrets = input.secrets && Object.keys(input.secrets).length ? this.box.seal(input.secrets, input.name) : null;
    const exists = await this.store.db.selectFrom('connections').select('name').where('name', '=', input.name).executeTakeFirst();
    if (exists) throw new HookflowError('HF_ERR_CONFLICT', { reason: `connection ${input.name} exists` });
    await this.store.db.insertInto('connections').values({ name: input.name, type: input.type, config: JSON.stringify(input.config ?? {}), secrets, created_at: now, updated_at: now }).execute();
    return this.show(input.name);
  }

  /** Config is replaced when given; secrets are merged key by key (null removes one). */
  async update(name: string, patch: { config?: Record<string, unknown>; secrets?: Record<string, unknown> }): Promise<ConnectionView> {
    const row = await this.#row(name);
    let secrets = row.secrets;
    if (patch.secrets) {
      const merged: Record<string, unknown> = { ...(row.secrets ? this.box.open<Record<string, unknown>>(row.secrets, name) : {}) };
      for (const [k, v] of Object.entries(patch.secrets)) if (v === null) delete merged[k]; else merged[k] = v;
      secrets = Object.keys(merged).length ? this.box.seal(merged, name) : null;
    }
    await this.store.db.updateTable('connections').set({ config: patch.config ? JSON.stringify(patch.config) : row.config, secrets, updated_at: Date.now() }).where('name', '=', name).execute();
    return this.show(name);
  }

  async delete(name: string): Promise<void> {
    const r = await this.store.db.deleteFrom('connections').where('name', '=', name).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Connection ${name}` });
  }

  async list(): Promise<ConnectionView[]> {
    const rows = await this.store.db.selectFrom('connections').selectAll().orderBy('name').execute();
    return rows.map((r) => this.#view(r));
  }

  async show(name: string): Promise<ConnectionView> {
    return this.#view(await this.#row(name));
  }

  async resolve(name: string) {
    const row = await this.store.db.selectFrom('connections').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw new HookflowError('HF_ERR_CONNECTION_UNKNOWN', { name });
    const secrets = row.secrets ? this.box.open<Record<string, unknown>>(row.secrets, name) : {};
    // Opened secrets become known to the scrubber before any step can echo them.
    rememberSecrets(secrets);
    return { name, type: row.type, config: JSON.parse(row.config), secrets };
  }

  async #row(name: string) {
    const row = await this.store.db.selectFrom('connections').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Connection ${name}` });
    return row;
  }

  #view(r: { name: string; type: string; config: string; secrets: string | null; created_at: number; updated_at: number }): ConnectionView {
    return {
      name: r.name, type: r.type, config: JSON.parse(r.config),
      secret_fields: r.secrets ? Object.keys(this.box.open<Record<string, unknown>>(r.secrets, r.name)).sort() : [],
      created_at: new Date(Number(r.created_at)).toISOString(), updated_at: new Date(Number(r.updated_at)).toISOString(),
    };
  }
}
