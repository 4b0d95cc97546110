/**
 * @module cli/commands/shared
 * What every administration command shares: a runtime without workers that is always closed
 * (so the process exits), one JSON document or plain aligned text on stdout, and option parsers.
 */
import { InvalidArgumentError, type Command } from 'commander';
import pino from 'pino';
import { loadSettings } from '../../config/index.js';
import { createRuntime, type Runtime } from '../../runtime.js';
import { REDACT_OPTIONS } from '../../security/index.js';

export interface JsonOpt {
  json?: boolean;
}

/** Opens the store named by the settings, runs `fn`, and closes it whatever happens. */
export async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
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

/** Adds `--json` and a description in one go, so no command forgets either. */
export function sub(parent: Command, spec: string, description: string): Command {
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
