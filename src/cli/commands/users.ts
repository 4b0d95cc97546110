/**
 * @module cli/commands/users
 * `hookflow users create|list` and `hookflow tokens create`. A token is printed once; only its
 * hash is stored.
 */
import { Option, type Command } from 'commander';
import { ROLES } from '../../services/users.js';
import { collect, emit, out, sub, table, withRuntime, type JsonOpt } from './shared.js';

/** `process-manager` and `process_manager` both name the workflow role. */
const workflowRole = (r: string) => r.replace(/-/g, '_');

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('The user directory: configuration and workflow roles');

  sub(users, 'create <username>', 'Create a user')
    .option('--display-name <name>', 'shown in the UI and in actions (default: the username)')
    .option('--email <address>', 'where notifications go')
    .option('--role <role>', `configuration role (repeatable or comma-separated): ${ROLES.join(', ')}; default viewer`, collect)
    .option('--workflow-role <role>', 'workflow role (repeatable): process_manager, supervisor, participant, system_access', collect)
    .action(async (username: string, opts: JsonOpt & { displayName?: string; email?: string; role?: string[]; workflowRole?: string[] }) => {
      const user = await withRuntime((rt) => rt.users.create({
        username, display_name: opts.displayName, email: opts.email, roles: opts.role, workflow_roles: opts.workflowRole?.map(workflowRole),
      }));
      emit(opts, user, () => out(`User ${user.username} created (id ${user.id}, roles ${user.roles.join(',')})`));
    });

  sub(users, 'list', 'List users')
    .action(async (opts: JsonOpt) => {
      const list = await withRuntime((rt) => rt.users.list());
      emit(opts, list, () => {
        if (list.length === 0) return out('No users.');
        out(table(['ID', 'USERNAME', 'DISPLAY NAME', 'EMAIL', 'ROLES', 'WORKFLOW ROLES', 'CREATED'],
          list.map((u) => [u.id, u.username, u.display_name, u.email, u.roles.join(','), u.workflow_roles.join(','), u.created_at])));
      });
    });

  const tokens = program.command('tokens').description('API tokens of users');

  sub(tokens, 'create', 'Create an API token for a user; it is printed only this once')
    .requiredOption('--user <username>', 'the user the token acts as')
    .addOption(new Option('--role <role>', 'the role the token carries (at most the user\'s highest)').choices([...ROLES]).makeOptionMandatory())
    .option('--name <name>', 'a label to recognise the token by', 'cli')
    .action(async (opts: JsonOpt & { user: string; role: (typeof ROLES)[number]; name: string }) => {
      const t = await withRuntime((rt) => rt.users.createToken(opts.user, opts.role, opts.name));
      emit(opts, { token: t.token, id: t.id }, () => out(`Token ${t.id} for ${opts.user} (${opts.role}). It is shown only this once:\n\n  ${t.token}\n`));
    });
}
