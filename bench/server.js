/**
 * Starting and watching the processes under test: hookflow (`node dist/cli/index.js start`), the
 * bare reference server, free ports, RSS from /proc, job counts from /metrics, PostgreSQL set-up.
 */
import { spawn, fork } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'undici';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..');
// BENCH_CLI: another build's dist/cli/index.js, to compare two builds back to back on one machine.
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'cli', 'index.js');

export const log = (...a) => process.stderr.write(`[bench] ${a.join(' ')}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'hookflow-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS, kB). */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Node arguments that open the inspector on a free loopback port, for `collectGarbage`. */
export async function inspectorArgs() {
  const port = await freePort();
  return { port, nodeArgs: [`--inspect=127.0.0.1:${port}`] };
}

/**
 * Runs a full garbage collection in the process whose inspector listens on `port`
 * (`HeapProfiler.collectGarbage`, twice, as a heap snapshot would) and answers its JS heap in use
 * afterwards in MB (`Runtime.getHeapUsage`). Tells memory still referenced from garbage V8 had
 * not yet collected.
 */
export async function collectGarbage(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('inspector connection failed')); });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data));
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(msg.error.message));
    else w.resolve(msg.result);
  };
  const call = (method) => new Promise((resolve, reject) => {
    waiting.set(++id, { resolve, reject });
    ws.send(JSON.stringify({ id, method }));
  });
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const { usedSize } = await call('Runtime.getHeapUsage');
    return usedSize / 2 ** 20;
  } finally {
    ws.close();
  }
}

/** Samples RSS every `everyMs` until stopped; returns the peak and the samples. */
export function rssSampler(pid, everyMs = 20) {
  let peak = 0;
  let samples = 0;
  const tick = () => {
    const v = rssMb(pid);
    if (v > peak) peak = v;
    samples++;
  };
  tick();
  const t = setInterval(tick, everyMs);
  return {
    get peak() { return peak; },
    stop() { clearInterval(t); tick(); return { peak, samples }; },
  };
}

/**
 * CPU seconds (user + system) a process has used, from /proc; null elsewhere. On a shared machine
 * CPU per request moves far less than requests per second.
 */
export function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** CPU seconds of the process's main (JavaScript) thread only: /proc/<pid>/task/<pid>/stat. */
export function mainThreadCpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * The main thread's /proc schedstat in seconds: on a CPU, and runnable but waiting for one (other
 * processes had the cores). Wall time minus both is time it was blocked or idle.
 */
export function mainThreadSched(pid) {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { run: run / 1e9, wait: wait / 1e9 };
  } catch {
    return null;
  }
}

export function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child, ms) {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}

export async function stopChild(child, graceMs = 10_000) {
  if (exited(child)) return;
  child.kill('SIGTERM');
  if (!(await waitExit(child, graceMs))) {
    log(`pid ${child.pid} did not exit within ${graceMs} ms of SIGTERM; SIGKILL`);
    child.kill('SIGKILL');
    await waitExit(child, 5_000);
  }
}

/**
 * Starts hookflow with `env` on a free port, waits for /healthz, applies `recipe` (a YAML string)
 * when given. `nodeArgs` go to node itself (e.g. --cpu-prof).
 */
export async function startHookflow({ env = {}, dataDir, recipe, nodeArgs = [], label = 'hookflow', cli = CLI } = {}) {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const base = `http://127.0.0.1:${port}`;
  const fullEnv = {
    ...process.env,
    HOOKFLOW_PORT: String(port),
    HOOKFLOW_HOST: '127.0.0.1',
    HOOKFLOW_PUBLIC_URL: base,
    HOOKFLOW_DATA_DIR: dataDir,
    HOOKFLOW_ADMIN_TOKEN: token,
    HOOKFLOW_LOG_LEVEL: 'warn',
    ...env,
  };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, cli, 'start'], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d) => {
    tail = (tail + d.toString()).slice(-4000);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${label}] ${d}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited(child)) throw new Error(`${label} exited during start-up (${child.exitCode ?? child.signalCode}):\n${tail}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${label} not healthy within 30 s:\n${tail}`);
    }
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(25);
  }
  const readyAt = performance.now();

  const h = {
    base, port, token, pid: child.pid, child, spawnedAt, readyAt,
    get tail() { return tail; },
    auth: { authorization: `Bearer ${token}` },
    async applyRecipe(yaml) {
      const name = /^name:\s*(\S+)/m.exec(yaml)[1];
      const res = await fetch(`${base}/api/v1/recipes/${name}`, { method: 'PUT', headers: { ...h.auth, 'content-type': 'application/yaml' }, body: yaml });
      const json = await res.json();
      if (!res.ok) throw new Error(`PUT recipe ${name}: ${res.status} ${JSON.stringify(json)}`);
      // The server listens on 127.0.0.1; do not let "localhost" resolve to ::1.
      return { ...json, trigger_url: json.trigger_url.replace(/^https?:\/\/[^/]+/, base) };
    },
    /** `hookflow_jobs{status=...}` gauges from /metrics. */
    async jobCounts() {
      const text = await (await fetch(`${base}/metrics`)).text();
      const out = {};
      for (const m of text.matchAll(/^hookflow_jobs\{status="(\w+)"\} (\d+)/gm)) out[m[1]] = Number(m[2]);
      return out;
    },
    async api(path) {
      const res = await fetch(`${base}/api/v1${path}`, { headers: h.auth });
      return res.json();
    },
    stop: () => stopChild(child),
  };
  if (recipe) h.recipe = await h.applyRecipe(recipe);
  return h;
}

/** The bare node:http reference server in its own process. */
export function startBare() {
  return new Promise((resolve, reject) => {
    const child = fork(join(HERE, 'bare-server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (c) => reject(new Error(`bare server exited (${c})`)));
    child.once('message', (m) => {
      if (m.type !== 'ready') return reject(new Error('bare server: unexpected message'));
      resolve({ url: `http://127.0.0.1:${m.port}/hooks/bare`, pid: child.pid, stop: () => stopChild(child) });
    });
  });
}

// ---------------------------------------------------------------- PostgreSQL

export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgClient() {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  await c.connect();
  return c;
}

export async function pgReachable() {
  try {
    const c = await pgClient();
    await c.query('SELECT 1');
    await c.end();
    return true;
  } catch (e) {
    log(`postgres unreachable at ${PG_URL}: ${e.message}`);
    return false;
  }
}

export function pgSchemaName() {
  return `bench_${randomBytes(5).toString('hex')}`;
}

export async function pgDropSchema(schema) {
  const c = await pgClient();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** The two-step recipe of webhook_ack_with_workers, jobs_e2e and the Node-RED comparison. */
export const RECIPE_TWO_STEPS = `name: bench-two-steps
trigger:
  type: webhook
steps:
  - id: first
    action: transform
    with: { a: "{{ trigger.body.n }}" }
  - id: second
    action: transform
    with: { b: "{{ steps.first.a + 1 }}" }
`;

/**
 * Samples the number of queued jobs every `everyMs` straight from the store, on a connection of
 * the bench's own (SQLite read-only in WAL mode, PostgreSQL a client of its own), so the server
 * under load answers nothing extra. `stop()` resolves to the samples as [ms since start, queued].
 */
export async function queueSampler({ store, dataDir, schema, everyMs = 1000 }) {
  let count;
  let close;
  if (store === 'postgres') {
    const c = await pgClient();
    count = async () => Number((await c.query(`SELECT count(*) AS n FROM "${schema}".jobs WHERE status = 'queued'`)).rows[0].n);
    close = () => c.end();
  } else {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dataDir, 'hookflow.db'), { readonly: true, fileMustExist: true });
    const q = db.prepare(`SELECT count(*) AS n FROM jobs WHERE status = 'queued'`);
    count = async () => q.get().n;
    close = async () => db.close();
  }
  const t0 = performance.now();
  const samples = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    count().then((n) => samples.push([Math.round(performance.now() - t0), n]), () => {}).finally(() => { busy = false; });
  }, everyMs);
  return {
    count,
    async stop() {
      clearInterval(timer);
      while (busy) await sleep(5);
      return samples;
    },
    close,
  };
}

/** Least-squares slope of [ms, n] samples, in n per second. */
export function slopePerS(samples) {
  if (samples.length < 3) return null;
  const xs = samples.map(([t]) => t / 1000);
  const ys = samples.map(([, n]) => n);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  return den ? num / den : null;
}
