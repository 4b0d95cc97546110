/**
 * @module alerts/heartbeats
 * Heartbeat monitors: something must call in every `interval_minutes` (plus `grace_minutes`),
 * through its ping URL (`/api/v1/heartbeats/{token}/ping`, GET or POST, no bearer: the 192-bit
 * token is the credential, only its hash is kept and it is shown once) or by sending any event to
 * the source named in `events_from`. A missed beat opens one alert in the heartbeat's source
 * (key `heartbeat:<name>`) — claimed by a conditional update, so once across processes — and the
 * next beat resolves it. A miss during the source's maintenance window is absorbed like an event.
 */
import { HookflowError } from '../errors.js';
import { hashToken, newUrlToken } from '../services/tokens.js';
import { iso, type AlertDeps } from './deps.js';
import type { Source, SourceService } from './sources.js';
import { loadAlert, type Trx } from './records.js';
import { openAlert, resolveAlert, type Ctx } from './transitions.js';
import { byKey } from './grouping.js';
import { absorb, activeWindow } from './maintenance.js';
import type { AlertEvent } from './types.js';
import type { HeartbeatsTable } from '../store/schema.js';

export interface HeartbeatInput { source?: string; interval_minutes?: number; grace_minutes?: number; events_from?: string | null }
type Row = Omit<HeartbeatsTable, 'id'> & { id: number | bigint };
const bad = (reason: string) => new HookflowError('HF_ERR_HEARTBEAT_INVALID', { reason });
const MIN = 60_000;

function minutes(v: unknown, name: string, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > 10_080) throw bad(`${name} is a whole number of minutes from ${min} to 10080`);
  return v as number;
}

/**
 * A beat: the next one is due one interval and grace from now; a missed heartbeat's alert
 * resolves. The update comes first and is conditional, so it waits for (and then sees) a miss
 * being claimed at the same moment instead of overwriting it unseen.
 */
export async function beat(c: Ctx, hb: Pick<Row, 'id' | 'name' | 'interval_minutes' | 'grace_minutes'>, via: string): Promise<void> {
  const next = { status: 'up', last_beat_at: c.now, due_at: c.now + (hb.interval_minutes + hb.grace_minutes) * MIN, updated_at: c.now };
  const up = await c.trx.updateTable('heartbeats').set(next).where('id', '=', Number(hb.id)).where('status', '!=', 'missed').executeTakeFirst();
  if (Number(up.numUpdatedRows) === 1) return;
  const cur = await c.trx.selectFrom('heartbeats').select('alert_id').where('id', '=', Number(hb.id)).executeTakeFirst();
  await c.trx.updateTable('heartbeats').set({ ...next, alert_id: null }).where('id', '=', Number(hb.id)).execute();
  const a = cur?.alert_id === null || cur?.alert_id === undefined ? null : await loadAlert(c.trx, Number(cur.alert_id));
  if (a) await resolveAlert(c, a, { actor: 'heartbeat', src: null, note: `heartbeat ${hb.name} beats again (${via})` });
}

/** Every heartbeat fed by this source's events beats. */
export async function beatsFrom(c: Ctx, sourceId: string): Promise<void> {
  const rows = await c.trx.selectFrom('heartbeats').selectAll().where('events_from', '=', sourceId).execute();
  for (const hb of rows) await beat(c, hb, 'an event of its source');
}

async function missed(deps: AlertDeps, c: Ctx, hb: Row, src: Source): Promise<void> {
  const since = hb.last_beat_at === null ? `since it was created ${iso(hb.created_at)}` : `since ${iso(hb.last_beat_at)}`;
  const ev: AlertEvent = {
    type: 'ALERT', alertKey: `heartbeat:${hb.name}`, summary: `Heartbeat ${hb.name} missed: no beat ${since}`,
    details: `Expected every ${hb.interval_minutes} min (grace ${hb.grace_minutes} min).`, priority: null, images: [], links: [],
    customDetails: { heartbeat: hb.name, interval_minutes: hb.interval_minutes, grace_minutes: hb.grace_minutes, last_beat_at: iso(hb.last_beat_at) },
    record: null, dedupKey: null, actor: 'heartbeat', data: { heartbeat: hb.name },
  };
  // A disabled source takes no events; its heartbeats stay quiet too (missed, no alert).
  if (!src.enabled) return;
  const win = await activeWindow(c.trx, src.id, c.now);
  if (win) { await absorb(c.trx, src.id, Number(win.id), ev, c.now); return; }
  const [open] = await byKey(c.trx, src.id, ev.alertKey!, true);
  const a = open ?? await openAlert(c, src, ev);
  await c.trx.updateTable('heartbeats').set({ alert_id: a.id }).where('id', '=', Number(hb.id)).execute();
  deps.kick?.();
}

export async function fireMissed(deps: AlertDeps, sources: SourceService, limit = 100): Promise<number> {
  const now = deps.now();
  const due = await deps.store.db.selectFrom('heartbeats').selectAll().where('status', 'in', ['waiting', 'up']).where('due_at', '<=', now).orderBy('due_at').limit(limit).execute();
  let n = 0;
  for (const hb of due) {
    const src = await sources.byId(hb.source_id);
    if (!src) continue;
    const ok = await deps.store.tx(async (trx: Trx) => {
      const claim = await trx.updateTable('heartbeats').set({ status: 'missed', updated_at: now }).where('id', '=', Number(hb.id)).where('status', '=', hb.status).where('due_at', '=', hb.due_at).executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return false;
      await missed(deps, { trx, now, publicUrl: deps.publicUrl }, hb, src);
      return true;
    });
    if (ok) n++;
  }
  return n;
}

export class HeartbeatService {
  constructor(private readonly deps: AlertDeps, private readonly sources: SourceService) {}

  async #get(name: string): Promise<Row> {
    const r = await this.deps.store.db.selectFrom('heartbeats').selectAll().where('name', '=', name).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Heartbeat ${name}` });
    return r;
  }

  async #view(r: Row) {
    const src = await this.sources.byId(r.source_id);
    const from = r.events_from ? await this.sources.byId(r.events_from) : null;
    return {
      name: r.name, source: src?.name ?? r.source_id, events_from: from?.name ?? null, interval_minutes: r.interval_minutes, grace_minutes: r.grace_minutes,
      status: r.status, last_beat_at: iso(r.last_beat_at), due_at: iso(r.due_at)!, alert_id: r.alert_id === null ? null : Number(r.alert_id),
      created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
    };
  }

  #url(token: string): string {
    return `${this.deps.publicUrl}/api/v1/heartbeats/${token}/ping`;
  }

  /** Creates (answering the ping URL once) or changes a heartbeat. */
  async put(name: string, input: HeartbeatInput) {
    if (!/^[a-z0-9][a-z0-9-_]{0,62}$/i.test(name)) throw bad('the name is letters, digits, - and _');
    const cur = await this.deps.store.db.selectFrom('heartbeats').selectAll().where('name', '=', name).executeTakeFirst();
    const interval = input.interval_minutes === undefined && cur ? cur.interval_minutes : minutes(input.interval_minutes, 'interval_minutes', 1);
    const grace = input.grace_minutes === undefined ? (cur?.grace_minutes ?? 0) : minutes(input.grace_minutes, 'grace_minutes', 0);
    const sourceId = input.source ? (await this.sources.get(input.source)).id : cur?.source_id;
    if (!sourceId) throw bad('a heartbeat needs the source its alerts open in');
    const from = input.events_from === undefined ? (cur?.events_from ?? null) : input.events_from === null ? null : (await this.sources.get(input.events_from)).id;
    const t = this.deps.now();
    if (cur) {
      const base = cur.last_beat_at ?? cur.created_at;
      await this.deps.store.db.updateTable('heartbeats').set({
        source_id: sourceId, events_from: from, interval_minutes: interval, grace_minutes: grace, updated_at: t,
        ...(cur.status === 'missed' ? {} : { due_at: Number(base) + (interval + grace) * MIN }),
      }).where('id', '=', Number(cur.id)).execute();
      return { ...(await this.#view(await this.#get(name))), created: false };
    }
    const token = newUrlToken();
    await this.deps.store.db.insertInto('heartbeats').values({
      name, source_id: sourceId, events_from: from, interval_minutes: interval, grace_minutes: grace, token_hash: hashToken(token), status: 'waiting',
      last_beat_at: null, due_at: t + (interval + grace) * MIN, alert_id: null, created_at: t, updated_at: t,
    }).execute();
    return { ...(await this.#view(await this.#get(name))), created: true, ping_url: this.#url(token) };
  }

  async rotate(name: string) {
    const r = await this.#get(name);
    const token = newUrlToken();
    await this.deps.store.db.updateTable('heartbeats').set({ token_hash: hashToken(token), updated_at: this.deps.now() }).where('id', '=', Number(r.id)).execute();
    return { ...(await this.#view(r)), ping_url: this.#url(token) };
  }

  async show(name: string) { return this.#view(await this.#get(name)); }

  async list(source?: string) {
    let q = this.deps.store.db.selectFrom('heartbeats').selectAll().orderBy('name');
    if (source) q = q.where('source_id', '=', (await this.sources.get(source)).id);
    return Promise.all((await q.execute()).map((r) => this.#view(r)));
  }

  async delete(name: string): Promise<void> {
    const r = await this.#get(name);
    await this.deps.store.db.deleteFrom('heartbeats').where('id', '=', Number(r.id)).execute();
  }

  /** The ping URL: the token is the only credential. */
  async ping(token: string) {
    const hb = await this.deps.store.db.selectFrom('heartbeats').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!hb) throw new HookflowError('HF_ERR_HEARTBEAT_UNKNOWN');
    await this.deps.store.tx(async (trx) => beat({ trx, now: this.deps.now(), publicUrl: this.deps.publicUrl }, hb, 'ping'));
    this.deps.kick?.();
    const r = await this.#get(hb.name);
    return { status: 'ok', heartbeat: r.name, next_due_at: iso(r.due_at)! };
  }
}
