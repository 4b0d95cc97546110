/**
 * @module alerts/sources
 * Alert sources: a name, owning teams, an escalation policy, a grouping mode, a priority and
 * summary/details templates. A `4me` source owns a `/hooks/{token}` endpoint; an `events` source
 * an integration key for `POST /api/events`, shown once (only its hash is looked up). 4me
 * verification secrets are sealed at rest.
 */
import { randomBytes } from 'node:crypto';
import { HookflowError } from '../errors.js';
import { compileTemplate } from '../expressions/index.js';
import { hashToken, newUrlToken } from '../services/tokens.js';
import { iso, parseJson, type AlertDeps } from './deps.js';
import type { TeamService } from './teams.js';
import type { PolicyService } from './policies.js';
import { GROUPINGS, PRIORITIES, SOURCE_KINDS, WINDOWS, type Grouping, type Priority, type SourceKind } from './types.js';
import type { AlertSourcesTable } from '../store/schema.js';

export interface SourceInput {
  kind?: SourceKind;
  teams?: string[];
  escalation_policy?: string | null;
  grouping?: Grouping;
  grouping_window?: string | null;
  priority?: Priority;
  summary_template?: string | null;
  details_template?: string | null;
  enabled?: boolean;
  config?: Record<string, unknown>;
}

export interface Source {
  id: string; name: string; kind: SourceKind; teamIds: number[]; policyId: number | null; grouping: Grouping; window: string | null;
  priority: Priority; summaryTemplate: string | null; detailsTemplate: string | null; config: Record<string, unknown>;
  secrets: Record<string, unknown>; enabled: boolean;
}

/** Verification settings of a 4me source that are secrets. */
const SECRET_KEYS = ['policy', 'secret', 'basic'];
const bad = (reason: string) => new HookflowError('HF_ERR_ALERT_SOURCE_INVALID', { reason });

export function newIntegrationKey(): string {
  return `il1hf${randomBytes(20).toString('hex')}`;
}

export class SourceService {
  constructor(private readonly deps: AlertDeps, private readonly teams: TeamService, private readonly policies: PolicyService) {}

  #check(kind: string, input: SourceInput): void {
    if (!(SOURCE_KINDS as readonly string[]).includes(kind)) throw bad(`kind is ${SOURCE_KINDS.join(' or ')}`);
    if (input.grouping !== undefined && !GROUPINGS.includes(input.grouping)) throw bad(`grouping is one of ${GROUPINGS.join(', ')}`);
    if (input.grouping === 'time_window' && !(WINDOWS as readonly string[]).includes(String(input.grouping_window))) throw bad(`time_window grouping needs grouping_window, one of ${WINDOWS.join(', ')}`);
    if (input.priority !== undefined && !PRIORITIES.includes(input.priority)) throw bad('priority is HIGH or LOW');
    for (const k of ['summary_template', 'details_template'] as const) if (input[k]) compileTemplate(input[k], `alert source ${k}`);
    if (kind === '4me' && input.config && typeof input.config.account !== 'string' && !input.config.connection) throw bad('a 4me source needs config.account (or config.connection)');
    const quiet = input.config?.auto_resolve_minutes;
    if (quiet !== undefined && quiet !== null && (!Number.isInteger(quiet) || (quiet as number) < 1 || (quiet as number) > 10_080)) throw bad('config.auto_resolve_minutes is 1 to 10080 (a week), or null');
  }

  async create(name: string, input: SourceInput) {
    if (!/^[a-z0-9][a-z0-9-_]{0,62}$/i.test(name)) throw bad('the name is letters, digits, - and _');
    const kind = input.kind ?? 'events';
    this.#check(kind, input);
    const t = this.deps.now();
    const id = `src_${randomBytes(8).toString('hex')}`;
    const key = kind === 'events' ? newIntegrationKey() : null;
    const token = kind === '4me' ? newUrlToken() : null;
    await this.deps.store.tx(async (trx) => {
      if (await trx.selectFrom('alert_sources').select('id').where('name', '=', name).executeTakeFirst()) throw new HookflowError('HF_ERR_CONFLICT', { reason: `Alert source ${name} exists` });
      const policyId = input.escalation_policy ? (await this.policies.get(input.escalation_policy, trx)).id : null;
      const { config, secrets } = this.#split(id, input.config ?? {});
      await trx.insertInto('alert_sources').values({
        id, name, kind, teams: JSON.stringify(await this.teams.ids(input.teams ?? [], trx)), policy_id: policyId,
        grouping: input.grouping ?? (kind === '4me' ? 'alert_key' : 'alert_key'), grouping_window: input.grouping === 'time_window' ? input.grouping_window! : null,
        priority: input.priority ?? 'HIGH', summary_template: input.summary_template ?? null, details_template: input.details_template ?? null,
        config, secrets, integration_key_hash: key ? hashToken(key) : null, integration_key_sealed: key ? this.deps.box.seal(key, id) : null,
        enabled: input.enabled === false ? 0 : 1, created_at: t, updated_at: t,
      }).execute();
      if (token) await trx.insertInto('endpoints').values({ token, kind: 'alert_source', owner: id, created_at: t }).execute();
    });
    return { ...(await this.show(name)), ...(key ? { integration_key: key } : {}) };
  }

  #split(id: string, cfg: Record<string, unknown>): { config: string; secrets: string | null } {
    const plain = Object.fromEntries(Object.entries(cfg).filter(([k]) => !SECRET_KEYS.includes(k)));
    const secret = Object.fromEntries(Object.entries(cfg).filter(([k]) => SECRET_KEYS.includes(k)));
    return { config: JSON.stringify(plain), secrets: Object.keys(secret).length ? this.deps.box.seal(secret, id) : null };
  }

  async update(name: string, input: SourceInput) {
    const cur = await this.get(name);
    this.#check(cur.kind, { ...input, grouping: input.grouping ?? cur.grouping, grouping_window: input.grouping_window ?? cur.window });
    const patch: Partial<AlertSourcesTable> = { updated_at: this.deps.now() };
    await this.deps.store.tx(async (trx) => {
      if (input.teams) patch.teams = JSON.stringify(await this.teams.ids(input.teams, trx));
      if (input.escalation_policy !== undefined) patch.policy_id = input.escalation_policy ? (await this.policies.get(input.escalation_policy, trx)).id : null;
      if (input.grouping) { patch.grouping = input.grouping; patch.grouping_window = input.grouping === 'time_window' ? (input.grouping_window ?? cur.window) : null; }
      if (input.priority) patch.priority = input.priority;
      if (input.summary_template !== undefined) patch.summary_template = input.summary_template;
      if (input.details_template !== undefined) patch.details_template = input.details_template;
      if (input.enabled !== undefined) patch.enabled = input.enabled ? 1 : 0;
      if (input.config) Object.assign(patch, this.#split(cur.id, { ...cur.secrets, ...input.config }));
      await trx.updateTable('alert_sources').set(patch).where('id', '=', cur.id).execute();
    });
    return this.show(name);
  }

  async delete(name: string): Promise<void> {
    const s = await this.get(name);
    await this.deps.store.tx(async (trx) => {
      await trx.deleteFrom('endpoints').where('kind', '=', 'alert_source').where('owner', '=', s.id).execute();
      // Its maintenance windows and heartbeats go with it; a heartbeat it only fed stops being fed.
      await trx.deleteFrom('alert_maintenance').where('source_id', '=', s.id).execute();
      await trx.deleteFrom('heartbeats').where('source_id', '=', s.id).execute();
      await trx.updateTable('heartbeats').set({ events_from: null }).where('events_from', '=', s.id).execute();
      await trx.deleteFrom('alert_sources').where('id', '=', s.id).execute();
    });
  }

  async rotateKey(name: string) {
    const s = await this.get(name);
    if (s.kind !== 'events') throw bad('only events sources have an integration key');
    const key = newIntegrationKey();
    await this.deps.store.db.updateTable('alert_sources').set({ integration_key_hash: hashToken(key), integration_key_sealed: this.deps.box.seal(key, s.id), updated_at: this.deps.now() }).where('id', '=', s.id).execute();
    return { ...(await this.show(name)), integration_key: key };
  }

  #row(r: AlertSourcesTable): Source {
    return {
      id: r.id, name: r.name, kind: r.kind as SourceKind, teamIds: parseJson<number[]>(r.teams, []), policyId: r.policy_id === null ? null : Number(r.policy_id),
      grouping: r.grouping as Grouping, window: r.grouping_window, priority: r.priority as Priority, summaryTemplate: r.summary_template,
      detailsTemplate: r.details_template, config: parseJson(r.config, {}), secrets: r.secrets ? this.deps.box.open(r.secrets, r.id) : {}, enabled: r.enabled === 1,
    };
  }

  async get(name: string): Promise<Source> {
    const r = await this.deps.store.db.selectFrom('alert_sources').selectAll().where('name', '=', name).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Alert source ${name}` });
    return this.#row(r);
  }

  async byId(id: string): Promise<Source | null> {
    const r = await this.deps.store.db.selectFrom('alert_sources').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? this.#row(r) : null;
  }

  async byKey(key: string): Promise<Source | null> {
    const r = await this.deps.store.db.selectFrom('alert_sources').selectAll().where('integration_key_hash', '=', hashToken(key)).executeTakeFirst();
    return r ? this.#row(r) : null;
  }

  async show(name: string) {
    const s = await this.get(name);
    const ep = await this.deps.store.db.selectFrom('endpoints').select('token').where('kind', '=', 'alert_source').where('owner', '=', s.id).executeTakeFirst();
    const r = await this.deps.store.db.selectFrom('alert_sources').select(['created_at', 'updated_at']).where('id', '=', s.id).executeTakeFirstOrThrow();
    const policy = s.policyId === null ? null : (await this.policies.byId(s.policyId))?.name ?? null;
    return {
      id: s.id, name: s.name, kind: s.kind, teams: await this.teams.names(s.teamIds), escalation_policy: policy, grouping: s.grouping, grouping_window: s.window,
      priority: s.priority, summary_template: s.summaryTemplate, details_template: s.detailsTemplate, enabled: s.enabled, config: s.config,
      verification: s.secrets.policy ? 'policy' : s.secrets.secret || s.secrets.basic ? 'secret' : 'none',
      webhook_url: ep ? `${this.deps.publicUrl}/hooks/${ep.token}` : null,
      events_url: s.kind === 'events' ? `${this.deps.publicUrl}/api/events` : null,
      created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
    };
  }

  async list() {
    const rows = await this.deps.store.db.selectFrom('alert_sources').select('name').orderBy('name').execute();
    return Promise.all(rows.map((r) => this.show(r.name)));
  }
}
