/**
 * @module alerts/policies
 * Escalation policies: ordered levels of targets with a timeout each, repeated N times after an
 * optional delayed start (ilert's `escalationTimeout`, `frequency`, `delayMin`), and an optional
 * acknowledgement timeout (an accepted alert not resolved in time escalates again). A webhook
 * target naming a `subscription` must name one that exists when saved. Forwarding keys
 * (ilert integration key, PagerDuty routing key) are sealed at rest and never shown again.
 */
import { HookflowError } from '../errors.js';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/index.js';
import { iso, type AlertDeps } from './deps.js';
import type { Level, Policy, Target } from './types.js';
import { missingSchedules } from './schedule-target.js';
import { findSubscription } from './targets.js';

export interface PolicyInput {
  levels: Level[];
  repeat?: number;
  delay_minutes?: number;
  ack_timeout_minutes?: number | null;
}

const SECRET_FIELDS = ['integration_key', 'routing_key'] as const;
const bad = (reason: string) => new HookflowError('HF_ERR_ESCALATION_POLICY_INVALID', { reason });

export function checkTarget(t: Target, where: string): void {
  switch (t?.type) {
    case 'user': if (!t.username) throw bad(`${where}: a user target needs username`); return;
    case 'team': if (!t.team) throw bad(`${where}: a team target needs team`); return;
    case 'rotation':
      if (!Array.isArray(t.users) || !t.users.length) throw bad(`${where}: a rotation needs users`);
      if (!(t.shift_hours > 0)) throw bad(`${where}: a rotation needs shift_hours > 0`);
      if (Number.isNaN(Date.parse(t.start))) throw bad(`${where}: a rotation needs start (ISO time of the first shift)`);
      return;
    case 'email': if (!Array.isArray(t.to) || !t.to.length) throw bad(`${where}: an email channel needs to`); return;
    case 'schedule': if (!t.name) throw bad(`${where}: a schedule target needs name`); return;
    case 'webhook':
      if (t.subscription !== undefined && (typeof t.subscription !== 'string' || !t.subscription)) throw bad(`${where}: a webhook target's subscription is the id or description of an outbound webhook subscription`);
      return;
    case 'ilert': if (!t.integration_key) throw bad(`${where}: an ilert channel needs integration_key`); return;
    case 'pagerduty': if (!t.routing_key) throw bad(`${where}: a PagerDuty channel needs routing_key`); return;
    default: throw bad(`${where}: type must be user, team, rotation, schedule, email, webhook, ilert or pagerduty`);
  }
}

export function checkPolicy(p: PolicyInput): void {
  if (!Array.isArray(p.levels) || !p.levels.length) throw bad('at least one level is needed');
  p.levels.forEach((l, i) => {
    if (!Number.isInteger(l.timeout_minutes) || l.timeout_minutes < 1) throw bad(`levels[${i}].timeout_minutes must be a whole number of minutes ≥ 1`);
    if (!Array.isArray(l.targets) || !l.targets.length) throw bad(`levels[${i}] needs targets`);
    l.targets.forEach((t, j) => checkTarget(t, `levels[${i}].targets[${j}]`));
  });
  if (p.repeat !== undefined && (!Number.isInteger(p.repeat) || p.repeat < 0 || p.repeat > 9)) throw bad('repeat is 0 to 9');
  if (p.delay_minutes !== undefined && (!Number.isInteger(p.delay_minutes) || p.delay_minutes < 0 || p.delay_minutes > 60)) throw bad('delay_minutes is 0 to 60');
  const ack = p.ack_timeout_minutes;
  if (ack !== undefined && ack !== null && (!Number.isInteger(ack) || ack < 1 || ack > 10_080)) throw bad('ack_timeout_minutes is 1 to 10080 (a week), or null');
}

function mapSecrets(levels: Level[], f: (v: string, field: string) => string): Level[] {
  return levels.map((l) => ({
    ...l,
    targets: l.targets.map((t) => {
      const o = { ...t } as Record<string, unknown>;
      for (const k of SECRET_FIELDS) if (typeof o[k] === 'string') o[k] = f(o[k] as string, k);
      return o as unknown as Target;
    }),
  }));
}

export class PolicyService {
  constructor(private readonly deps: AlertDeps) {}

  async put(name: string, input: PolicyInput) {
    if (!/^[a-z0-9][a-z0-9-_]{0,62}$/i.test(name)) throw bad('the name is letters, digits, - and _');
    checkPolicy(input);
    const wanted = input.levels.flatMap((l) => l.targets.flatMap((t) => (t.type === 'schedule' ? [t.name] : [])));
    const missing = await missingSchedules(this.deps.store.db, wanted);
    if (missing.length) throw bad(`unknown schedule ${missing.join(', ')}`);
    for (const [i, l] of input.levels.entries()) for (const [j, t] of l.targets.entries()) {
      if (t.type === 'webhook' && t.subscription && !(await findSubscription(this.deps.store.db as never, t.subscription))) {
        throw bad(`levels[${i}].targets[${j}]: no enabled webhook subscription has the id or description ${t.subscription}`);
      }
    }
    const { box, now } = this.deps;
    const t = now();
    // Re-sent keys are sealed again; a `"***"` placeholder keeps the key stored at that place.
    const old = await this.get(name).catch(() => null);
    const levels = mapSecrets(input.levels, (v, k) => (v === '***' ? findOld(old, input.levels, v, k) : box.seal(v, `policy:${name}`)));
    const values = { levels: JSON.stringify(levels), repeat: input.repeat ?? 0, delay_minutes: input.delay_minutes ?? 0, ack_timeout_minutes: input.ack_timeout_minutes ?? null, updated_at: t };
    await this.deps.store.tx(async (trx) => {
      const r = await trx.updateTable('escalation_policies').set(values).where('name', '=', name).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) await trx.insertInto('escalation_policies').values({ name, ...values, created_at: t }).execute();
    });
    return this.show(name);
  }

  async get(name: string, db: Kysely<DB> | Transaction<DB> = this.deps.store.db): Promise<Policy & { created_at: number; updated_at: number }> {
    const r = await db.selectFrom('escalation_policies').selectAll().where('name', '=', name).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Escalation policy ${name}` });
    return { id: Number(r.id), name: r.name, levels: JSON.parse(r.levels) as Level[], repeat: r.repeat, delay_minutes: r.delay_minutes, ack_timeout_minutes: r.ack_timeout_minutes ?? null, created_at: Number(r.created_at), updated_at: Number(r.updated_at) };
  }

  async byId(id: number, db: Kysely<DB> | Transaction<DB> = this.deps.store.db): Promise<Policy | null> {
    const r = await db.selectFrom('escalation_policies').select('name').where('id', '=', id).executeTakeFirst();
    return r ? this.get(r.name, db) : null;
  }

  /** Levels with the keys opened, for sending. */
  openLevels(p: Policy): Level[] {
    return mapSecrets(p.levels, (v) => this.deps.box.open<string>(v, `policy:${p.name}`));
  }

  async show(name: string) {
    const p = await this.get(name);
    return view(p);
  }

  async list() {
    const rows = await this.deps.store.db.selectFrom('escalation_policies').select('name').orderBy('name').execute();
    return Promise.all(rows.map((r) => this.show(r.name)));
  }

  async delete(name: string): Promise<void> {
    const p = await this.get(name);
    const used = await this.deps.store.db.selectFrom('alert_sources').select('name').where('policy_id', '=', p.id).executeTakeFirst();
    if (used) throw new HookflowError('HF_ERR_CONFLICT', { reason: `Escalation policy ${name} is used by alert source ${used.name}` });
    await this.deps.store.db.deleteFrom('escalation_policies').where('id', '=', p.id).execute();
  }
}

function findOld(old: Policy | null, _levels: Level[], _v: string, _k: string): string {
  if (!old) throw bad('"***" keeps a stored key, but the policy has none yet');
  // The placeholder only makes sense with an unchanged policy shape; take the key of the first
  // channel of the same kind, which is what a UI round-trip sends back.
  for (const l of old.levels) for (const t of l.targets) {
    const o = t as Record<string, unknown>;
    if (typeof o[_k] === 'string') return o[_k] as string;
  }
  throw bad(`"***" keeps a stored ${_k}, but the policy has none`);
}

export function view(p: Policy & { created_at: number; updated_at: number }) {
  return {
    name: p.name, repeat: p.repeat, delay_minutes: p.delay_minutes, ack_timeout_minutes: p.ack_timeout_minutes ?? null,
    levels: mapSecrets(p.levels, () => '***'),
    created_at: iso(p.created_at)!, updated_at: iso(p.updated_at)!,
  };
}
