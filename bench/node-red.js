#!/usr/bin/env node
/**
 * Node-RED side by side (needs `npm run build`):
 *   HOOKFLOW_BENCH_NODE_RED=/work/nodered node bench/node-red.js
 * The variable names a Node-RED install (a dir with node_modules/node-red, or the package itself);
 * Node-RED is not a dependency of hookflow. Without it this prints one "skipped" line.
 *
 * In one run, with the same load generator, concurrency and duration as run.js:
 *  - bare node:http (the ceiling of the machine at that moment),
 *  - Node-RED, in-memory: http in POST /bench → change (msg.payload.a = msg.payload.n) →
 *    change (msg.payload.b = JSONata `payload.a + 1`) → http response; no editor, nothing stored,
 *  - hookflow as users run it (SQLite, server and default workers in one process) with the
 *    two-step recipe of webhook_ack_with_workers: durable, every event committed before the answer.
 * Lines: node_red_http (Node-RED's own figure) and node_red_compare (all three and the ratios).
 * BENCH_NODE_RED_ROUNDS=N (default 3) measures the three N times, alternating the order, and
 * gives medians: on a shared machine one pass's ratio moves with whatever else runs (single passes
 * of the same build gave 2.19×, 2.86× and 3.37× within an hour).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from './loadgen.js';
import { log, sleep, tempDir, removeDir, freePort, startHookflow, startBare, stopChild, exited, cpuSeconds, RECIPE_TWO_STEPS } from './server.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const CLIENT = process.env.BENCH_CLIENT ?? 'undici';
const ROUNDS = Number(process.env.BENCH_NODE_RED_ROUNDS ?? 3);
const TARGET = 3;


const FLOWS = [
  { id: 'bench-tab', type: 'tab', label: 'bench' },
  { id: 'bench-in', type: 'http in', z: 'bench-tab', url: '/bench', method: 'post', upload: false, wires: [['bench-a']] },
  { id: 'bench-a', type: 'change', z: 'bench-tab', rules: [{ t: 'set', p: 'payload.a', pt: 'msg', to: 'payload.n', tot: 'msg' }], wires: [['bench-b']] },
  { id: 'bench-b', type: 'change', z: 'bench-tab', rules: [{ t: 'set', p: 'payload.b', pt: 'msg', to: 'payload.a + 1', tot: 'jsonata' }], wires: [['bench-out']] },
  { id: 'bench-out', type: 'http response', z: 'bench-tab', statusCode: '200', headers: {}, wires: [] },
];

const settings = (port) => `module.exports = ${JSON.stringify({
  uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', httpAdminRoot: false, httpNodeRoot: '/',
  credentialSecret: false, telemetry: { enabled: false }, diagnostics: { enabled: false, ui: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  contextStorage: { default: { module: 'memory' } },
  logging: { console: { level: 'warn', metrics: false, audit: false } },
}, null, 2)};\n`;

const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');

/** red.js and the version of the Node-RED install at `dir`. */
function findNodeRed(dir) {
  for (const pkg of [join(dir, 'node_modules', 'node-red'), dir]) {
    if (existsSync(join(pkg, 'red.js'))) return { script: join(pkg, 'red.js'), version: JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version };
  }
  throw new Error(`HOOKFLOW_BENCH_NODE_RED=${dir}: no node_modules/node-red/red.js there`);
}

/** Starts Node-RED in a temp user dir with the bench flow; resolves once POST /bench answers 200. */
async function startNodeRed(script) {
  const userDir = tempDir('hookflow-bench-nodered-');
  const port = await freePort();
  writeFileSync(join(userDir, 'settings.js'), settings(port));
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(FLOWS));
  const env = { ...process.env, NODE_RED_DISABLE_TELEMETRY: '1' };
  const child = spawn(process.execPath, [script, '--userDir', userDir, '--settings', join(userDir, 'settings.js')], { cwd: userDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d) => {
    tail = (tail + d.toString()).slice(-4000);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[node-red] ${d}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}/bench`;
  const stop = async () => { await stopChild(child); removeDir(userDir); };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited(child)) { removeDir(userDir); throw new Error(`Node-RED exited during start-up (${child.exitCode ?? child.signalCode}):\n${tail}`); }
    if (Date.now() > deadline) { await stop(); throw new Error(`Node-RED did not answer POST /bench within 60 s:\n${tail}`); }
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":0}' }).catch(() => null);
    if (res?.status === 200) {
      const body = await res.json();
      if (body.a !== 0 || body.b !== 1) { await stop(); throw new Error(`Node-RED flow answered ${JSON.stringify(body)}, want a 0 and b 1`); }
      break;
    }
    await res?.body?.cancel();
    await sleep(100);
  }
  return { url, pid: child.pid, stop };
}

const median = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : null;
};

/** One server's rounds as one result: medians, and the sums of requests and errors. */
function combine(rs) {
  const med = (k) => median(rs.map((r) => r[k]));
  const sum = (k) => rs.reduce((a, r) => a + r[k], 0);
  return {
    rps: Math.round(med('rps')), p50_ms: round(med('p50_ms'), 2), p90_ms: round(med('p90_ms'), 2), p99_ms: round(med('p99_ms'), 2), max_ms: Math.max(...rs.map((r) => r.max_ms)),
    requests: sum('requests'), errors: sum('errors'), elapsed_s: round(sum('elapsed_s'), 3), cpuUs: med('cpuUs'), first_error: rs.find((r) => r.first_error)?.first_error,
  };
}

/** Runs the load against `url` and counts the server's CPU per request. */
async function measure(label, url, pid) {
  const c0 = cpuSeconds(pid);
  const r = await runLoad({ url, concurrency: CONCURRENCY, durationS: DURATION_S, warmupS: WARMUP_S, client: CLIENT, onProgress: ({ done }) => log(`  ${label}: ${done} recorded`) });
  const c1 = cpuSeconds(pid);
  // Includes the warm-up's requests' share, so it is an upper bound per request.
  const cpuUs = c0 === null || c1 === null || !r.requests ? null : Math.round(((c1 - c0) / r.requests) * 1e6);
  return { ...r, cpuUs };
}

async function main() {
  const dir = process.env.HOOKFLOW_BENCH_NODE_RED;
  if (!dir) {
    log('node_red_compare skipped: set HOOKFLOW_BENCH_NODE_RED to a Node-RED install dir (e.g. /work/nodered)');
    emit({ bench: 'node_red_compare', skipped: 'set HOOKFLOW_BENCH_NODE_RED' });
    return;
  }
  const nr = findNodeRed(dir);
  log(`node_red_compare: bare node:http, Node-RED ${nr.version} (http in → 2 change → http response, in memory), hookflow sqlite with workers; ${DURATION_S} s (+${WARMUP_S} s warm-up) each, concurrency ${CONCURRENCY}, client ${CLIENT}`);

  // All three stay up; each round measures them back to back, in reverse order every other round,
  // so that load from other work on a shared machine falls on all of them alike.
  const dataDir = tempDir();
  const up = [];
  const runs = { bare: [], node: [], hf: [] };
  let counts;
  try {
    const b = await startBare();
    up.push(b);
    const red = await startNodeRed(nr.script);
    up.push(red);
    const h = await startHookflow({ dataDir, recipe: RECIPE_TWO_STEPS, label: 'node_red_compare-hookflow' });
    up.push(h);
    const order = [['bare', 'bare_http', b.url, b.pid], ['node', 'node_red', red.url, red.pid], ['hf', 'hookflow', h.recipe.trigger_url, h.pid]];
    for (let i = 0; i < ROUNDS; i++) {
      for (const [key, label, url, pid] of i % 2 ? [...order].reverse() : order) runs[key].push(await measure(ROUNDS > 1 ? `${label} round ${i + 1}` : label, url, pid));
    }
    counts = await h.jobCounts();
  } finally {
    for (const s of up.reverse()) await s.stop();
    removeDir(dataDir);
  }
  const [bare, node, hf] = [combine(runs.bare), combine(runs.node), combine(runs.hf)];
  const perRound = runs.hf.map((r, i) => (runs.node[i].rps ? round(r.rps / runs.node[i].rps, 2) : null));

  const ratio = round(median(perRound), 2);
  const nodeLine = {
    bench: 'node_red_http', node_red: nr.version, rps: node.rps, p50_ms: node.p50_ms, p90_ms: node.p90_ms, p99_ms: node.p99_ms, max_ms: node.max_ms,
    requests: node.requests, errors: node.errors, concurrency: CONCURRENCY, duration_s: node.elapsed_s,
    ratio_to_bare: bare.rps ? round(node.rps / bare.rps, 3) : null, server_cpu_us_per_request: node.cpuUs,
  };
  if (node.first_error) nodeLine.first_error = node.first_error;
  emit(nodeLine);
  const line = {
    bench: 'node_red_compare', store: 'sqlite', node_red: nr.version, concurrency: CONCURRENCY, client: CLIENT, duration_s: DURATION_S,
    hookflow_rps: hf.rps, hookflow_p99_ms: hf.p99_ms, hookflow_errors: hf.errors, hookflow_cpu_us_per_request: hf.cpuUs,
    jobs_succeeded_by_end: counts.succeeded ?? 0, jobs_queued_at_end: counts.queued ?? 0,
    node_red_rps: node.rps, node_red_p99_ms: node.p99_ms, node_red_errors: node.errors, node_red_cpu_us_per_request: node.cpuUs,
    bare_rps: bare.rps, bare_p99_ms: bare.p99_ms,
    hookflow_to_node_red: ratio,
    ...(ROUNDS > 1 ? { rounds: ROUNDS, hookflow_to_node_red_by_round: perRound } : {}),
    // Steadier than rps on a shared machine: how many times hookflow's CPU per request Node-RED spends.
    node_red_cpu_over_hookflow_cpu: hf.cpuUs && node.cpuUs ? round(node.cpuUs / hf.cpuUs, 2) : null,
    hookflow_ratio_to_bare: bare.rps ? round(hf.rps / bare.rps, 3) : null,
    node_red_ratio_to_bare: bare.rps ? round(node.rps / bare.rps, 3) : null,
    target: `hookflow_to_node_red>=${TARGET}`,
    meets_target: (ratio ?? 0) >= TARGET && hf.errors === 0,
  };
  if (hf.first_error) line.hookflow_first_error = hf.first_error;
  emit(line);
  const f = (x) => x.toLocaleString('en-US');
  log(`Hookflow / Node-RED = ${ratio}× (hookflow ${f(hf.rps)} req/s p99 ${hf.p99_ms} ms ${hf.cpuUs} µs CPU/request, Node-RED ${f(node.rps)} req/s p99 ${node.p99_ms} ms ${node.cpuUs} µs CPU/request; bare ${f(bare.rps)} req/s p99 ${bare.p99_ms} ms)`);
}

main().catch((e) => {
  log(`node_red_compare FAILED: ${e.stack ?? e}`);
  process.exit(1);
});
