/**
 * The CLI as users run it: a real `hookflow start` on a free port and its own data dir, and
 * `node dist/cli/index.js …` processes that reach it over loopback through HOOKFLOW_URL and
 * HOOKFLOW_TOKEN (or a profile). Each command runs in `cwd` (default: a fresh empty directory,
 * so a CLI that opened a store of its own would leave a ./data there).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, CLI, freePort, spawnHookflow, waitOutput, kill9, type HfProcess } from './proc.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliServer {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  proc: HfProcess;
  /** Environment that points the CLI at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'hookflow-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** `hookflow start` with its own data dir and port; resolves once it printed its "is up" line. */
export async function startServer(env: Record<string, string> = {}, args: string[] = []): Promise<CliServer> {
  assertBuilt();
  const port = await freePort();
  const dataDir = tempDir('hookflow-srv-');
  const token = `hf_test_cli_${Math.random().toString(36).slice(2)}`;
  const proc = spawnHookflow('start', { HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_PORT: String(port), HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_DATABASE_URL: '', ...env }, args);
  await waitOutput(proc, /Hookflow is up/);
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, token, dataDir, proc,
    env: { HOOKFLOW_URL: url, HOOKFLOW_TOKEN: token },
    async stop() {
      await kill9(proc);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI; the environment has no HOOKFLOW_URL/TOKEN/PROFILE unless `env` gives them. */
export function hookflow(args: string[], o: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^HOOKFLOW_/.test(k)));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: o.cwd ?? tempDir(), env: { ...base, HOOKFLOW_LOG_LEVEL: 'warn', ...o.env }, stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
    if (o.input !== undefined) child.stdin!.end(o.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Runs the CLI and fails with its stderr unless it exits 0. */
export async function ok(args: string[], o: Parameters<typeof hookflow>[1] = {}): Promise<string> {
  const r = await hookflow(args, o);
  if (r.code !== 0) throw new Error(`hookflow ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export async function json<T = any>(args: string[], o: Parameters<typeof hookflow>[1] = {}): Promise<T> {
  return JSON.parse(await ok([...args, '--json'], o)) as T;
}
