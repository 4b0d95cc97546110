/**
 * @module alerts/service
 * The alerting facade the server, CLI and runtime use: the Events API, 4me source deliveries,
 * alerts (list, show, accept, resolve, comment, un-accept, snooze, reassign, reopen), on-call
 * schedules, personal notification rules, maintenance windows, heartbeats and the ticking part that
 * fires escalation steps, rule steps, lifecycle deadlines and missed heartbeats and sends
 * notifications. `deps.now` is the one clock: tests move it and call `tick()`.
 */
import { HookflowError, isHookflowError, type ErrorCode } from '../errors.js';
import type { InboundRequest } from '../verify/index.js';
import { iso, parseJson, type AlertDeps } from './deps.js';
import { TeamService } from './teams.js';
import { PolicyService } from './policies.js';
import { SourceService, type Source } from './sources.js';
import { ingest } from './ingest.js';
import { DEFAULT_RATE_PER_MINUTE, RateLimiter, eventFromBody, eventsKey, type EventsBody } from './events-api.js';
import { CLOSED, handshake, parseFourme } from './fourme-source.js';
import { fetchRecord, type FourmeRecordInfo } from './fourme-record.js';
import { render } from './render.js';
import { alertUrl, alertView, loadAlert, sourceName } from './records.js';
import { acceptAlert, commentAlert, resolveAlert } from './transitions.js';
import { fireDueTimers } from './escalation.js';
import { checkAssignee, fireDueDeadlines, reassignAlert, reopenAlert, snoozeAlert, snoozeUntil, unacceptAlert } from './lifecycle.js';
import { MaintenanceService } from './maintenance.js';
import { HeartbeatService, fireMissed } from './heartbeats.js';
import type { Target } from './types.js';
import { deliverDue } from './notifier.js';
import { fireDueRuleSteps } from './rule-steps.js';
import { ScheduleService } from './schedules.js';
import { NotificationRuleService } from './notification-rules.js';
import { STATUSES } from './types.js';
import { Backoff } from '../store/backoff.js';

/** The refusals a 4me delivery to an alert source may get: its authenticity failed. */
const REFUSED = new Set<ErrorCode>(['HF_ERR_SIGNATURE_INVALID', 'HF_ERR_SIGNATURE_STALE', 'HF_ERR_IP_NOT_ALLOWED', 'HF_ERR_STORE_UNAVAILABLE']);
import { isStoreUnavailable } from '../store/unavailable.js';

type Action = 'accept' | 'resolve' | 'comment' | 'unaccept' | 'reopen' | 'snooze' | 'reassign';
const PAST: Record<Action, string> = { accept: 'accepted', resolve: 'resolved', comment: 'commented', unaccept: 'un-accepted', reopen: 'reopened', snooze: 'snoozed', reassign: 'reassigned' };

export class AlertService {
  readonly teams: TeamService;
  readonly policies: PolicyService;
  readonly sources: SourceService;
  readonly schedules: ScheduleService;
  readonly rules: NotificationRuleService;
  readonly maintenance: MaintenanceService;
  readonly heartbeats: HeartbeatService;
  readonly #limiter = new RateLimiter();
  #timer: NodeJS.Timeout | null = null;
  #busy: Promise<void> | null = null;
  readonly #backoff = new Backoff();
  #again = false;

  constructor(readonly deps: AlertDeps) {
    this.teams = new TeamService(deps);
    this.policies = new PolicyService(deps);
    this.sources = new SourceService(deps, this.teams, this.policies);
    this.schedules = new ScheduleService(deps);
    this.rules = new NotificationRuleService(deps);
    this.maintenance = new MaintenanceService(deps, this.sources);
    this.heartbeats = new HeartbeatService(deps, this.sources);
    deps.kick ??= () => undefined;
  }

  /** `POST /api/events`: answers ilert's `{alertKey, alertUrl, responseCode}`. */
  async eventsApi(body: EventsBody) {
    const src = await this.sources.byKey(eventsKey(body));
    if (!src || src.kind !== 'events') throw new HookflowError('HF_ERR_ALERT_KEY_UNKNOWN');
    if (!src.enabled) throw new HookflowError('HF_ERR_ALERT_SOURCE_DISABLED', { name: src.name });
    const limit = Number(src.config.rate_limit_per_minute ?? DEFAULT_RATE_PER_MINUTE);
    const taken = this.#limiter.take(src.id, limit, this.deps.now());
    if (!taken.ok) throw new HookflowError('HF_ERR_ALERT_RATE_LIMITED', { limit, seconds: taken.retryAfterS }, { retryAfter: taken.retryAfterS });
    let ev = eventFromBody(body);
    if (body.routingKey) ev.policyId = (await this.policies.get(body.routingKey).catch(() => null))?.id ?? null;
    ev = await render(this.deps, src, ev, { ...body, integrationKey: undefined, apiKey: undefined });
    const res = await ingest(this.deps, src, ev);
    return { alertKey: res.alert?.alert_key ?? ev.alertKey, alertUrl: res.alert ? alertUrl(this.deps.publicUrl, res.alert.id) : null, responseCode: res.code };
  }

  /** A 4me source's `/hooks/{token}`, the token resolved to the source's id; null when it is gone. */
  async hook(sourceId: string, req: InboundRequest & { contentType?: string }) {
    const src = await this.sources.byId(sourceId);
    if (!src) return null;
    // 4me counts every non-2xx towards disabling its webhook: only a failed signature (or a store
    // that cannot commit) is refused; anything else is answered 200 ignored, with the reason.
    if (!src.enabled) return { status: 'ignored', reason: `the alert source ${src.name} is disabled` };
    let p: Awaited<ReturnType<typeof parseFourme>>;
    try {
      p = await parseFourme(this.deps, src, req);
    } catch (e) {
      if (!isHookflowError(e) || REFUSED.has(e.code)) throw e;
      this.deps.log?.warn({ source: src.name, code: e.code }, `4me delivery ignored: ${e.message}`);
      return { status: 'ignored', reason: e.message };
    }
    if (p.kind === 'verify') { await handshake(this.deps, src, p); return { status: 'verified', webhook_id: p.webhookId }; }
    if (p.kind === 'ignored') return { status: 'ignored', event: p.event };
    let info: FourmeRecordInfo | null = null;
    if (typeof src.config.connection === 'string' && p.event.record && !(await this.#seen(src, p.event.dedupKey))) {
      info = await fetchRecord(this.deps.connections, src.config.connection, p.recordType, p.event.record)
        .catch((e: unknown) => { this.deps.log?.warn({ err: e, source: src.name }, '4me record read failed; the delivery fills the alert'); return null; });
    }
    let ev = p.event;
    // A late delivery must not reopen what 4me has closed since: the record read now decides.
    if (ev.reopen && info?.status && CLOSED.includes(info.status)) ev = { ...ev, reopen: false };
    if (info?.subject) {
      ev = { ...ev, summary: info.subject, details: [info.impact && `Impact: ${info.impact}`, info.team && `Team: ${info.team}`, info.status && `Status: ${info.status}`, ev.record?.url].filter(Boolean).join('\n'),
        customDetails: { ...ev.customDetails, subject: info.subject, impact: info.impact, team: info.team } };
    }
    ev = await render(this.deps, src, ev, p.delivery, info);
    const res = await ingest(this.deps, src, ev);
    return { status: 'accepted', alert_id: res.alert?.id ?? null, alert_key: ev.alertKey, response_code: res.code, ...(res.duplicate ? { duplicate: true } : {}) };
  }

  async #seen(src: Source, key: string | null): Promise<boolean> {
    if (!key) return false;
    return !!(await this.deps.store.db.selectFrom('alert_dedup').select('key').where('source_id', '=', src.id).where('key', '=', key).executeTakeFirst());
  }

  async list(q: { status?: string; source?: string; limit?: number; cursor?: string }) {
    const db = this.deps.store.db;
    let query = db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit((q.limit ?? 50) + 1);
    if (q.status) {
      if (!(STATUSES as readonly string[]).includes(q.status)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `status is one of ${STATUSES.join(', ')}` });
      query = query.where('status', '=', q.status);
    }
    if (q.source) query = query.where('source_id', '=', (await this.sources.get(q.source)).id);
    if (q.cursor) query = query.where('id', '<', Number(q.cursor));
    const rows = await query.execute();
    const limit = q.limit ?? 50;
    const names = new Map<string, string>();
    const items = [];
    for (const r of rows.slice(0, limit)) {
      if (!names.has(r.source_id)) names.set(r.source_id, await sourceName(db as never, r.source_id));
      items.push(alertView({ ...r, id: Number(r.id) }, names.get(r.source_id)!, this.deps.publicUrl));
    }
    return { items, next_cursor: rows.length > limit ? String(items[items.length - 1]!.id) : null };
  }

  async show(id: number) {
    const db = this.deps.store.db;
    const a = await loadAlert(db as never, id);
    if (!a) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Alert ${id}` });
    const logRows = await db.selectFrom('alert_log').selectAll().where('alert_id', '=', id).orderBy('id').execute();
    const notes = await db.selectFrom('alert_notifications').select(['id', 'channel', 'action', 'status', 'attempts', 'last_status', 'last_error', 'created_at', 'sent_at', 'next_attempt_at'])
      .where('alert_id', '=', id).orderBy('id').execute();
    const keys = await db.selectFrom('alert_keys').select('alert_key').where('alert_id', '=', id).execute();
    return {
      ...alertView(a, await sourceName(db as never, a.source_id), this.deps.publicUrl),
      keys: keys.map((k) => k.alert_key),
      log: logRows.map((l) => ({ at: iso(l.at)!, kind: l.kind, actor: l.actor, text: l.text, data: parseJson(l.data, null) })),
      notifications: notes.map((n) => ({ ...n, id: Number(n.id), created_at: iso(n.created_at)!, sent_at: iso(n.sent_at), next_attempt_at: n.status === 'pending' ? iso(n.next_attempt_at) : null })),
    };
  }

  async #change(id: number, action: Action, actor: string, text?: string, arg?: unknown) {
    // The source is read before the transaction: on SQLite the store has one connection, and a
    // read outside the transaction would wait for it forever.
    const row = await this.deps.store.db.selectFrom('alerts').select('source_id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Alert ${id}` });
    const src = await this.sources.byId(row.source_id);
    const label = action === 'reassign' ? await checkAssignee(this.deps.store.db as never, id, arg as Target) : '';
    await this.deps.store.tx(async (trx) => {
      const a = await loadAlert(trx, id);
      if (!a) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Alert ${id}` });
      const c = { trx, now: this.deps.now(), publicUrl: this.deps.publicUrl };
      if (action === 'comment') return commentAlert(c, a, actor, text!);
      const o = { actor, src, fromHookflow: true, note: text };
      const ok = action === 'accept' ? await acceptAlert(c, a, o)
        : action === 'resolve' ? await resolveAlert(c, a, o)
          : action === 'unaccept' ? await unacceptAlert(c, a, o)
            : action === 'reopen' ? await reopenAlert(c, a, o)
              : action === 'snooze' ? await snoozeAlert(c, a, arg as number, o)
                : await reassignAlert(this.deps, c, a, arg as Target, label, o);
      if (!ok) throw new HookflowError('HF_ERR_ALERT_STATE', { id, status: a.status, action: PAST[action] });
    });
    this.deps.kick?.();
    return this.show(id);
  }

  accept(id: number, actor: string, note?: string) { return this.#change(id, 'accept', actor, note); }
  resolve(id: number, actor: string, note?: string) { return this.#change(id, 'resolve', actor, note); }
  unaccept(id: number, actor: string, note?: string) { return this.#change(id, 'unaccept', actor, note); }
  reopen(id: number, actor: string, note?: string) { return this.#change(id, 'reopen', actor, note); }
  reassign(id: number, actor: string, target: Target, note?: string) { return this.#change(id, 'reassign', actor, note, target); }
  snooze(id: number, actor: string, until: string, note?: string) {
    return this.#change(id, 'snooze', actor, note, snoozeUntil(id, until, this.deps.now()));
  }
  comment(id: number, actor: string, text: string) {
    if (!text?.trim()) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'a comment needs text' });
    return this.#change(id, 'comment', actor, text);
  }

  /** One round: due escalation steps, then due notifications. Overlapping calls share a round. */
  tick(): Promise<void> {
    if (this.#busy) { this.#again = true; return this.#busy; }
    this.#busy = (async () => {
      try {
        do {
          this.#again = false;
          await fireMissed(this.deps, this.sources);
          await fireDueDeadlines(this.deps, (id) => this.sources.byId(id));
          await fireDueTimers(this.deps, this.policies);
          await fireDueRuleSteps(this.deps);
          await deliverDue(this.deps);
        } while (this.#again);
        this.#backoff.reset();
      } catch (e) {
        this.deps.log?.error({ err: e, ...(isStoreUnavailable(e) ? { retry_in_ms: this.#backoff.next() } : {}) }, 'alert tick failed');
      } finally {
        this.#busy = null;
      }
    })();
    return this.#busy;
  }

  start(tickMs = 1000): void {
    this.deps.kick = () => { setImmediate(() => void this.tick()); };
    // While the store is away, timer ticks wait out the backoff; an explicit kick still runs.
    this.#timer = setInterval(() => { if (this.#backoff.ready()) void this.tick(); }, tickMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.deps.kick = () => undefined;
    await this.#busy;
  }
}
