/**
 * @module cli/commands/process
 * `hookflow start` (server + workers + scheduler) and `hookflow worker` (workers only).
 * SIGTERM/SIGINT drain: stop accepting and claiming, let running jobs finish within the grace
 * period, then exit; what is still running resumes elsewhere when its lease expires.
 * These (and `hookflow admin …`) are the only commands that open the store; the runtime is
 * imported inside the actions so that other commands start fast.
 */
import type { Command } from 'commander';
import type { Runtime } from '../../runtime.js';

function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`hookflow: ${sig}, draining\n`);
    stop().then(() => process.exit(0), (e) => { process.stderr.write(`hookflow: shutdown failed: ${String(e)}\n`); process.exit(1); });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

export function registerProcessCommands(program: Command): void {
  program.command('start')
    .description('Serve the API, UI and triggers, and run workers (HOOKFLOW_PORT, default 8080); opens the store')
    .option('--no-workers', 'serve only; let `hookflow worker` processes run the jobs (PostgreSQL)')
    .action(async (opts: { workers: boolean }) => {
      const [{ loadSettings }, { createRuntime }, { buildApp }] = await Promise.all([
        import('../../config/index.js'), import('../../runtime.js'), import('../../server/app.js'),
      ]);
      const settings = loadSettings();
      const rt = await createRuntime(settings, { workers: opts.workers });
      const created = await announceAdmin(rt);
      const app = await buildApp(rt);
      await app.listen({ port: settings.port, host: settings.host });
      rt.log.info({ url: settings.publicUrl, store: rt.store.dialect, dataDir: settings.dataDir }, 'hookflow started');
      const how = created ? 'the admin token printed above' : settings.adminToken ? 'the token in HOOKFLOW_ADMIN_TOKEN' : 'an API token';
      // Through the log's own stream, which writes asynchronously: on stdout directly, this line
      // would overtake the log lines above it instead of ending the start-up.
      const { symbols } = (await import('pino')).default;
      const stream = (rt.log as unknown as Record<symbol, { write(s: string): unknown } | undefined>)[symbols.streamSym] ?? process.stdout;
      stream.write(`Hookflow is up: open ${settings.publicUrl.replace(/\/*$/, '/')} and sign in with ${how}\n`);
      onSignals(async () => {
        await app.close();
        await rt.close();
      });
    });

  program.command('worker')
    .description('Run workers only, sharing the jobs of a PostgreSQL store with other processes; opens the store')
    .action(async () => {
      const [{ loadSettings }, { createRuntime }, { HookflowError }] = await Promise.all([
        import('../../config/index.js'), import('../../runtime.js'), import('../../errors.js'),
      ]);
      const settings = loadSettings();
      if (!settings.databaseUrl) throw new HookflowError('HF_ERR_WORKER_NEEDS_POSTGRES');
      const rt = await createRuntime(settings, { workers: true });
      rt.log.info({ worker: rt.workerId }, 'hookflow worker started');
      onSignals(() => rt.close());
    });
}

/** The first start creates an admin token and prints it once; only its hash is stored. */
async function announceAdmin(rt: Runtime): Promise<boolean> {
  const token = await rt.users.bootstrapAdmin(rt.settings.adminToken);
  if (token) {
    process.stdout.write(`\nHookflow created the first admin API token. It is shown only this once:\n\n  ${token}\n\n`);
  }
  return token !== null;
}
