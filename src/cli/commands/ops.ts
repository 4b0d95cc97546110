/**
 * @module cli/commands/ops
 * `hookflow ops apps|processes|actions|run`: operations applications (the URL is their secret:
 * shown by create, show and rotate), the processes callers can name, open actions, and one
 * operation sent to an application's URL, as its user (scripts and trials). Through
 * /api/v1/ops-apps, /api/v1/ops-processes, /api/v1/actions and POST /ops/{token}.
 */
import type { Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { api, emit, fields, out, positiveInt, seg, sub, table, type JsonOpt } from './shared.js';

interface OpsApp {
  id: number; name: string; description: string | null; impersonate_user: string | null; enabled: boolean; url: string; updated_at: string;
}

const printApp = (a: OpsApp) => out(fields([['ID', a.id], ['Name', a.name], ['Description', a.description], ['Impersonated user', a.impersonate_user], ['Enabled', a.enabled], ['URL', a.url], ['Updated', a.updated_at]]));

export function registerOpsCommands(program: Command): void {
  const ops = program.command('ops').description('Operations API (WorkflowGen incoming webhooks): applications, processes, actions');
  const apps = ops.command('apps').description('Operations applications: POST /ops/{token} as an impersonated user');

  sub(apps, 'list', 'List applications (with their URLs)').action(async (o: JsonOpt) => {
    const list = (await api(o)<{ items: OpsApp[] }>('GET', '/ops-apps')).items;
    emit(o, list, () => out(list.length ? table(['ID', 'NAME', 'USER', 'ENABLED', 'URL'], list.map((a) => [a.id, a.name, a.impersonate_user, a.enabled, a.url])) : 'No operations applications.'));
  });
  sub(apps, 'show <app>', 'One application (id or name) with its URL').action(async (ref: string, o: JsonOpt) => {
    const a = await api(o)<OpsApp>('GET', `/ops-apps/${seg(ref)}`);
    emit(o, a, () => printApp(a));
  });
  sub(apps, 'create <name>', 'Create an application; prints its URL')
    .option('--description <text>', 'what calls it').option('--user <username>', 'the impersonated user (default: HOOKFLOW_OPS_DEFAULT_USER)').option('--disabled', 'create it disabled')
    .action(async (name: string, o: JsonOpt & { description?: string; user?: string; disabled?: boolean }) => {
      const a = await api(o)<OpsApp>('POST', '/ops-apps', { body: { name, description: o.description, impersonate_user: o.user, enabled: !o.disabled } });
      emit(o, a, () => printApp(a));
    });
  sub(apps, 'update <app>', 'Change name, description or impersonated user')
    .option('--name <name>', 'new name').option('--description <text>', 'new description').option('--user <username>', 'new impersonated user ("" for none)')
    .action(async (ref: string, o: JsonOpt & { name?: string; description?: string; user?: string }) => {
      const a = await api(o)<OpsApp>('PATCH', `/ops-apps/${seg(ref)}`, { body: { name: o.name, description: o.description, impersonate_user: o.user === '' ? null : o.user } });
      emit(o, a, () => printApp(a));
    });
  for (const [cmd, enabled] of [['enable', true], ['disable', false]] as const) {
    sub(apps, `${cmd} <app>`, `${cmd === 'enable' ? 'Accept' : 'Refuse'} calls to the application's URL`).action(async (ref: string, o: JsonOpt) => {
      const a = await api(o)<OpsApp>('PATCH', `/ops-apps/${seg(ref)}`, { body: { enabled } });
      emit(o, a, () => out(`Application ${a.name} ${enabled ? 'enabled' : 'disabled'}`));
    });
  }
  sub(apps, 'rotate <app>', 'New URL token; the old URL stops working at once').action(async (ref: string, o: JsonOpt) => {
    const a = await api(o)<OpsApp>('POST', `/ops-apps/${seg(ref)}/rotate`);
    emit(o, a, () => out(`New URL of ${a.name}:\n\n  ${a.url}\n`));
  });
  sub(apps, 'delete <app>', 'Delete an application').action(async (ref: string, o: JsonOpt) => {
    await api(o)('DELETE', `/ops-apps/${seg(ref)}`);
    emit(o, { deleted: ref }, () => out(`Application ${ref} deleted`));
  });

  sub(ops, 'processes', 'Processes callers can name: recipes with an operation trigger, each version with its id').action(async (o: JsonOpt) => {
    const list = (await api(o)<{ items: Array<Record<string, unknown>> }>('GET', '/ops-processes')).items;
    emit(o, list, () => out(list.length ? table(['PROCESS', 'VERSION', 'ID', 'RECIPE', 'RECIPE VERSION', 'CURRENT'], list.map((p) => [p.processName, p.processVersion, p.id, p.recipe, p.version, p.current])) : 'No processes.'));
  });

  sub(ops, 'actions', 'Actions waiting for people')
    .option('--assignee <username>', 'only the ones this user may complete (me: the token\'s user)').option('--status <status>', 'open (default), all, completed, canceled, error, timed_out').option('--request <number>', 'of one request', positiveInt)
    .action(async (o: JsonOpt & { assignee?: string; status?: string; request?: number }) => {
      const list = (await api(o)<{ items: Array<Record<string, unknown>> }>('GET', '/actions', { query: { assignee: o.assignee, status: o.status, request: o.request } })).items;
      emit(o, list, () => out(list.length ? table(['REQUEST', 'ACTION', 'ACTIVITY', 'STATUS', 'ASSIGNEE', 'ROLE', 'DUE'], list.map((a) => [a.request_number, a.number, a.activity_name, a.status, a.assignee, a.assignee_role, a.due_at])) : 'No actions.'));
    });

  sub(ops, 'run <app> <operation>', 'Send one operation to the application\'s URL (as its user), e.g. ops run crm completeAction --input \'{"requestNumber":1,"actionNumber":1}\'')
    .option('--input <json>', 'args.input as JSON', '{}')
    .action(async (ref: string, operation: string, o: JsonOpt & { input: string }) => {
      let input: unknown;
      try { input = JSON.parse(o.input); } catch (e) { throw new HookflowError('HF_ERR_VALIDATION', { reason: `--input is not JSON: ${(e as Error).message}` }); }
      const call = api(o);
      const app = await call<OpsApp>('GET', `/ops-apps/${seg(ref)}`);
      // The application's own URL, on the server this CLI talks to (its public URL may differ).
      const answer = await call('POST', `//ops/${seg(new URL(app.url).pathname.split('/').pop()!)}`, { body: { operation, args: { input } } });
      out(JSON.stringify(answer, null, 2));
    });
}
