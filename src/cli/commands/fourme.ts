/**
 * @module cli/commands/fourme
 * `hookflow 4me verify|status|url|test|schema` for 4me connections (through
 * /api/v1/connections/{name}/4me), and `hookflow sandbox 4me`, the local emulator for building
 * and testing recipes without a 4me account (it needs no server).
 */
import type { Command } from 'commander';
import { api, emit, local, out, positiveInt, seg, sub, type JsonOpt } from './shared.js';

interface FourmeView {
  webhook_url: string | null;
  webhooks: Array<{ webhook_id: string; status: string; attempts: number; last_error: string | null }>;
}

export function registerFourmeCommands(program: Command): void {
  const fm = program.command('4me').description('4me (Xurrent) connections: webhook URL, verification, connection test');
  sub(fm, 'verify <connection>', 'Open the webhook.verify callback again (the last one received per webhook) and record the outcome')
    .option('-w, --webhook <id>', 'only this 4me webhook id')
    .action(async (connection: string, opts: JsonOpt & { webhook?: string }) => {
      const res = (await api(opts)<{ items: Array<{ webhook_id: string; ok: boolean; error: string | null }> }>('POST', `/connections/${seg(connection)}/4me/verify`,
        { body: opts.webhook ? { webhook_id: opts.webhook } : {} })).items;
      emit(opts, res, () => res.forEach((r) => out(`webhook ${r.webhook_id}: ${r.ok ? 'verified' : `failed (${r.error})`}`)));
      if (res.some((r) => !r.ok)) process.exitCode = 1;
    });
  sub(fm, 'status <connection>', 'Show the webhook.verify outcomes recorded for a connection')
    .action(async (connection: string, opts: JsonOpt) => {
      const rows = (await api(opts)<FourmeView>('GET', `/connections/${seg(connection)}/4me`)).webhooks;
      emit(opts, rows, () => rows.forEach((r) => out(`webhook ${r.webhook_id}: ${r.status} after ${r.attempts} attempt(s)${r.last_error ? ` — ${r.last_error}` : ''}`)));
    });
  sub(fm, 'url <connection>', 'Show the connection\'s webhook URL (one URL for every recipe on this 4me account)')
    .action(async (connection: string, opts: JsonOpt) => {
      const url = (await api(opts)<FourmeView>('GET', `/connections/${seg(connection)}/4me`)).webhook_url;
      emit(opts, { url }, () => out(url ?? ''));
    });
  sub(fm, 'test <connection>', 'Query `me` with the connection\'s credentials; exits 1 unless it succeeds')
    .action(async (connection: string, opts: JsonOpt) => {
      const res = await api(opts)<{ ok: boolean; me?: unknown; account?: string; error?: { code?: string; message?: string } }>('POST', `/connections/${seg(connection)}/4me/test`);
      emit(opts, res, () => out(res.ok ? `ok: ${JSON.stringify(res.me)} in account ${res.account}` : `FAILED  ${res.error?.code ?? ''} ${res.error?.message ?? ''}`));
      if (!res.ok) process.exitCode = 1;
    });
  local(fm, 'schema <event>', 'Print the built-in output schema of a 4me webhook event (e.g. task.status-changed); needs no server')
    .action(async (event: string, opts: JsonOpt) => {
      const { eventSchema } = await import('../../triggers/fourme-schemas.js');
      const s = eventSchema(event);
      emit(opts, s, () => out(JSON.stringify(s, null, 2)));
    });

  const sandbox = program.command('sandbox').description('Local emulators (need no Hookflow server)');
  local(sandbox, '4me', 'Run the 4me sandbox: OAuth, GraphQL, REST webhooks and webhook sending')
    .option('-p, --port <port>', 'port', positiveInt, 4444)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--account <id>', 'account id', 'wdc')
    .option('--domain <domain>', '4me domain it pretends to be (xurrent.com for Xurrent headers)', '4me.com')
    .option('--form', 'send the legacy form-encoded webhook bodies instead of JSON')
    .action(async (opts: { port: number; host: string; account: string; domain: string; form?: boolean }) => {
      const { startSandbox } = await import('../../sandbox/fourme/index.js');
      const sb = await startSandbox({ port: opts.port, host: opts.host, account: opts.account, domain: opts.domain, format: opts.form ? 'form' : 'json', smtpUrl: process.env.HOOKFLOW_SMTP_URL });
      out(`4me sandbox for account ${opts.account}.${opts.domain} at ${sb.url}`);
      out('  OAuth client: sandbox-client / sandbox-secret; personal access token: sandbox-token');
      out(`  connection config: {"account":"${opts.account}","domain":"${opts.domain}","base_url":"${sb.url}","private_network":true}`);
      const stop = () => void sb.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
