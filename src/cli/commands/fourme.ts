/**
 * @module cli/commands/fourme
 * `hookflow 4me verify|test|url|schema` for 4me connections, and `hookflow sandbox 4me`, the
 * emulator for building and testing recipes without a 4me account.
 */
import type { Command } from 'commander';
import { fourmeEndpoints, testFourme } from '../../connectors/fourme/index.js';
import { redoHandshake, verificationStatus } from '../../triggers/fourme-handshake.js';
import { fourmeToken } from '../../triggers/fourme-routes.js';
import { eventSchema } from '../../triggers/fourme-schemas.js';
import { startSandbox } from '../../sandbox/fourme/index.js';
import { emit, out, positiveInt, sub, withRuntime, type JsonOpt } from './shared.js';

export function registerFourmeCommands(program: Command): void {
  const fm = program.command('4me').description('4me (Xurrent) connections: webhook URL, verification, connection test');
  sub(fm, 'verify <connection>', 'Open the webhook.verify callback again (the last one received per webhook) and record the outcome')
    .option('-w, --webhook <id>', 'only this 4me webhook id')
    .action(async (connection: string, opts: JsonOpt & { webhook?: string }) => withRuntime(async (rt) => {
      const conn = await rt.connections.resolve(connection);
      const res = await redoHandshake(rt.store, fourmeEndpoints(conn.name, conn.config), connection, opts.webhook);
      emit(opts, res, () => res.forEach((r) => out(`webhook ${r.webhook_id}: ${r.ok ? 'verified' : `failed (${r.error})`}`)));
      if (res.some((r) => !r.ok)) process.exitCode = 1;
    }));
  sub(fm, 'status <connection>', 'Show the webhook.verify outcomes recorded for a connection')
    .action(async (connection: string, opts: JsonOpt) => withRuntime(async (rt) => {
      const rows = await verificationStatus(rt.store, connection);
      emit(opts, rows, () => rows.forEach((r) => out(`webhook ${r.webhook_id}: ${r.status} after ${r.attempts} attempt(s)${r.last_error ? ` — ${r.last_error}` : ''}`)));
    }));
  sub(fm, 'url <connection>', 'Show the connection\'s webhook URL (one URL for every recipe on this 4me account)')
    .action(async (connection: string, opts: JsonOpt) => withRuntime(async (rt) => {
      await rt.connections.resolve(connection);
      const url = rt.recipes.triggerUrl(await fourmeToken(rt.store, connection));
      emit(opts, { url }, () => out(url ?? ''));
    }));
  sub(fm, 'test <connection>', 'Query `me` with the connection\'s credentials')
    .action(async (connection: string, opts: JsonOpt) => withRuntime(async (rt) => {
      const res = await testFourme(await rt.connections.resolve(connection));
      emit(opts, res, () => out(`ok: ${JSON.stringify(res.me)} in account ${res.account}`));
    }));
  sub(fm, 'schema <event>', 'Print the built-in output schema of a 4me webhook event (e.g. task.status-changed)')
    .action(async (event: string, opts: JsonOpt) => {
      const s = eventSchema(event);
      emit(opts, s, () => out(JSON.stringify(s, null, 2)));
    });

  const sandbox = program.command('sandbox').description('Local emulators');
  sub(sandbox, '4me', 'Run the 4me sandbox: OAuth, GraphQL, REST webhooks and webhook sending')
    .option('-p, --port <port>', 'port', positiveInt, 4444)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--account <id>', 'account id', 'wdc')
    .option('--domain <domain>', '4me domain it pretends to be (xurrent.com for Xurrent headers)', '4me.com')
    .option('--form', 'send the legacy form-encoded webhook bodies instead of JSON')
    .action(async (opts: { port: number; host: string; account: string; domain: string; form?: boolean }) => {
      const sb = await startSandbox({ port: opts.port, host: opts.host, account: opts.account, domain: opts.domain, format: opts.form ? 'form' : 'json', smtpUrl: process.env.HOOKFLOW_SMTP_URL });
      out(`4me sandbox for account ${opts.account}.${opts.domain} at ${sb.url}`);
      out('  OAuth client: sandbox-client / sandbox-secret; personal access token: sandbox-token');
      out(`  connection config: {"account":"${opts.account}","domain":"${opts.domain}","base_url":"${sb.url}","private_network":true}`);
      const stop = () => void sb.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
