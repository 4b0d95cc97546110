/**
 * Real Hookflow processes for crash and fault tests: spawn the built CLI with an environment,
 * wait until it is ready, kill it with SIGKILL (never a drain), restart it on the same data.
 * Every handle is tracked so `killAll()` in afterAll/afterEach leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli/index.js');
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Fails early and clearly when `npm run build` has not produced the CLI. */
export function assertBuilt(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before these tests`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface HfProcess {
  readonly command: 'start' | 'worker';
  readonly env: Record<string, string>;
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout+stderr so far (capped), for failure messages. */
  output(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: boolean;
}

const live = new Set<HfProcess>();
const OUTPUT_CAP = 200_000;

export function spawnHookflow(command: 'start' | 'worker', env: Record<string, string>, args: string[] = []): HfProcess {
  assertBuilt();
  const child = spawn(process.execPath, [CLI, command, ...args], {
    cwd: ROOT,
    env: { ...process.env, HOOKFLOW_HOST: '127.0.0.1', HOOKFLOW_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString('utf8');
    if (out.length > OUTPUT_CAP) out = out.slice(-OUTPUT_CAP);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let alive = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      alive = false;
      resolve({ code, signal });
    });
  });
  const h: HfProcess = {
    command, env, child, pid: child.pid!, exited,
    output: () => out,
    get alive() { return alive; },
  };
  live.add(h);
  void exited.then(() => live.delete(h));
  return h;
}

/** Polls GET /healthz until 200; fails with the process output if it exits or times out. */
export async function waitHealthy(h: HfProcess, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!h.alive) throw new Error(`hookflow ${h.command} (pid ${h.pid}) exited before it was healthy:\n${h.output()}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.status === 200) return;
    } catch { /* not listening yet */ }
    await sleep(50);
  }
  throw new Error(`hookflow ${h.command} (pid ${h.pid}) not healthy on port ${port} after ${timeoutMs} ms:\n${h.output()}`);
}

/** Waits until the process printed text matching `re` (e.g. a startup log line). */
export async function waitOutput(h: HfProcess, re: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (re.test(h.output())) return;
    if (!h.alive) throw new Error(`hookflow ${h.command} (pid ${h.pid}) exited before printing ${re}:\n${h.output()}`);
    await sleep(50);
  }
  throw new Error(`hookflow ${h.command} (pid ${h.pid}) did not print ${re} within ${timeoutMs} ms:\n${h.output()}`);
}

/** `kill -9` and wait until the kernel has reaped it (its port and files are free then). */
export async function kill9(h: HfProcess): Promise<void> {
  if (h.alive) {
    try { process.kill(h.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  await h.exited;
}

/** Starts the same command again with the same environment (same data dir, port, schema). */
export async function restart(h: HfProcess, port?: number): Promise<HfProcess> {
  await kill9(h);
  const next = spawnHookflow(h.command, h.env);
  if (port !== undefined) await waitHealthy(next, port);
  return next;
}

/** For afterAll/afterEach: SIGKILL every process these helpers started that is still running. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((h) => kill9(h)));
}

export interface PostResult {
  status: number;
  body: any;
  /** Attempts it took, 1 when the first one was answered. */
  attempts: number;
}

/**
 * POSTs like a webhook sender does: a connection error, a timeout or a 5xx is retried with the
 * same body and headers (so a `webhook-id` makes the retry safe), a 4xx or 2xx is final.
 */
export async function postWithRetry(url: string, body: string, headers: Record<string, string>, opts: { deadlineMs?: number; timeoutMs?: number; delayMs?: number } = {}): Promise<PostResult> {
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  let attempts = 0;
  let last: unknown;
  while (Date.now() < deadline) {
    attempts++;
    try {
      const r = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
      const text = await r.text();
      if (r.status < 500) return { status: r.status, body: parseJson(text), attempts };
      last = new Error(`HTTP ${r.status}: ${text}`);
    } catch (e) {
      last = e;
    }
    const base = opts.delayMs ?? 100;
    await sleep(base + Math.random() * base);
  }
  throw new Error(`POST ${url} not acknowledged after ${attempts} attempts: ${String((last as Error)?.message ?? last)}`);
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` at once. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await fn(next++);
  });
  await Promise.all(lanes);
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try { return JSON.parse(text); } catch { return text; }
}

/** Polls `cond` every few ms; throws `what` after `timeoutMs`. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}
