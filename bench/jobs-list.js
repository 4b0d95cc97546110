#!/usr/bin/env node
/**
 * Jobs list with big triggers (needs `npm run build`): `node bench/jobs-list.js [--cli path/to/dist/cli/index.js]`.
 * Acknowledges 50 webhooks of ~1 MB each (workers off), then asks for the list page 10 times at
 * once. Prints one JSON line: bytes of one list answer, bytes of one job page, and the server's
 * RSS before and at its peak while the lists were served. `--cli` runs another build (e.g. the
 * one before list summaries) for comparison.
 */
import { startHookflow, tempDir, removeDir, rssSampler, rssMb } from './server.js';

const cliAt = process.argv.indexOf('--cli');
const cli = cliAt > 0 ? process.argv[cliAt + 1] : undefined;
const JOBS = 50;
const dataDir = tempDir();
const h = await startHookflow({ dataDir, cli, env: { HOOKFLOW_WORKER_CONCURRENCY: '0', HOOKFLOW_BODY_LIMIT: String(4 * 1024 * 1024) }, recipe: 'name: big\ntrigger:\n  type: webhook\nsteps:\n  - id: s\n    action: transform\n' });
try {
  const body = JSON.stringify({ text: 'x'.repeat(1024 * 1024) });
  let last = '';
  for (let i = 0; i < JOBS; i++) {
    const r = await fetch(h.recipe.trigger_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (r.status !== 200) throw new Error(`hook answered ${r.status}`);
    last = (await r.json()).job_id;
  }
  const rssBefore = rssMb(h.pid);
  const sampler = rssSampler(h.pid);
  const sizes = await Promise.all(Array.from({ length: 10 }, async () => (await (await fetch(`${h.base}/api/v1/jobs?limit=${JOBS}`, { headers: h.auth })).arrayBuffer()).byteLength));
  const peak = sampler.stop();
  const page = (await (await fetch(`${h.base}/api/v1/jobs/${last}`, { headers: h.auth })).arrayBuffer()).byteLength;
  process.stdout.write(`${JSON.stringify({ bench: 'jobs_list_big_triggers', cli: cli ?? 'this build', jobs: JOBS, trigger_bytes: body.length, list_answer_bytes: sizes[0], job_page_bytes: page, concurrent_lists: sizes.length, rss_before_mb: Math.round(rssBefore), rss_peak_mb: Math.round(peak.peak) })}\n`);
} finally {
  await h.stop();
  removeDir(dataDir);
}
