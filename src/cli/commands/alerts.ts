/**
 * @module cli/commands/alerts
 * `hookflow alerts …`: alerts (list, show, accept, resolve, comment) and their configuration
 * (sources, escalation policies, teams). An events source's integration key is printed by
 * `sources create` and `sources rotate-key` only. Through /api/v1/alerts, /alert-sources,
 * /escalation-policies and /teams; whoever accepts, resolves or comments is the token's user.
 * Notifications that an accept or resolve causes (ilert/PagerDuty forwarding, the note back to
 * 4me) are sent by the server.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { ApiError } from '../client/api.js';
import { registerLifecycleCommands } from './alert-lifecycle.js';
import { api, collect, emit, fields, out, positiveInt, seg, sub, table, type JsonOpt } from './shared.js';

type Actor = JsonOpt & { note?: string };
type AlertView = Record<string, any>;

function alertId(v: string): number {
  if (!/^\d+$/.test(v)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `alert id must be a number, got ${v}` });
  return Number(v);
}

function printAlert(a: AlertView): void {
  out(fields([
    ['ID', a.id], ['Status', a.status], ['Priority', a.priority], ['Summary', a.summary], ['Source', a.source], ['Alert key', a.alert_key],
    ['Events', a.event_count], ['Escalation level', a.escalation_level], ['4me record', a.record ? `${a.record.type} ${a.record.id} (${a.record.account})` : null],
    ['Created', a.created_at], ['Accepted', a.accepted_at ? `${a.accepted_at} by ${a.accepted_by}` : null], ['Resolved', a.resolved_at ? `${a.resolved_at} by ${a.resolved_by}` : null],
    ['Snoozed until', a.snoozed_until], ['Assignee', a.assignee ? `${a.assignee.type} ${a.assignee.username ?? a.assignee.team ?? a.assignee.name ?? ''}` : null],
    ['URL', a.url],
  ]));
  if (a.details) out(`\n${a.details}`);
  if (a.log?.length) out(`\n${table(['AT', 'KIND', 'BY', 'TEXT'], a.log.map((l: AlertView) => [l.at, l.kind, l.actor, l.text]))}`);
  if (a.notifications?.length) out(`\n${table(['CHANNEL', 'ACTION', 'STATUS', 'ATTEMPTS', 'LAST'], a.notifications.map((n: AlertView) => [n.channel, n.action, n.status, n.attempts, n.last_status ?? n.last_error]))}`);
}

/** A JSON or YAML document from a file (`-` reads stdin). */
export async function readDoc(file: string): Promise<Record<string, unknown>> {
  const { parse: parseYaml } = await import('yaml');
  const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  let doc: unknown;
  try { doc = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text); } catch (e) {
    throw new HookflowError('HF_ERR_BODY_MALFORMED', { format: /\.json$/i.test(file) ? 'JSON' : 'YAML', reason: (e as Error).message });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `${file} must hold one object` });
  return doc as Record<string, unknown>;
}

function jsonOption(v: string): Record<string, unknown> {
  try {
    const o = JSON.parse(v) as unknown;
    if (o && typeof o === 'object' && !Array.isArray(o)) return o as Record<string, unknown>;
  } catch { /* below */ }
  throw new HookflowError('HF_ERR_VALIDATION', { reason: '--config must be a JSON object' });
}

interface SourceOpts extends JsonOpt {
  kind?: 'events' | '4me'; team?: string[]; policy?: string; noPolicy?: boolean; grouping?: string; window?: string; priority?: string;
  summaryTemplate?: string; detailsTemplate?: string; config?: string; account?: string; connection?: string; writeBack?: boolean; rateLimit?: number; enabled?: boolean;
  autoResolve?: number;
}

function sourceInput(o: SourceOpts): Record<string, unknown> {
  const config = { ...(o.config ? jsonOption(o.config) : {}) };
  if (o.account) config.account = o.account;
  if (o.connection) config.connection = o.connection;
  if (o.writeBack !== undefined) config.write_back = o.writeBack;
  if (o.rateLimit) config.rate_limit_per_minute = o.rateLimit;
  if (o.autoResolve) config.auto_resolve_minutes = o.autoResolve;
  const input: Record<string, unknown> = {
    kind: o.kind, teams: o.team, escalation_policy: o.policy, grouping: o.grouping, grouping_window: o.window, priority: o.priority?.toUpperCase(),
    summary_template: o.summaryTemplate, details_template: o.detailsTemplate, enabled: o.enabled, config: Object.keys(config).length ? config : undefined,
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

function printSource(s: Record<string, any>): void {
  out(fields([
    ['Name', s.name], ['Kind', s.kind], ['Enabled', s.enabled], ['Teams', (s.teams as string[]).join(', ')], ['Escalation policy', s.escalation_policy],
    ['Grouping', s.grouping_window ? `${s.grouping} (${s.grouping_window})` : s.grouping], ['Priority', s.priority], ['Verification', s.kind === '4me' ? s.verification : null],
    ['Webhook URL', s.webhook_url], ['Events URL', s.events_url], ['Summary template', s.summary_template], ['Details template', s.details_template],
  ]));
  if (s.integration_key) out(`\nIntegration key (shown only now): ${s.integration_key}`);
}

const withSourceOptions = (c: Command): Command => c
  .option('--team <name>', 'owning team (repeatable or comma-separated)', collect)
  .option('--policy <name>', 'escalation policy')
  .option('--grouping <mode>', 'none, alert_key, time_window, one_pending or one_open')
  .option('--window <iso>', 'time_window grouping: PT2M, PT5M, PT15M, PT30M, PT1H, PT2H, PT4H, PT8H, PT12H or PT24H')
  .option('--priority <p>', 'HIGH (escalates) or LOW (only notifies)')
  .option('--summary-template <expr>', 'alert summary, e.g. "{{ trigger.summary }}"')
  .option('--details-template <expr>', 'alert details')
  .option('--account <id>', '4me: the account id')
  .option('--connection <name>', '4me: a 4me connection, to read the record and write notes back')
  .option('--write-back', '4me: note on the record when the alert is accepted or resolved in Hookflow')
  .option('--rate-limit <n>', 'events: events per minute per integration key (default 50)', positiveInt)
  .option('--auto-resolve <minutes>', 'resolve an alert that had no new event for this many minutes', positiveInt)
  .option('--config <json>', 'further source settings as a JSON object (4me: policy, secret, events)');

export function registerAlertCommands(program: Command): void {
  const alerts = program.command('alerts').description('Alerts: list, show, accept, resolve, un-accept, snooze, reassign, reopen, comment; sources, maintenance, heartbeats, escalation policies and teams');

  sub(alerts, 'list', 'List alerts, newest first').option('--status <status>', 'pending, accepted or resolved').option('--source <name>', 'one source only')
    .option('--limit <n>', 'how many', positiveInt)
    .action(async (opts: JsonOpt & { status?: string; source?: string; limit?: number }) => {
      const r = await api(opts)<{ items: AlertView[] }>('GET', '/alerts', { query: { status: opts.status, source: opts.source, limit: opts.limit } });
      emit(opts, r.items, () => {
        if (r.items.length === 0) return out('No alerts.');
        out(table(['ID', 'STATUS', 'PRIORITY', 'SOURCE', 'EVENTS', 'CREATED', 'SUMMARY'], r.items.map((a) => [a.id, a.status, a.priority, a.source, a.event_count, a.created_at, a.summary])));
      });
    });

  sub(alerts, 'show <id>', 'Show an alert with its log and notifications').action(async (id: string, opts: JsonOpt) => {
    const a = await api(opts)<AlertView>('GET', `/alerts/${alertId(id)}`);
    emit(opts, a, () => printAlert(a));
  });

  for (const verb of ['accept', 'resolve'] as const) {
    sub(alerts, `${verb} <id>`, verb === 'accept' ? 'Accept an alert: stops its escalation' : 'Resolve an alert')
      .option('--note <text>', 'why; also in the note written back to 4me')
      .action(async (id: string, opts: Actor) => {
        const a = await api(opts)<AlertView>('POST', `/alerts/${alertId(id)}/${verb}`, { body: opts.note ? { note: opts.note } : {} });
        emit(opts, a, () => out(`Alert ${a.id} ${a.status}`));
      });
  }

  registerLifecycleCommands(alerts);

  sub(alerts, 'comment <id> <text>', 'Add a comment to the alert\'s log')
    .action(async (id: string, text: string, opts: Actor) => {
      const a = await api(opts)<AlertView>('POST', `/alerts/${alertId(id)}/comment`, { body: { text } });
      emit(opts, a, () => out(`Comment added to alert ${a.id}`));
    });

  const sources = alerts.command('sources').description('Alert sources: 4me webhooks and the ilert-compatible events API');
  sub(sources, 'list', 'List alert sources').action(async (opts: JsonOpt) => {
    const list = (await api(opts)<{ items: AlertView[] }>('GET', '/alert-sources')).items;
    emit(opts, list, () => {
      if (list.length === 0) return out('No alert sources.');
      out(table(['NAME', 'KIND', 'ENABLED', 'POLICY', 'GROUPING', 'PRIORITY', 'URL'], list.map((s) => [s.name, s.kind, s.enabled, s.escalation_policy, s.grouping, s.priority, s.webhook_url ?? s.events_url])));
    });
  });
  sub(sources, 'show <name>', 'Show an alert source').action(async (name: string, opts: JsonOpt) => {
    const s = await api(opts)<AlertView>('GET', `/alert-sources/${seg(name)}`);
    emit(opts, s, () => printSource(s));
  });
  withSourceOptions(sub(sources, 'create <name>', 'Create a source; an events source\'s integration key is printed once'))
    .option('--kind <kind>', 'events (POST /api/events) or 4me (its own /hooks URL)', 'events')
    .option('--disabled', 'create it disabled')
    .action(async (name: string, opts: SourceOpts & { disabled?: boolean }) => {
      const call = api(opts);
      // PUT creates or updates; create must not change a source that exists.
      const exists = await call('GET', `/alert-sources/${seg(name)}`).then(() => true, (e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return false;
        throw e;
      });
      if (exists) throw new ApiError(409, 'HF_ERR_CONFLICT', `Alert source ${name} already exists; use 'hookflow alerts sources update'`);
      const s = await call<AlertView>('PUT', `/alert-sources/${seg(name)}`, { body: sourceInput({ ...opts, enabled: opts.disabled ? false : undefined }) });
      emit(opts, s, () => printSource(s));
    });
  withSourceOptions(sub(sources, 'update <name>', 'Change a source')).option('--no-policy', 'remove the escalation policy')
    .option('--enable', 'accept events').option('--disable', 'refuse events')
    .action(async (name: string, opts: SourceOpts & { enable?: boolean; disable?: boolean }) => {
      const input = sourceInput({ ...opts, kind: undefined, enabled: opts.enable ? true : opts.disable ? false : undefined });
      // commander's --no-policy sets policy to false.
      if ((opts.policy as unknown) === false) input.escalation_policy = null;
      const call = api(opts);
      await call('GET', `/alert-sources/${seg(name)}`); // update must not create
      const s = await call<AlertView>('PUT', `/alert-sources/${seg(name)}`, { body: input });
      emit(opts, s, () => printSource(s));
    });
  sub(sources, 'rotate-key <name>', 'New integration key for an events source; the old one stops working').action(async (name: string, opts: JsonOpt) => {
    const s = await api(opts)<AlertView>('POST', `/alert-sources/${seg(name)}/rotate-key`);
    emit(opts, s, () => printSource(s));
  });
  sub(sources, 'delete <name>', 'Delete an alert source (its alerts stay)').action(async (name: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/alert-sources/${seg(name)}`);
    emit(opts, { deleted: name }, () => out(`Alert source ${name} deleted`));
  });

  const policies = alerts.command('policies').description('Escalation policies: ordered levels of targets, timeouts, repeat, delayed start');
  sub(policies, 'list', 'List escalation policies').action(async (opts: JsonOpt) => {
    const list = (await api(opts)<{ items: AlertView[] }>('GET', '/escalation-policies')).items;
    emit(opts, list, () => {
      if (list.length === 0) return out('No escalation policies.');
      out(table(['NAME', 'LEVELS', 'REPEAT', 'DELAY (MIN)'], list.map((p) => [p.name, p.levels.map((l: AlertView) => `${l.targets.map((t: AlertView) => t.type).join('+')}/${l.timeout_minutes}m`).join(' → '), p.repeat, p.delay_minutes])));
    });
  });
  sub(policies, 'show <name>', 'Show a policy (forwarding keys as ***)').action(async (name: string, opts: JsonOpt) => {
    const p = await api(opts)<AlertView>('GET', `/escalation-policies/${seg(name)}`);
    emit(opts, p, () => out(JSON.stringify(p, null, 2)));
  });
  sub(policies, 'apply <name> <file>', 'Create or replace a policy from a YAML or JSON file ({levels, repeat, delay_minutes}; - reads stdin)')
    .action(async (name: string, file: string, opts: JsonOpt) => {
      const doc = await readDoc(file);
      const p = await api(opts)<AlertView>('PUT', `/escalation-policies/${seg(name)}`, { body: doc });
      emit(opts, p, () => out(`Escalation policy ${p.name}: ${p.levels.length} level(s), repeat ${p.repeat}, delay ${p.delay_minutes} min`));
    });
  sub(policies, 'delete <name>', 'Delete a policy no source uses').action(async (name: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/escalation-policies/${seg(name)}`);
    emit(opts, { deleted: name }, () => out(`Escalation policy ${name} deleted`));
  });

  const teams = alerts.command('teams').description('Teams: groups of users that own sources and can be escalation targets');
  sub(teams, 'list', 'List teams').action(async (opts: JsonOpt) => {
    const list = (await api(opts)<{ items: AlertView[] }>('GET', '/teams')).items;
    emit(opts, list, () => out(list.length ? table(['NAME', 'MEMBERS', 'DESCRIPTION'], list.map((t) => [t.name, t.members.join(', '), t.description])) : 'No teams.'));
  });
  sub(teams, 'set <name>', 'Create or update a team').option('--member <username>', 'member (repeatable or comma-separated; replaces the members)', collect)
    .option('--description <text>', 'what the team does')
    .action(async (name: string, opts: JsonOpt & { member?: string[]; description?: string }) => {
      const t = await api(opts)<AlertView>('PUT', `/teams/${seg(name)}`, { body: { members: opts.member, description: opts.description } });
      emit(opts, t, () => out(fields([['Name', t.name], ['Members', t.members.join(', ')], ['Description', t.description]])));
    });
  sub(teams, 'delete <name>', 'Delete a team').action(async (name: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/teams/${seg(name)}`);
    emit(opts, { deleted: name }, () => out(`Team ${name} deleted`));
  });
}
