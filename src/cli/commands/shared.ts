/**
 * @module cli/commands/shared
 * What every management command shares: the API client bound to the server the options name,
 * one JSON document or plain aligned text on stdout, and option parsers. Nothing heavy may be
 * imported here: every command loads this module.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { request, resolveTarget, type CallOptions, type ServerOpts } from '../client/api.js';

export interface JsonOpt extends ServerOpts {
  json?: boolean;
}

export type Api = <T = any>(method: string, path: string, o?: CallOptions) => Promise<T>;

/** The client for the server named by --url/--token/--profile, HOOKFLOW_URL/TOKEN or the default profile. */
export function api(opts: ServerOpts): Api {
  const t = resolveTarget(opts);
  return (method, path, o) => request(t, method, path, o);
}

/** A path segment, escaped. */
export const seg = (v: string | number): string => encodeURIComponent(String(v));

/** Adds the server options to a command that talks to the API. */
export function serverOptions(c: Command): Command {
  return c
    .option('--profile <name>', 'a profile saved by `hookflow login` (default: HOOKFLOW_PROFILE or the default profile)')
    .option('--url <url>', 'the server, e.g. http://localhost:8080 (default: HOOKFLOW_URL)')
    .option('--token <token>', 'API token (default: HOOKFLOW_TOKEN); prefer a profile, a flag shows in `ps`');
}

/** A command that talks to the API: `--json`, the server options and a description in one go. */
export function sub(parent: Command, spec: string, description: string): Command {
  return serverOptions(local(parent, spec, description));
}

/** A command that needs no server (still with `--json`). */
export function local(parent: Command, spec: string, description: string): Command {
  return parent.command(spec).description(description).option('--json', 'print one JSON document for scripts');
}

export function out(text = ''): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `--json` prints `data`; otherwise `human` prints text. */
export function emit(opts: JsonOpt, data: unknown, human: () => void): void {
  if (opts.json) out(JSON.stringify(data, null, 2));
  else human();
}

const cell = (v: unknown): string => (v === null || v === undefined || v === '' ? '-' : String(v));

/** A plain text table: columns padded to their widest cell, two spaces apart. */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** Label/value lines, labels aligned. */
export function fields(pairs: Array<[string, unknown]>): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)}  ${cell(v)}`).join('\n');
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** For repeatable options; each use may also hold a comma-separated list. */
export function collect(value: string, prev: string[] = []): string[] {
  return [...prev, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function errorText(e: unknown): string {
  if (!e || typeof e !== 'object') return cell(e);
  const { code, message } = e as { code?: string; message?: string };
  return [code, message].filter(Boolean).join(': ') || JSON.stringify(e);
}
