/**
 * @module alerts/maintenance
 * Maintenance windows per source (from, to, reason). As in ilert, no alert is created during a
 * window: an event that would open or join an alert is absorbed, written to the window's own log
 * (`alert_absorbed`) and answered 2xx like any other, and nobody is notified. Events that change
 * an alert that is already open (accept, resolve, comment) still apply, so a monitor's recovery
 * during the window does not leave an alert open.
 */
import { HookflowError } from '../errors.js';
import { iso, parseJson, type AlertDeps } from './deps.js';
import type { SourceService } from './sources.js';
import type { AlertEvent } from './types.js';
import type { Trx } from './records.js';
import type { AlertMaintenanceTable } from '../store/schema.js';

export interface WindowInput { from?: string; to?: string; reason?: string }
type Row = Omit<AlertMaintenanceTable, 'id'> & { id: number | bigint };
const bad = (reason: string) => new HookflowError('HF_ERR_MAINTENANCE_INVALID', { reason });

function time(v: string | undefined, name: string): number {
  const t = v === undefined ? NaN : Date.parse(v);
  if (!v || Number.isNaN(t)) throw bad(`${name} is an ISO 8601 date and time`);
  return t;
}

export async function activeWindow(trx: Trx, sourceId: string, now: number) {
  return trx.selectFrom('alert_maintenance').select(['id', 'reason']).where('source_id', '=', sourceId)
    .where('starts_at', '<=', now).where('ends_at', '>', now).orderBy('id').executeTakeFirst();
}

export async function absorb(trx: Trx, sourceId: string, windowId: number, ev: AlertEvent, now: number): Promise<void> {
  await trx.insertInto('alert_absorbed').values({
    source_id: sourceId, window_id: windowId, at: now, event_type: ev.type, alert_key: ev.alertKey, summary: ev.summary.slice(0, 1024),
    data: ev.data === undefined ? null : JSON.stringify(ev.data),
  }).execute();
}

export class MaintenanceService {
  constructor(private readonly deps: AlertDeps, private readonly sources: SourceService) {}

  async #view(r: Row) {
    const n = await this.deps.store.db.selectFrom('alert_absorbed').select((eb) => eb.fn.countAll().as('n')).where('window_id', '=', Number(r.id)).executeTakeFirst();
    const now = this.deps.now();
    return {
      id: Number(r.id), from: iso(r.starts_at)!, to: iso(r.ends_at)!, reason: r.reason, created_by: r.created_by,
      active: Number(r.starts_at) <= now && now < Number(r.ends_at), absorbed: Number(n?.n ?? 0), created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
    };
  }

  async #row(source: string, id: number) {
    const src = await this.sources.get(source);
    const r = await this.deps.store.db.selectFrom('alert_maintenance').selectAll().where('id', '=', id).where('source_id', '=', src.id).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Maintenance window ${id} of alert source ${source}` });
    return r;
  }

  async list(source: string) {
    const src = await this.sources.get(source);
    const rows = await this.deps.store.db.selectFrom('alert_maintenance').selectAll().where('source_id', '=', src.id).orderBy('starts_at', 'desc').execute();
    return Promise.all(rows.map((r) => this.#view(r)));
  }

  async create(source: string, input: WindowInput, actor: string) {
    const src = await this.sources.get(source);
    const from = time(input.from, 'from');
    const to = time(input.to, 'to');
    if (to <= from) throw bad('to must be after from');
    if (!input.reason?.trim()) throw bad('a maintenance window needs a reason');
    const t = this.deps.now();
    const r = await this.deps.store.db.insertInto('alert_maintenance').values({ source_id: src.id, starts_at: from, ends_at: to, reason: input.reason.trim().slice(0, 500), created_by: actor, created_at: t, updated_at: t })
      .returning('id').executeTakeFirstOrThrow();
    return this.#view(await this.#row(source, Number(r.id)));
  }

  async update(source: string, id: number, input: WindowInput) {
    const cur = await this.#row(source, id);
    const from = input.from === undefined ? Number(cur.starts_at) : time(input.from, 'from');
    const to = input.to === undefined ? Number(cur.ends_at) : time(input.to, 'to');
    if (to <= from) throw bad('to must be after from');
    if (input.reason !== undefined && !input.reason.trim()) throw bad('a maintenance window needs a reason');
    await this.deps.store.db.updateTable('alert_maintenance').set({ starts_at: from, ends_at: to, reason: input.reason?.trim().slice(0, 500) ?? cur.reason, updated_at: this.deps.now() })
      .where('id', '=', id).execute();
    return this.#view(await this.#row(source, id));
  }

  async delete(source: string, id: number): Promise<void> {
    await this.#row(source, id);
    await this.deps.store.db.deleteFrom('alert_maintenance').where('id', '=', id).execute();
  }

  /** The events the window absorbed, newest first. */
  async absorbed(source: string, id: number, limit = 100) {
    await this.#row(source, id);
    const rows = await this.deps.store.db.selectFrom('alert_absorbed').selectAll().where('window_id', '=', id).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ at: iso(r.at)!, event_type: r.event_type, alert_key: r.alert_key, summary: r.summary, data: parseJson(r.data, null) }));
  }
}
