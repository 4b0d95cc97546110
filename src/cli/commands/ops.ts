/**
 * @module cli/commands/ops
 * `hookflow ops apps|processes|actions|run`: operations applications (the URL is their secret:
 * shown by create, show and rotate), the processes callers can name, open actions, and one
 * operation run locally as an application's user (scripts and trials without HTTP).
 */
import type { Command } from 'commander';
import type { OpsApp } from '../../ops/index.js';
import { HookflowError } from '../../errors.js';
import { listActions } from '../../ops/queries.js';
import { emit, fields, out, positiveInt, sub, table, withRuntime, type JsonOpt } from './shared.js';

const printApp = (a: OpsApp) => out(fields([['ID', a.id], ['Name', a.name], ['Description', a.description], ['Impersonated user', a.impersonate_user], ['Enabled', a.enabled], ['URL', a.url], ['Updated', a.updated_at]]));

export function registerOpsCommands(program: Command): void {
  const ops = program.command('ops').description('Operations API (WorkflowGen incoming webhooks): applications, processes, actions');
  const apps = ops.command('apps').description('Operations applications: POST /ops/{token} as an impersonated user');

  sub(apps, 'list', 'List applications (with their URLs)').action(async (o: JsonOpt) => {
    const list = await withRuntime((rt) => rt.opsApps.list());
    emit(o, list, () => out(list.length ? table(['ID', 'NAME', 'USER', 'ENABLED', 'URL'], list.map((a) => [a.id, a.name, a.impersonate_user, a.enabled, a.url])) : 'No operations applications.'));
  });
  sub(apps, 'show <app>', 'One application (id or name) with its URL').action(async (ref: string, o: JsonOpt) => {
    const a = await withRuntime((rt) => rt.opsApps.show(ref));
    emit(o, a, () => printApp(a));
  });
  sub(apps, 'create <name>', 'Create an application; prints its URL')
    .option('--description <text>', 'what calls it').option('--user <username>', 'the impersonated user (default: HOOKFLOW_OPS_DEFAULT_USER)').option('--disabled', 'create it disabled')
    .action(async (name: string, o: JsonOpt & { description?: string; user?: string; disabled?: boolean }) => {
      const a = await withRuntime((rt) => rt.opsApps.create({ name, description: o.description, impersonate_user: o.user, enabled: !o.disabled }));
      emit(o, a, () => printApp(a));
    });
  sub(apps, 'update <app>', 'Change name, description or impersonated user')
    .option('--name <name>', 'new name').option('--description <text>', 'new description').option('--user <username>', 'new impersonated user ("" for none)')
    .action(async (ref: string, o: JsonOpt & { name?: string; description?: string; user?: string }) => {
      const a = await withRuntime((rt) => rt.opsApps.update(ref, { name: o.name, description: o.description, impersonate_user: o.user === '' ? null : o.user }));
      emit(o, a, () => printApp(a));
    });
  for (const [cmd, enabled] of [['enable', true], ['disable', false]] as const) {
    sub(apps, `${cmd} <app>`, `${cmd === 'enable' ? 'Accept' : 'Refuse'} calls to the application's URL`).action(async (ref: string, o: JsonOpt) => {
      const a = await withRuntime((rt) => rt.opsApps.update(ref, { enabled }));
      emit(o, a, () => out(`Application ${a.name} ${enabled ? 'enabled' : 'disabled'}`));
    });
  }
  sub(apps, 'rotate <app>', 'New URL token; the old URL stops working at once').action(async (ref: string, o: JsonOpt) => {
    const a = await withRuntime((rt) => rt.opsApps.rotate(ref));
    emit(o, a, () => out(`New URL of ${a.name}:\n\n  ${a.url}\n`));
  });
  sub(apps, 'delete <app>', 'Delete an application').action(async (ref: string, o: JsonOpt) => {
    await withRuntime((rt) => rt.opsApps.delete(ref));
    emit(o, { deleted: ref }, () => out(`Application ${ref} deleted`));
  });

  sub(ops, 'processes', 'Processes callers can name: recipes with an operation trigger, each version with its id').action(async (o: JsonOpt) => {
    const list = await withRuntime((rt) => rt.ops.deps.processes.list());
    emit(o, list, () => out(list.length ? table(['PROCESS', 'VERSION', 'ID', 'RECIPE', 'RECIPE VERSION', 'CURRENT'], list.map((p) => [p.processName, p.processVersion, p.id, p.recipe, p.version, p.current])) : 'No processes.'));
  });

  sub(ops, 'actions', 'Actions waiting for people')
    .option('--assignee <username>', 'only the ones this user may complete').option('--status <status>', 'open (default), all, completed, canceled, error, timed_out').option('--request <number>', 'of one request', positiveInt)
    .action(async (o: JsonOpt & { assignee?: string; status?: string; request?: number }) => {
      const list = await withRuntime(async (rt) => listActions(rt.store, rt.users, { for: o.assignee ? await rt.users.get(o.assignee) : undefined, status: o.status, request: o.request }));
      emit(o, list, () => out(list.length ? table(['REQUEST', 'ACTION', 'ACTIVITY', 'STATUS', 'ASSIGNEE', 'ROLE', 'DUE'], list.map((a) => [a.request_number, a.number, a.activity_name, a.status, a.assignee, a.assignee_role, a.due_at])) : 'No actions.'));
    });

  sub(ops, 'run <app> <operation>', 'Run one operation as the application\'s user, e.g. ops run crm completeAction --input \'{"requestNumber":1,"actionNumber":1}\'')
    .option('--input <json>', 'args.input as JSON', '{}')
    .action(async (ref: string, operation: string, o: JsonOpt & { input: string }) => {
      let input: unknown;
      try { input = JSON.parse(o.input); } catch (e) { throw new HookflowError('HF_ERR_VALIDATION', { reason: `--input is not JSON: ${(e as Error).message}` }); }
      const answer = await withRuntime(async (rt) => {
        const app = await rt.opsApps.show(ref);
        const resolved = await rt.opsApps.byToken(new URL(app.url).pathname.split('/').pop()!);
        if (!resolved?.enabled) throw new HookflowError('HF_ERR_OPS_APP_DISABLED');
        return rt.ops.handle(resolved, { operation, args: { input } });
      });
      out(JSON.stringify(answer, null, 2));
    });
}
