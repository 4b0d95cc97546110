#!/usr/bin/env node
/**
 * CLI start-up benchmark (needs `npm run build`): `node bench/cli-start.js [--runs N]`.
 * Wall time of whole `node dist/cli/index.js …` processes, median (and min/max) of N runs, one
 * JSON line per command like bench/run.js:
 *  - cli_help: `hookflow --help`, no server involved.
 *  - cli_recipes_list: `hookflow recipes list` against a running server (HOOKFLOW_URL/TOKEN),
 *    from an empty working directory.
 *  - node_baseline: `node -e ''`, what any Node process costs on this machine right now (the
 *    machine is shared; compare the others with it).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, log, tempDir, removeDir, startHookflow } from './server.js';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1] || 0) || Number(process.env.BENCH_CLI_RUNS ?? 15);
const CLI = join(ROOT, 'dist/cli/index.js');
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function measure(bench, args, env, cwd) {
  const ms = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { env, cwd, encoding: 'utf8' });
    const t = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${bench}: exit ${r.status}: ${r.stderr}`);
    if (i > 0) ms.push(t); // the first run warms the file cache
  }
  ms.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 10) / 10;
  emit({ bench, runs: RUNS, median_ms: round(ms[Math.floor(ms.length / 2)]), min_ms: round(ms[0]), max_ms: round(ms.at(-1)) });
}

const dataDir = tempDir();
const cwd = tempDir('hookflow-bench-cwd-');
const srv = await startHookflow({ dataDir, recipe: 'name: bench-cli\ntrigger: {type: webhook}\nsteps:\n  - id: s\n    action: transform\n    with: { x: 1 }\n' });
try {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKFLOW_')));
  log(`${RUNS} runs each`);
  measure('node_baseline', ['-e', ''], base, cwd);
  measure('cli_help', [CLI, '--help'], base, cwd);
  measure('cli_recipes_list', [CLI, 'recipes', 'list'], { ...base, HOOKFLOW_URL: srv.base, HOOKFLOW_TOKEN: srv.token }, cwd);
} finally {
  await srv.stop();
  removeDir(dataDir);
  removeDir(cwd);
}
