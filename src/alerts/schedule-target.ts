/**
 * @module alerts/schedule-target
 * A schedule as an escalation target: who is on call in it at the step's time, read inside the
 * step's transaction (on SQLite a read outside it would wait for the one connection).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/index.js';
import { parseJson } from './deps.js';
import { onCallAt, type Layer } from './schedule-calc.js';

type Db = Kysely<DB> | Transaction<DB>;

export async function scheduleOnCall(db: Db, name: string, at: number): Promise<string | null> {
  const s = await db.selectFrom('oncall_schedules').select(['id', 'time_zone', 'layers']).where('name', '=', name).executeTakeFirst();
  if (!s) return null;
  const ov = await db.selectFrom('oncall_overrides').selectAll().where('schedule_id', '=', Number(s.id)).where('starts_at', '<=', at).where('ends_at', '>', at).execute();
  const def = { time_zone: s.time_zone, layers: parseJson<Layer[]>(s.layers, []), overrides: ov.map((o) => ({ id: Number(o.id), user: o.username, from: Number(o.starts_at), to: Number(o.ends_at) })) };
  return onCallAt(def, at)?.user ?? null;
}

export async function missingSchedules(db: Db, names: string[]): Promise<string[]> {
  const want = [...new Set(names)];
  if (!want.length) return [];
  const rows = await db.selectFrom('oncall_schedules').select('name').where('name', 'in', want).execute();
  return want.filter((n) => !rows.some((r) => r.name === n));
}
