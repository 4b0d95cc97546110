/**
 * @module cli/commands/alert-lifecycle
 * `hookflow alerts unaccept|snooze|reassign|reopen <id>`, `hookflow alerts maintenance …` (windows
 * per source) and `hookflow alerts heartbeats …`. Times are ISO 8601 or relative to now (`30m`,
 * `2h`, `1d`), turned into ISO here so the server sees one form. A heartbeat's ping URL is printed
 * by `create` and `rotate-token` only.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { api, emit, fields, out, positiveInt, seg, sub, table, type JsonOpt } from './shared.js';

type Doc = Record<string, any>;
type Note = JsonOpt & { note?: string };

function alertId(v: string): number {
  if (!/^\d+$/.test(v)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `alert id must be a number, got ${v}` });
  return Number(v);
}

/** `2026-12-01T10:00:00Z` as it is, or `30m`/`2h`/`1d` from now. */
export function when(v: string): string {
  const m = /^(\d+)([mhd])$/.exec(v);
  if (m) return new Date(Date.now() + Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']).toISOString();
  if (Number.isNaN(Date.parse(v))) throw new InvalidArgumentError(`${v} is not an ISO 8601 time or a duration like 30m, 2h, 1d`);
  return v;
}

const body = (o: Note, extra: Doc = {}) => ({ ...extra, ...(o.note ? { note: o.note } : {}) });

function printWindow(w: Doc): void {
  out(fields([['ID', w.id], ['From', w.from], ['To', w.to], ['Reason', w.reason], ['Active', w.active], ['Absorbed events', w.absorbed], ['By', w.created_by]]));
}

function printBeat(b: Doc): void {
  out(fields([['Name', b.name], ['Source', b.source], ['Events from', b.events_from], ['Interval (min)', b.interval_minutes], ['Grace (min)', b.grace_minutes],
    ['Status', b.status], ['Last beat', b.last_beat_at], ['Due', b.due_at], ['Alert', b.alert_id]]));
  if (b.ping_url) out(`\nPing URL (shown only now; GET or POST, no token needed): ${b.ping_url}`);
}

export function registerLifecycleCommands(alerts: Command): void {
  const change = (verb: string, path: string, make: (o: any) => Doc = () => ({})) => async (id: string, opts: Note & Doc) => {
    const a = await api(opts)<Doc>('POST', `/alerts/${alertId(id)}/${path}`, { body: body(opts, make(opts)) });
    emit(opts, a, () => out(`Alert ${a.id} ${verb}: ${a.status}${a.snoozed_until ? `, snoozed until ${a.snoozed_until}` : ''}`));
  };
  sub(alerts, 'unaccept <id>', 'Un-accept an alert: pending again, its escalation starts over').option('--note <text>', 'why')
    .action(change('un-accepted', 'unaccept'));
  sub(alerts, 'reopen <id>', 'Reopen a resolved alert: pending again, its escalation starts over').option('--note <text>', 'why')
    .action(change('reopened', 'reopen'));
  sub(alerts, 'snooze <id>', 'No notifications until a time; then the escalation resumes')
    .requiredOption('--until <time>', 'ISO 8601 time, or 30m, 2h, 1d from now', when).option('--note <text>', 'why')
    .action(change('snoozed', 'snooze', (o: { until: string }) => ({ until: o.until })));
  sub(alerts, 'reassign <id>', 'Reassign an alert to a user, team or schedule (notified now)')
    .option('--user <username>', 'a user').option('--team <name>', 'a team').option('--schedule <name>', 'an on-call schedule').option('--note <text>', 'why')
    .action(change('reassigned', 'reassign', (o: { user?: string; team?: string; schedule?: string }) => {
      const given = [o.user && { type: 'user', username: o.user }, o.team && { type: 'team', team: o.team }, o.schedule && { type: 'schedule', name: o.schedule }].filter(Boolean);
      if (given.length !== 1) throw new InvalidArgumentError('give exactly one of --user, --team, --schedule');
      return { target: given[0] };
    }));

  const mw = alerts.command('maintenance').description('Maintenance windows per source: events absorbed and logged, nobody notified');
  sub(mw, 'list <source>', 'List the windows of a source').action(async (source: string, opts: JsonOpt) => {
    const items = (await api(opts)<{ items: Doc[] }>('GET', `/alert-sources/${seg(source)}/maintenance`)).items;
    emit(opts, items, () => out(items.length ? table(['ID', 'FROM', 'TO', 'ACTIVE', 'ABSORBED', 'REASON'], items.map((w) => [w.id, w.from, w.to, w.active, w.absorbed, w.reason])) : 'No maintenance windows.'));
  });
  sub(mw, 'add <source>', 'Plan a window').option('--from <time>', 'start: ISO 8601 or a duration from now (default now)', when)
    .requiredOption('--to <time>', 'end: ISO 8601 or a duration from now (2h)', when).requiredOption('--reason <text>', 'why')
    .action(async (source: string, opts: JsonOpt & { from?: string; to: string; reason: string }) => {
      const w = await api(opts)<Doc>('POST', `/alert-sources/${seg(source)}/maintenance`, { body: { from: opts.from ?? new Date().toISOString(), to: opts.to, reason: opts.reason } });
      emit(opts, w, () => printWindow(w));
    });
  sub(mw, 'update <source> <id>', 'Change a window').option('--from <time>', 'start', when).option('--to <time>', 'end', when).option('--reason <text>', 'why')
    .action(async (source: string, id: string, opts: JsonOpt & { from?: string; to?: string; reason?: string }) => {
      const w = await api(opts)<Doc>('PUT', `/alert-sources/${seg(source)}/maintenance/${positiveInt(id)}`, { body: { from: opts.from, to: opts.to, reason: opts.reason } });
      emit(opts, w, () => printWindow(w));
    });
  sub(mw, 'delete <source> <id>', 'Delete a window').action(async (source: string, id: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/alert-sources/${seg(source)}/maintenance/${positiveInt(id)}`);
    emit(opts, { deleted: Number(id) }, () => out(`Maintenance window ${id} deleted`));
  });
  sub(mw, 'events <source> <id>', 'The events a window absorbed').action(async (source: string, id: string, opts: JsonOpt) => {
    const items = (await api(opts)<{ items: Doc[] }>('GET', `/alert-sources/${seg(source)}/maintenance/${positiveInt(id)}/events`)).items;
    emit(opts, items, () => out(items.length ? table(['AT', 'TYPE', 'KEY', 'SUMMARY'], items.map((e) => [e.at, e.event_type, e.alert_key, e.summary])) : 'No absorbed events.'));
  });

  const hb = alerts.command('heartbeats').description('Heartbeats: a URL or a source that must be heard from every N minutes');
  sub(hb, 'list', 'List heartbeats').option('--source <name>', 'of one source').action(async (opts: JsonOpt & { source?: string }) => {
    const items = (await api(opts)<{ items: Doc[] }>('GET', '/heartbeats', { query: { source: opts.source } })).items;
    emit(opts, items, () => out(items.length ? table(['NAME', 'SOURCE', 'STATUS', 'INTERVAL', 'GRACE', 'LAST BEAT', 'DUE'], items.map((b) => [b.name, b.source, b.status, b.interval_minutes, b.grace_minutes, b.last_beat_at, b.due_at])) : 'No heartbeats.'));
  });
  sub(hb, 'show <name>', 'Show a heartbeat').action(async (name: string, opts: JsonOpt) => {
    const b = await api(opts)<Doc>('GET', `/heartbeats/${seg(name)}`);
    emit(opts, b, () => printBeat(b));
  });
  for (const verb of ['create', 'update'] as const) {
    const c = sub(hb, `${verb} <name>`, verb === 'create' ? 'Create a heartbeat; its ping URL is printed once' : 'Change a heartbeat')
      .option('--interval <minutes>', 'a beat is expected every N minutes', positiveInt).option('--grace <minutes>', 'extra minutes before it counts as missed', (v) => Number(v))
      .option('--events-from <source>', 'every event of this alert source is a beat');
    (verb === 'create' ? c.requiredOption('--source <name>', 'the alert source a missed beat opens an alert in') : c.option('--source <name>', 'the alert source for missed beats'))
      .action(async (name: string, opts: JsonOpt & { source?: string; interval?: number; grace?: number; eventsFrom?: string }) => {
        const call = api(opts);
        if (verb === 'update') await call('GET', `/heartbeats/${seg(name)}`); // update must not create
        const b = await call<Doc>('PUT', `/heartbeats/${seg(name)}`, { body: { source: opts.source, interval_minutes: opts.interval, grace_minutes: opts.grace, events_from: opts.eventsFrom } });
        emit(opts, b, () => printBeat(b));
      });
  }
  sub(hb, 'rotate-token <name>', 'New ping URL; the old one stops working').action(async (name: string, opts: JsonOpt) => {
    const b = await api(opts)<Doc>('POST', `/heartbeats/${seg(name)}/rotate-token`);
    emit(opts, b, () => printBeat(b));
  });
  sub(hb, 'delete <name>', 'Delete a heartbeat').action(async (name: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/heartbeats/${seg(name)}`);
    emit(opts, { deleted: name }, () => out(`Heartbeat ${name} deleted`));
  });
}
