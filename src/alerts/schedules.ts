/**
 * @module alerts/schedules
 * Named, reusable on-call schedules: layers of rotations in one IANA time zone, and overrides
 * (a person for a period). Saving checks everything that could only fail later (zone, start
 * times, restriction clocks, that every user exists). Escalation policies name schedules; a
 * schedule in use cannot be deleted. The answers are computed by `schedule-calc`.
 */
import type { Kysely, Transaction } from 'kysely';
import { HookflowError } from '../errors.js';
import type { DB } from '../store/index.js';
import { iso, parseJson, type AlertDeps } from './deps.js';
import { onCallAt, timeline, type Layer, type ScheduleDef, type Shift } from './schedule-calc.js';
import { WEEKDAYS, parseClock, parseLocal, validZone } from './zone.js';

export interface ScheduleInput { description?: string | null; time_zone: string; layers: Layer[] }
export interface OverrideInput { user: string; from: string; to: string; note?: string | null }
type Db = Kysely<DB> | Transaction<DB>;

const bad = (reason: string) => new HookflowError('HF_ERR_SCHEDULE_INVALID', { reason });
const DAY = 86_400_000;
/** Longest timeline one request may ask for. */
export const MAX_TIMELINE_DAYS = 92;

function checkLayer(l: Layer, where: string): void {
  if (!Array.isArray(l.users) || !l.users.length) throw bad(`${where}: a layer needs users`);
  if (!['daily', 'weekly', 'custom'].includes(l.handoff)) throw bad(`${where}: handoff is daily, weekly or custom`);
  if (l.handoff === 'custom') {
    if (!Number.isInteger(l.every) || l.every! < 1 || l.every! > 8760) throw bad(`${where}: a custom handoff needs every (a whole number ≥ 1)`);
    if (l.unit !== 'hours' && l.unit !== 'days') throw bad(`${where}: a custom handoff needs unit hours or days`);
  }
  if (typeof l.start !== 'string' || !parseLocal(l.start)) throw bad(`${where}: start is the first handoff as local time YYYY-MM-DDTHH:MM`);
  (l.restrictions ?? []).forEach((r, i) => {
    if (parseClock(r.from) === null || parseClock(r.to) === null) throw bad(`${where}.restrictions[${i}]: from and to are HH:MM`);
    for (const d of r.days ?? []) if (!(WEEKDAYS as readonly string[]).includes(d)) throw bad(`${where}.restrictions[${i}]: days are ${WEEKDAYS.join(', ')}`);
  });
}

export function checkSchedule(s: ScheduleInput): void {
  if (typeof s.time_zone !== 'string' || !validZone(s.time_zone)) throw bad(`time_zone ${String(s.time_zone)} is not an IANA time zone (e.g. Europe/Amsterdam)`);
  if (!Array.isArray(s.layers) || !s.layers.length) throw bad('at least one layer is needed');
  s.layers.forEach((l, i) => checkLayer(l, `layers[${i}]`));
}

function instant(raw: string, what: string): number {
  // An unencoded `+02:00` in a query string arrives as ` 02:00`.
  const v = raw.replace(/ (\d\d:?\d\d)$/, '+$1');
  const t = Date.parse(v);
  if (!/[zZ]|[+-]\d\d:?\d\d$/.test(v) || Number.isNaN(t)) throw bad(`${what} is an ISO time with its offset (e.g. 2026-03-29T09:00:00+02:00)`);
  return t;
}

export class ScheduleService {
  constructor(private readonly deps: AlertDeps) {}

  async put(name: string, input: ScheduleInput) {
    if (!/^[a-z0-9][a-z0-9-_]{0,62}$/i.test(name)) throw bad('the name is letters, digits, - and _');
    checkSchedule(input);
    await this.#users(input.layers.flatMap((l) => l.users));
    const t = this.deps.now();
    const layers = input.layers.map((l) => ({ ...l, ...(l.handoff === 'custom' ? {} : { every: undefined, unit: undefined }) }));
    const values = { description: input.description ?? null, time_zone: input.time_zone, layers: JSON.stringify(layers), updated_at: t };
    await this.deps.store.tx(async (trx) => {
      const r = await trx.updateTable('oncall_schedules').set(values).where('name', '=', name).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) await trx.insertInto('oncall_schedules').values({ name, ...values, created_at: t }).execute();
    });
    return this.show(name);
  }

  async #users(names: string[], db: Db = this.deps.store.db): Promise<void> {
    const want = [...new Set(names)];
    const rows = want.length ? await db.selectFrom('users').select('username').where('username', 'in', want).where('deleted_at', 'is', null).execute() : [];
    const missing = want.filter((n) => !rows.some((r) => r.username === n));
    if (missing.length) throw bad(`unknown user ${missing.join(', ')}`);
  }

  async #row(name: string, db: Db = this.deps.store.db) {
    const r = await db.selectFrom('oncall_schedules').selectAll().where('name', '=', name).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Schedule ${name}` });
    return r;
  }

  /** The definition with the overrides that touch [from, to). */
  async definition(name: string, from: number, to: number, db: Db = this.deps.store.db): Promise<ScheduleDef & { id: number }> {
    const r = await this.#row(name, db);
    const ov = await db.selectFrom('oncall_overrides').selectAll().where('schedule_id', '=', Number(r.id)).where('ends_at', '>', from).where('starts_at', '<', to).orderBy('id').execute();
    return {
      id: Number(r.id), time_zone: r.time_zone, layers: parseJson<Layer[]>(r.layers, []),
      overrides: ov.map((o) => ({ id: Number(o.id), user: o.username, from: Number(o.starts_at), to: Number(o.ends_at), note: o.note })),
    };
  }

  async show(name: string) {
    const r = await this.#row(name);
    const now = this.deps.now();
    const ov = await this.deps.store.db.selectFrom('oncall_overrides').selectAll().where('schedule_id', '=', Number(r.id)).where('ends_at', '>', now).orderBy('starts_at').execute();
    const def = await this.definition(name, now, now + 1);
    return {
      name: r.name, description: r.description, time_zone: r.time_zone, layers: parseJson<Layer[]>(r.layers, []),
      overrides: ov.map((o) => ({ id: Number(o.id), user: o.username, from: iso(o.starts_at)!, to: iso(o.ends_at)!, note: o.note, created_by: o.created_by })),
      on_call_now: onCallAt(def, now)?.user ?? null,
      created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
    };
  }

  async list() {
    const rows = await this.deps.store.db.selectFrom('oncall_schedules').select('name').orderBy('name').execute();
    return Promise.all(rows.map((r) => this.show(r.name)));
  }

  async delete(name: string): Promise<void> {
    const r = await this.#row(name);
    const policies = await this.deps.store.db.selectFrom('escalation_policies').select(['name', 'levels']).execute();
    const user = policies.find((p) => parseJson<Array<{ targets: Array<{ type: string; name?: string }> }>>(p.levels, []).some((l) => l.targets.some((t) => t.type === 'schedule' && t.name === name)));
    if (user) throw new HookflowError('HF_ERR_CONFLICT', { reason: `Schedule ${name} is used by escalation policy ${user.name}` });
    await this.deps.store.tx(async (trx) => {
      await trx.deleteFrom('oncall_overrides').where('schedule_id', '=', Number(r.id)).execute();
      await trx.deleteFrom('oncall_schedules').where('id', '=', Number(r.id)).execute();
    });
  }

  async addOverride(name: string, input: OverrideInput, actor: string | null) {
    const r = await this.#row(name);
    const from = instant(input.from, 'from');
    const to = instant(input.to, 'to');
    if (to <= from) throw bad('an override ends after it starts');
    await this.#users([input.user]);
    const row = await this.deps.store.db.insertInto('oncall_overrides').values({
      schedule_id: Number(r.id), username: input.user, starts_at: from, ends_at: to, note: input.note ?? null, created_by: actor, created_at: this.deps.now(),
    }).returning('id').executeTakeFirstOrThrow();
    return { id: Number(row.id), user: input.user, from: iso(from)!, to: iso(to)!, note: input.note ?? null, created_by: actor };
  }

  async deleteOverride(name: string, id: number): Promise<void> {
    const r = await this.#row(name);
    const d = await this.deps.store.db.deleteFrom('oncall_overrides').where('schedule_id', '=', Number(r.id)).where('id', '=', id).executeTakeFirst();
    if (Number(d.numDeletedRows) === 0) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Override ${id} of schedule ${name}` });
  }

  /** Who is on call at `at` (default now); null when nobody is. */
  async onCall(name: string, at?: string, db: Db = this.deps.store.db) {
    const t = at === undefined ? this.deps.now() : instant(at, 'at');
    const who = onCallAt(await this.definition(name, t, t + 1, db), t);
    return { schedule: name, at: iso(t)!, user: who?.user ?? null, layer: who?.layer ?? null, layer_name: who?.layer_name ?? null, override_id: who?.override_id ?? null };
  }

  async timeline(name: string, from?: string, to?: string) {
    const a = from === undefined ? this.deps.now() : instant(from, 'from');
    const b = to === undefined ? a + 7 * DAY : instant(to, 'to');
    if (b <= a) throw bad('to is after from');
    if (b - a > MAX_TIMELINE_DAYS * DAY) throw bad(`a timeline covers at most ${MAX_TIMELINE_DAYS} days`);
    let shifts: Shift[];
    try { shifts = timeline(await this.definition(name, a, b), a, b); } catch (e) {
      if (e instanceof RangeError) throw bad(e.message);
      throw e;
    }
    return { schedule: name, from: iso(a)!, to: iso(b)!, items: shifts.map((s) => ({ ...s, from: iso(s.from)!, to: iso(s.to)! })) };
  }
}
