/**
 * @module cli/commands/users
 * `hookflow users list|create|disable|enable|delete` and `hookflow tokens list|create|revoke`,
 * through /api/v1/users and /api/v1/tokens. A token is printed once; only its hash is stored.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { api, collect, emit, out, seg, sub, table, type JsonOpt } from './shared.js';

// As in services/users (not imported: that module pulls in the store).
const ROLES = ['viewer', 'editor', 'admin'] as const;

/** `process-manager` and `process_manager` both name the workflow role. */
const workflowRole = (r: string) => r.replace(/-/g, '_');

interface UserView {
  id: number; username: string; display_name: string; email: string | null; roles: string[]; workflow_roles: string[]; disabled?: boolean; created_at: string;
}

interface TokenView {
  id: number; name: string; user: string; role: string; created_at: string; last_used_at: string | null; expires_at: string | null;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `3600`, `90m`, `12h` or `30d`, in seconds. */
export function duration(v: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(v.trim());
  if (!m || Number(m[1]) < 1) throw new InvalidArgumentError('must be a duration such as 3600, 90m, 12h or 30d');
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('The user directory: configuration and workflow roles (admin tokens)');

  sub(users, 'create <username>', 'Create a user')
    .option('--display-name <name>', 'shown in the UI and in actions (default: the username)')
    .option('--email <address>', 'where notifications go')
    .option('--role <role>', `configuration role (repeatable or comma-separated): ${ROLES.join(', ')}; default viewer`, collect)
    .option('--workflow-role <role>', 'workflow role (repeatable): process_manager, supervisor, participant, system_access', collect)
    .action(async (username: string, opts: JsonOpt & { displayName?: string; email?: string; role?: string[]; workflowRole?: string[] }) => {
      const user = await api(opts)<UserView>('POST', '/users', { body: {
        username, display_name: opts.displayName, email: opts.email, roles: opts.role, workflow_roles: opts.workflowRole?.map(workflowRole),
      } });
      emit(opts, user, () => out(`User ${user.username} created (id ${user.id}, roles ${user.roles.join(',')})`));
    });

  sub(users, 'list', 'List users')
    .action(async (opts: JsonOpt) => {
      const list = (await api(opts)<{ items: UserView[] }>('GET', '/users')).items;
      emit(opts, list, () => {
        if (list.length === 0) return out('No users.');
        out(table(['ID', 'USERNAME', 'DISPLAY NAME', 'EMAIL', 'ROLES', 'WORKFLOW ROLES', 'DISABLED', 'CREATED'],
          list.map((u) => [u.id, u.username, u.display_name, u.email, u.roles.join(','), u.workflow_roles.join(','), u.disabled ? 'yes' : '', u.created_at])));
      });
    });

  for (const [cmd, disabled, what] of [['disable', true, 'Disable a user: its tokens and sessions stop working at once'], ['enable', false, 'Enable a disabled user again']] as const) {
    sub(users, `${cmd} <username>`, what).action(async (username: string, opts: JsonOpt) => {
      const u = await api(opts)<UserView>('PATCH', `/users/${seg(username)}`, { body: { disabled } });
      emit(opts, u, () => out(`User ${u.username} ${disabled ? 'disabled' : 'enabled'}`));
    });
  }

  sub(users, 'delete <username>', 'Delete a user and its tokens (its jobs and history stay)').action(async (username: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/users/${seg(username)}`);
    emit(opts, { deleted: username }, () => out(`User ${username} deleted`));
  });

  const tokens = program.command('tokens').description('API tokens: list, create, revoke');

  sub(tokens, 'list', 'List API tokens (never their values): all for admins, your own otherwise').action(async (opts: JsonOpt) => {
    const list = (await api(opts)<{ items: TokenView[] }>('GET', '/tokens')).items;
    emit(opts, list, () => out(list.length
      ? table(['ID', 'NAME', 'USER', 'ROLE', 'CREATED', 'LAST USED', 'EXPIRES'], list.map((t) => [t.id, t.name, t.user, t.role, t.created_at, t.last_used_at, t.expires_at]))
      : 'No tokens.'));
  });

  sub(tokens, 'create', 'Create an API token; it is printed only this once')
    .option('--user <username>', 'the user the token acts as (default: yours; another user needs an admin token)')
    .addOption(new Option('--role <role>', 'the role the token carries (at most the user\'s and your own)').choices([...ROLES]).makeOptionMandatory())
    .option('--name <name>', 'a label to recognise the token by', 'cli')
    .option('--expires-in <duration>', 'stops working after this long: seconds, or 90m, 12h, 30d', duration)
    .action(async (opts: JsonOpt & { user?: string; role: (typeof ROLES)[number]; name: string; expiresIn?: number }) => {
      const t = await api(opts)<{ token: string; id: number; expires_at?: string | null }>('POST', '/tokens', {
        body: { username: opts.user, role: opts.role, name: opts.name, expires_in: opts.expiresIn },
      });
      emit(opts, t, () => out(`Token ${t.id}${opts.user ? ` for ${opts.user}` : ''} (${opts.role})${t.expires_at ? `, expires ${t.expires_at}` : ''}. It is shown only this once:\n\n  ${t.token}\n`));
    });

  sub(tokens, 'revoke <id>', 'Revoke a token (and the browser sessions signed in with it)').action(async (id: string, opts: JsonOpt) => {
    if (!/^\d+$/.test(id)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `token id must be a number, got ${id}` });
    await api(opts)('DELETE', `/tokens/${id}`);
    emit(opts, { revoked: Number(id) }, () => out(`Token ${id} revoked`));
  });
}
