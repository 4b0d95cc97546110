#!/usr/bin/env node
/**
 * A 100-item foreach of transform steps (needs `npm run build`): `node bench/loop.js [sqlite|postgres]`.
 * Sends JOBS webhooks back to back to one `hookflow start`, each job looping over 100 items with
 * two transform steps per iteration, and times from the first POST until every job succeeded
 * (polled every 50 ms). Prints one JSON line per store: iterations/s over all jobs and the
 * median time of one job (created → finished, from the job API).
 */
import { startHookflow, tempDir, removeDir, sleep, log, pgReachable, pgSchemaName, pgDropSchema, PG_URL } from './server.js';

const JOBS = Number(process.env.BENCH_LOOP_JOBS ?? 50);
const ITEMS = 100;
const CONCURRENCY = Number(process.env.BENCH_LOOP_CONCURRENCY ?? 1);
const RECIPE = `name: bench-loop
trigger:
  type: webhook
steps:
  - id: each
    action: foreach
    with: { items: "{{ trigger.body.items }}", concurrency: ${CONCURRENCY} }
    steps:
      - id: double
        action: transform
        with: { v: "{{ item * 2 }}", at: "{{ index }}" }
      - id: label
        action: transform
        with: { label: "item {{ item }} -> {{ steps.double.v }}" }
`;

export async function benchLoop(store) {
  const dataDir = tempDir();
  const schema = store === 'postgres' ? pgSchemaName() : undefined;
  const env = store === 'postgres' ? { HOOKFLOW_DATABASE_URL: PG_URL, HOOKFLOW_PG_SCHEMA: schema } : {};
  const h = await startHookflow({ env, dataDir, recipe: RECIPE, label: `loop-${store}` });
  try {
    const body = JSON.stringify({ items: Array.from({ length: ITEMS }, (_, i) => i) });
    const t0 = performance.now();
    const ids = [];
    for (let i = 0; i < JOBS; i++) {
      const r = await fetch(h.recipe.trigger_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      ids.push((await r.json()).job_id);
    }
    const deadline = Date.now() + 300_000;
    let counts = {};
    while (Date.now() < deadline) {
      counts = await h.jobCounts();
      if ((counts.succeeded ?? 0) + (counts.failed ?? 0) >= JOBS) break;
      await sleep(50);
    }
    const seconds = (performance.now() - t0) / 1000;
    const jobs = await Promise.all(ids.slice(0, 10).map((id) => h.api(`/jobs/${id}`)));
    const ms = jobs.map((j) => Date.parse(j.finished_at) - Date.parse(j.started_at ?? j.created_at)).sort((a, b) => a - b);
    const ok = jobs.every((j) => j.status === 'succeeded' && j.steps.find((s) => s.id === 'each')?.status === 'succeeded');
    return {
      bench: 'loop_100_transforms', store, jobs: JOBS, items_per_job: ITEMS, steps_per_iteration: 2, concurrency: CONCURRENCY,
      iterations_per_s: Math.round((JOBS * ITEMS) / seconds), seconds: Math.round(seconds * 100) / 100,
      job_median_ms: ms[Math.floor(ms.length / 2)] ?? null, succeeded: counts.succeeded ?? 0, failed: counts.failed ?? 0, checked_ok: ok,
    };
  } finally {
    await h.stop();
    if (schema) await pgDropSchema(schema).catch(() => undefined);
    removeDir(dataDir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stores = process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres'];
  for (const store of stores) {
    if (store === 'postgres' && !(await pgReachable())) {
      process.stdout.write(`${JSON.stringify({ bench: 'loop_100_transforms', store, skipped: 'postgres unreachable' })}\n`);
      continue;
    }
    log(`loop_100_transforms (${store}): ${JOBS} jobs of a ${ITEMS}-item loop`);
    process.stdout.write(`${JSON.stringify(await benchLoop(store))}\n`);
  }
}
