/**
 * @module cli/commands/connections
 * `hookflow connections list|show|create|update|test|delete`, through /api/v1/connections.
 * Secrets are write-only: the API returns only the names of the secrets set (`secret_fields`), so nothing here can print a value.
 */
import type { Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { api, emit, fields, out, seg, sub, table, type JsonOpt } from './shared.js';

interface ConnectionView {
  name: string; type: string; config: Record<string, unknown>; secret_fields: string[]; created_at: string; updated_at: string;
}

function jsonObject(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: `${what} is not valid JSON: ${(e as Error).message}` });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `${what} must be a JSON object` });
  return v as Record<string, unknown>;
}

/**
 * `key=value`, repeatable. A value that starts like a JSON object, array or string is parsed as
 * JSON; anything else stays text, so a numeric password is not turned into a number.
 */
function secretPair(text: string, prev: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = text.indexOf('=');
  if (eq < 1) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'a secret is given as key=value' });
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  if (/^\s*[{["]/.test(raw)) {
    try {
      value = JSON.parse(raw);
    } catch {
      // The message must not echo the value: it is a secret.
      throw new HookflowError('HF_ERR_VALIDATION', { reason: `secret ${key} looks like JSON but does not parse` });
    }
  }
  return { ...prev, [key]: value };
}

function printConnection(c: ConnectionView): void {
  out(fields([
    ['Name', c.name], ['Type', c.type], ['Config', JSON.stringify(c.config)],
    ['Secrets', c.secret_fields.length ? `${c.secret_fields.join(', ')} (set; values are never shown)` : 'none'],
    ['Created', c.created_at], ['Updated', c.updated_at],
  ]));
}

interface WriteOpts extends JsonOpt {
  config?: string;
  secret?: Record<string, unknown>;
}

export function registerConnectionCommands(program: Command): void {
  const connections = program.command('connections').description('Named connections: configuration and encrypted secrets for actions');

  sub(connections, 'list', 'List connections (secret names only, never values)')
    .action(async (opts: JsonOpt) => {
      const list = (await api(opts)<{ items: ConnectionView[] }>('GET', '/connections')).items;
      emit(opts, list, () => {
        if (list.length === 0) return out('No connections.');
        out(table(['NAME', 'TYPE', 'SECRETS', 'UPDATED'], list.map((c) => [c.name, c.type, c.secret_fields.join(','), c.updated_at])));
      });
    });

  sub(connections, 'show <name>', 'Show a connection: type, config and which secrets are set')
    .action(async (name: string, opts: JsonOpt) => {
      const c = await api(opts)<ConnectionView>('GET', `/connections/${seg(name)}`);
      emit(opts, c, () => printConnection(c));
    });

  sub(connections, 'create', 'Create a connection; secrets are encrypted at rest and never shown again')
    .requiredOption('--name <name>', 'unique name, [a-z0-9][a-z0-9_-]*')
    .requiredOption('--type <type>', 'connection type, e.g. http, 4me')
    .option('--config <json>', 'plain configuration as a JSON object', '{}')
    .option('--secret <key=value>', 'a secret (repeatable); a value starting with { [ or " is JSON', secretPair)
    .action(async (opts: WriteOpts & { name: string; type: string }) => {
      const config = jsonObject(opts.config ?? '{}', '--config');
      const input = { name: opts.name, type: opts.type, config, secrets: opts.secret };
      const c = await api(opts)<ConnectionView>('POST', '/connections', { body: input });
      emit(opts, c, () => printConnection(c));
    });

  sub(connections, 'update <name>', 'Replace the config, set secrets or remove them (other secrets are kept)')
    .option('--config <json>', 'new plain configuration as a JSON object (replaces the old one)')
    .option('--secret <key=value>', 'set a secret (repeatable); others are kept', secretPair)
    .option('--unset-secret <key>', 'remove a secret (repeatable)', (k: string, prev: string[] = []) => [...prev, k])
    .action(async (name: string, opts: WriteOpts & { unsetSecret?: string[] }) => {
      const secrets = opts.secret || opts.unsetSecret
        ? { ...opts.secret, ...Object.fromEntries((opts.unsetSecret ?? []).map((k) => [k, null])) }
        : undefined;
      const config = opts.config === undefined ? undefined : jsonObject(opts.config, '--config');
      const c = await api(opts)<ConnectionView>('PATCH', `/connections/${seg(name)}`, { body: { config, secrets } });
      emit(opts, c, () => printConnection(c));
    });

  sub(connections, 'test <name>', 'Send the connection\'s test request; exits 1 unless it succeeds')
    .action(async (name: string, opts: JsonOpt) => {
      const r = await api(opts)<{ ok: boolean; status?: number; url?: string; timing?: { total_ms: number }; error?: { code?: string; message?: string } }>('POST', `/connections/${seg(name)}/test`);
      emit(opts, r, () => out(r.error ? `FAILED  ${r.error.code ?? ''} ${r.error.message ?? ''}` : `${r.ok ? 'OK' : 'FAILED'}  ${r.status} ${r.url}  ${r.timing?.total_ms} ms`));
      if (!r.ok) process.exitCode = 1;
    });

  sub(connections, 'delete <name>', 'Delete a connection and its secrets')
    .action(async (name: string, opts: JsonOpt) => {
      await api(opts)('DELETE', `/connections/${seg(name)}`);
      emit(opts, { deleted: name }, () => out(`Connection ${name} deleted`));
    });
}
