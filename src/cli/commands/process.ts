/**
 * @module cli/commands/process
 * `hookflow start` (server + workers + scheduler) and `hookflow worker` (workers only).
 * SIGTERM/SIGINT drain: stop accepting and claiming, let running jobs finish within the grace
 * period, then exit; what is still running resumes elsewhere when its lease expires.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/index.js';
import { createRuntime, type Runtime } from '../../runtime.js';
import { buildApp } from '../../server/app.js';
import { HookflowError } from '../../errors.js';

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
    .description('Serve the API, UI and triggers, and run workers (HOOKFLOW_PORT, default 8080)')
    .option('--no-workers', 'serve only; let `hookflow worker` processes run the jobs (PostgreSQL)')
    .action(async (opts: { workers: boolean }) => {
      const settings = loadSettings();
      const rt = await createRuntime(settings, { workers: opts.workers });
      await announceAdmin(rt);
      const app = await buildApp(rt);
      await app.listen({ port: settings.port, host: settings.host });
      rt.log.info({ url: settings.publicUrl, store: rt.store.dialect, dataDir: settings.dataDir }, 'hookflow started');
      onSignals(async () => {
        await app.close();
        await rt.close();
      });
    });

  program.command('worker')
    .description('Run workers only, sharing the jobs of a PostgreSQL store with other processes')
    .action(async () => {
      const settings = loadSettings();
      if (!settings.databaseUrl) throw new HookflowError('HF_ERR_WORKER_NEEDS_POSTGRES');
      const rt = await createRuntime(settings, { workers: true });
      rt.log.info({ worker: rt.workerId }, 'hookflow worker started');
      onSignals(() => rt.close());
    });
}

/** The first start creates an admin token and prints it once; only its hash is stored. */
async function announceAdmin(rt: Runtime): Promise<void> {
  const token = await rt.users.bootstrapAdmin(rt.settings.adminToken);
  if (token) {
    process.stdout.write(`\nHookflow created the first admin API token. It is shown only this once:\n\n  ${token}\n\n`);
  }
}
