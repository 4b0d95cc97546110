/**
 * @module cli/commands/oncall
 * `hookflow schedules …` (on-call schedules: list, show, who is on call now or at a time, the
 * timeline, apply from a file, overrides) and `hookflow notification-rules …` (a person's rules:
 * show, apply, test). Clients of /api/v1/schedules and /api/v1/users/{name}/notification-rules.
 */
import type { Command } from 'commander';
import { api, emit, fields, out, seg, sub, table, type JsonOpt } from './shared.js';
import { readDoc } from './alerts.js';

type View = Record<string, any>;

function printSchedule(s: View): void {
  out(fields([['Name', s.name], ['Description', s.description], ['Time zone', s.time_zone], ['On call now', s.on_call_now ?? 'nobody']]));
  out(`\n${table(['LAYER', 'USERS', 'HANDOFF', 'START', 'RESTRICTIONS'], (s.layers as View[]).map((l, i) => [
    l.name ?? `Layer ${i + 1}`, l.users.join(', '), l.handoff === 'custom' ? `every ${l.every} ${l.unit}` : l.handoff, l.start,
    (l.restrictions ?? []).map((r: View) => `${r.days?.length ? `${r.days.join(',')} ` : ''}${r.from}-${r.to}`).join('; '),
  ]))}`);
  if (s.overrides.length) out(`\n${table(['OVERRIDE', 'USER', 'FROM', 'TO', 'NOTE'], (s.overrides as View[]).map((o) => [o.id, o.user, o.from, o.to, o.note]))}`);
}

export function registerOncallCommands(program: Command): void {
  const s = program.command('schedules').description('On-call schedules: layers, rotations, restrictions, overrides; who is on call');
  sub(s, 'list', 'List schedules with who is on call now').action(async (opts: JsonOpt) => {
    const list = (await api(opts)<{ items: View[] }>('GET', '/schedules')).items;
    emit(opts, list, () => {
      if (!list.length) return out('No schedules.');
      out(table(['NAME', 'TIME ZONE', 'LAYERS', 'ON CALL NOW'], list.map((x) => [x.name, x.time_zone, x.layers.length, x.on_call_now ?? 'nobody'])));
    });
  });
  sub(s, 'show <name>', 'Show a schedule: layers and current and future overrides').action(async (name: string, opts: JsonOpt) => {
    const x = await api(opts)<View>('GET', `/schedules/${seg(name)}`);
    emit(opts, x, () => printSchedule(x));
  });
  sub(s, 'oncall <name>', 'Who is on call now, or at --at').option('--at <time>', 'an ISO time with offset, e.g. 2026-03-29T09:00:00+02:00')
    .action(async (name: string, opts: JsonOpt & { at?: string }) => {
      const x = await api(opts)<View>('GET', `/schedules/${seg(name)}/oncall`, { query: { at: opts.at } });
      emit(opts, x, () => out(x.user ? `${x.user} (${x.override_id ? `override ${x.override_id}` : x.layer_name}) at ${x.at}` : `Nobody is on call in ${name} at ${x.at}`));
    });
  sub(s, 'timeline <name>', 'Who is on call over a period (default: the next 7 days)').option('--from <time>', 'ISO time with offset').option('--to <time>', 'ISO time with offset')
    .action(async (name: string, opts: JsonOpt & { from?: string; to?: string }) => {
      const x = await api(opts)<View>('GET', `/schedules/${seg(name)}/timeline`, { query: { from: opts.from, to: opts.to } });
      emit(opts, x, () => out(x.items.length ? table(['FROM', 'TO', 'USER', 'BY'], (x.items as View[]).map((i) => [i.from, i.to, i.user, i.override_id ? `override ${i.override_id}` : i.layer_name])) : 'Nobody is on call in this period.'));
    });
  sub(s, 'apply <name> <file>', 'Create or replace a schedule from a YAML or JSON file ({time_zone, layers, description}; - reads stdin)')
    .action(async (name: string, file: string, opts: JsonOpt) => {
      const x = await api(opts)<View>('PUT', `/schedules/${seg(name)}`, { body: await readDoc(file) });
      emit(opts, x, () => printSchedule(x));
    });
  sub(s, 'delete <name>', 'Delete a schedule no escalation policy names').action(async (name: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/schedules/${seg(name)}`);
    emit(opts, { deleted: name }, () => out(`Schedule ${name} deleted`));
  });
  sub(s, 'override <name> <user> <from> <to>', 'Put a person on call from <from> to <to> (ISO times with offset)').option('--note <text>', 'why')
    .action(async (name: string, user: string, from: string, to: string, opts: JsonOpt & { note?: string }) => {
      const o = await api(opts)<View>('POST', `/schedules/${seg(name)}/overrides`, { body: { user, from, to, ...(opts.note ? { note: opts.note } : {}) } });
      emit(opts, o, () => out(`Override ${o.id}: ${o.user} on call from ${o.from} to ${o.to}`));
    });
  sub(s, 'remove-override <name> <id>', 'Remove an override').action(async (name: string, id: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/schedules/${seg(name)}/overrides/${seg(id)}`);
    emit(opts, { removed: Number(id) }, () => out(`Override ${id} removed`));
  });

  const r = program.command('notification-rules').description('Personal notification rules: how and when a person is notified of alerts');
  const printRules = (x: View) => out(x.rules.length ? table(['#', 'PRIORITY', 'CHANNEL', 'DELAY', 'TARGET'], (x.rules as View[]).map((y, i) => [i, y.priority, y.channel, `${y.delay_minutes} min`, y.target])) : `${x.username} has no rules: escalations email them.`);
  sub(r, 'show <user>', 'Show a person\'s rules in order').action(async (user: string, opts: JsonOpt) => {
    const x = await api(opts)<View>('GET', `/users/${seg(user)}/notification-rules`);
    emit(opts, x, () => printRules(x));
  });
  sub(r, 'apply <user> <file>', 'Replace a person\'s rules from a YAML or JSON file ({rules: [{priority, channel, delay_minutes, target, template}]})')
    .action(async (user: string, file: string, opts: JsonOpt) => {
      const x = await api(opts)<View>('PUT', `/users/${seg(user)}/notification-rules`, { body: await readDoc(file) });
      emit(opts, x, () => printRules(x));
    });
  sub(r, 'test <user>', 'Send one test notification now through a rule').option('--rule <n>', 'the rule\'s number (default 0)')
    .action(async (user: string, opts: JsonOpt & { rule?: string }) => {
      const x = await api(opts)<View>('POST', `/users/${seg(user)}/notification-rules/test`, { body: { rule: Number(opts.rule ?? 0) } });
      emit(opts, x, () => out(x.ok ? `Sent: ${x.channel} to ${x.target}${x.status ? ` (HTTP ${x.status})` : ''}` : `Failed: ${x.channel} to ${x.target}: ${x.error}`));
      if (!x.ok) process.exitCode = 1;
    });
}
