/**
 * Two or more hookflow builds (or settings) under the same load in alternating rounds, with a bare
 * node:http server measured at the start of each round: on a shared machine the figures of one
 * round move together, so compare the variants within a round and over several.
 *
 *   node bench/ab.js base=/other/checkout/dist/cli/index.js this=dist/cli/index.js
 *   AB_ENV='{"off":{"HOOKFLOW_WORKER_CONCURRENCY":"0"}}' node bench/ab.js on=dist/cli/index.js off=dist/cli/index.js
 *
 * Each variant is name=path-to-cli; AB_ENV gives extra environment per name (JSON), AB_NODE_ARGS
 * node flags per name (JSON, e.g. {"b":["--single-threaded-gc"]}), AB_ROUNDS (default
 * 4) and AB_S (seconds per measurement, default 5) the length. Every server runs the two-step
 * recipe of `webhook_ack_with_workers` on SQLite with workers, kept up for all rounds; a round
 * measures them in turn, the order reversed every other round. One line per round and a summary:
 * mean req/s, mean ratio to the round's bare figure and server CPU µs per request.
 */
import { startHookflow, startBare, tempDir, removeDir, RECIPE_TWO_STEPS, cpuSeconds, mainThreadCpuSeconds } from './server.js';
import { runLoad } from './loadgen.js';

const variants = process.argv.slice(2).map((a) => {
  const i = a.indexOf('=');
  if (i < 1) throw new Error(`bench/ab: expected name=path/to/cli/index.js, got ${a}`);
  return { name: a.slice(0, i), cli: a.slice(i + 1) };
});
if (variants.length < 2) throw new Error('bench/ab: give at least two variants (name=path/to/cli/index.js)');
const envs = JSON.parse(process.env.AB_ENV ?? '{}');
const nodeArgs = JSON.parse(process.env.AB_NODE_ARGS ?? '{}');
const rounds = Number(process.env.AB_ROUNDS ?? 4);
const seconds = Number(process.env.AB_S ?? 5);
const load = (url) => runLoad({ url, concurrency: 50, durationS: seconds, warmupS: 1, client: 'undici' });

const bare = await startBare();
const servers = [];
try {
  for (const v of variants) {
    const dir = tempDir();
    servers.push({ ...v, dir, h: await startHookflow({ env: envs[v.name] ?? {}, nodeArgs: nodeArgs[v.name] ?? [], dataDir: dir, recipe: RECIPE_TWO_STEPS, label: v.name, cli: v.cli }), runs: [] });
  }
  for (let r = 0; r < rounds; r++) {
    const b = await load(bare.url);
    const line = [`round ${r + 1}: bare ${b.rps}`];
    for (const s of r % 2 ? [...servers].reverse() : servers) {
      const c0 = cpuSeconds(s.h.pid), m0 = mainThreadCpuSeconds(s.h.pid);
      const res = await load(s.h.recipe.trigger_url);
      // CPU is read over warm-up and load; the requests of the warm-up second are estimated at the measured rate.
      const n = res.requests * (seconds + 1) / seconds;
      const run = { rps: res.rps, ratio: res.rps / b.rps, p99: res.p99_ms, cpu: ((cpuSeconds(s.h.pid) - c0) * 1e6) / n, main: ((mainThreadCpuSeconds(s.h.pid) - m0) * 1e6) / n };
      s.runs.push(run);
      line.push(`${s.name} ${run.rps} (${run.ratio.toFixed(3)}) p99 ${run.p99} ms, ${Math.round(run.cpu)} µs CPU (${Math.round(run.main)} main thread)`);
    }
    console.log(line.join(' | '));
  }
  const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
  for (const s of servers) {
    console.log(`${s.name}: mean ${Math.round(mean(s.runs.map((x) => x.rps)))} req/s, ${mean(s.runs.map((x) => x.ratio)).toFixed(3)} of bare, ${Math.round(mean(s.runs.map((x) => x.cpu)))} µs CPU per request`);
  }
} finally {
  for (const s of servers) { await s.h.stop(); removeDir(s.dir); }
  await bare.stop();
}
