/**
 * @module cli/commands/bootstrap
 * `hookflow admin token|migrate`: what must work before any API token exists, so it opens the
 * store directly with the server's settings (HOOKFLOW_DATA_DIR / HOOKFLOW_DATABASE_URL, run on
 * the server's host). Everything else goes through the API.
 */
import type { Command } from 'commander';
import type { Runtime } from '../../runtime.js';
import { emit, local, out, type JsonOpt } from './shared.js';

const STORE_NOTE = 'opens the store directly (same settings as `hookflow start`), no server needed';

async function withStore<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const [{ loadSettings }, { createRuntime }, { default: pino }, { REDACT_OPTIONS }] = await Promise.all([
    import('../../config/index.js'), import('../../runtime.js'), import('pino'), import('../../security/index.js'),
  ]);
  const settings = loadSettings();
  // Logs go to stderr: stdout carries only the command's answer, so `--json` output stays parseable.
  const log = pino({ level: settings.logLevel, redact: REDACT_OPTIONS }, pino.destination({ dest: 2, sync: true }));
  const rt = await createRuntime(settings, { workers: false, log });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

export function registerBootstrapCommands(program: Command): void {
  const admin = program.command('admin').description(`Bootstrap and recovery before any API token exists; ${STORE_NOTE}`);

  local(admin, 'token', `Create an admin API token (and the admin user when missing); printed only this once. Recovery for a lost first token; ${STORE_NOTE}`)
    .option('--user <username>', 'the admin user the token acts as', 'admin')
    .option('--name <name>', 'a label to recognise the token by', 'bootstrap')
    .action(async (opts: JsonOpt & { user: string; name: string }) => {
      const t = await withStore(async (rt) => {
        const exists = await rt.users.get(opts.user).then(() => true, () => false);
        if (!exists) await rt.users.create({ username: opts.user, roles: ['admin'], workflow_roles: ['system_access'] });
        return rt.users.createToken(opts.user, 'admin', opts.name);
      });
      emit(opts, t, () => out(`Admin token ${t.id} for ${opts.user}. It is shown only this once:\n\n  ${t.token}\n\nSave it with: hookflow login <server url>`));
    });

  local(admin, 'migrate', `Apply the store's pending schema migrations and exit (start does it too); ${STORE_NOTE}`)
    .action(async (opts: JsonOpt) => {
      const dialect = await withStore(async (rt) => rt.store.dialect);
      emit(opts, { migrated: true, store: dialect }, () => out(`The ${dialect} store is up to date`));
    });
}
