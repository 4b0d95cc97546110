/**
 * @module alerts/teams
 * Teams: named groups of users. They own alert sources and can be escalation targets (every
 * member is notified).
 */
import { HookflowError } from '../errors.js';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/index.js';
import { iso, type AlertDeps } from './deps.js';

export interface TeamInput {
  description?: string | null;
  members?: string[];
}

export class TeamService {
  constructor(private readonly deps: AlertDeps) {}

  async put(name: string, input: TeamInput) {
    if (!/^[a-z0-9][a-z0-9-_]{0,62}$/i.test(name)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'a team name is letters, digits, - and _' });
    const t = this.deps.now();
    await this.deps.store.tx(async (trx) => {
      let team = await trx.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirst();
      if (!team) team = await trx.insertInto('teams').values({ name, description: input.description ?? null, created_at: t }).returning('id').executeTakeFirstOrThrow();
      else if (input.description !== undefined) await trx.updateTable('teams').set({ description: input.description }).where('id', '=', team.id).execute();
      if (input.members) {
        const users = input.members.length ? await trx.selectFrom('users').select(['id', 'username']).where('username', 'in', input.members).execute() : [];
        const missing = input.members.filter((m) => !users.some((u) => u.username === m));
        if (missing.length) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `User ${missing.join(', ')}` });
        await trx.deleteFrom('team_members').where('team_id', '=', Number(team.id)).execute();
        if (users.length) await trx.insertInto('team_members').values(users.map((u) => ({ team_id: Number(team.id), user_id: Number(u.id) }))).execute();
      }
    });
    return this.show(name);
  }

  async show(name: string) {
    const db = this.deps.store.db;
    const team = await db.selectFrom('teams').selectAll().where('name', '=', name).executeTakeFirst();
    if (!team) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Team ${name}` });
    const members = await db.selectFrom('team_members').innerJoin('users', 'users.id', 'team_members.user_id')
      .select('users.username').where('team_members.team_id', '=', Number(team.id)).orderBy('users.username').execute();
    return { name: team.name, description: team.description, members: members.map((m) => m.username), created_at: iso(team.created_at)! };
  }

  async list() {
    const rows = await this.deps.store.db.selectFrom('teams').select('name').orderBy('name').execute();
    return Promise.all(rows.map((r) => this.show(r.name)));
  }

  async delete(name: string): Promise<void> {
    await this.deps.store.tx(async (trx) => {
      const team = await trx.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirst();
      if (!team) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Team ${name}` });
      await trx.deleteFrom('team_members').where('team_id', '=', Number(team.id)).execute();
      await trx.deleteFrom('teams').where('id', '=', Number(team.id)).execute();
    });
  }

  /** Team names → ids, for a source's owners; unknown names are an error. */
  async ids(names: string[], db: Kysely<DB> | Transaction<DB> = this.deps.store.db): Promise<number[]> {
    if (!names.length) return [];
    const rows = await db.selectFrom('teams').select(['id', 'name']).where('name', 'in', names).execute();
    const missing = names.filter((n) => !rows.some((r) => r.name === n));
    if (missing.length) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Team ${missing.join(', ')}` });
    return rows.map((r) => Number(r.id));
  }

  async names(ids: number[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.deps.store.db.selectFrom('teams').select('name').where('id', 'in', ids).orderBy('name').execute();
    return rows.map((r) => r.name);
  }
}
