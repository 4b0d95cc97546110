#!/usr/bin/env node
/**
 * Turns the JSON lines of a bench run into docs/benchmarks.md:
 *
 *   node bench/run.js > results.jsonl
 *   node bench/report.js < results.jsonl > docs/benchmarks.md
 *
 * The machine comes from the run's own "machine" line (cpu, cores, memory, node, date), so the
 * page says where its figures were measured even when it is generated elsewhere.
 */
import { readFileSync } from 'node:fs';

const lines = readFileSync(0, 'utf8').split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
const m = lines.find((l) => l.bench === 'machine');
const results = lines.filter((l) => l.bench !== 'machine');

const n = (x, d = 0) => (typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: d }) : '—');
const sign = (x) => (typeof x === 'number' && x >= 0 ? `+${n(x, 1)}` : n(x, 1));
const bare = results.find((r) => r.bench === 'bare_http')?.rps;

/** The headline figure, then details, of each kind of line. */
function describe(r) {
  if (r.skipped) return [r.skipped, ''];
  if (r.error) return ['failed', r.error.slice(0, 80)];
  switch (r.bench) {
    case 'bare_http':
      return [`${n(r.rps)} req/s`, `p99 ${n(r.p99_ms, 1)} ms (${r.client})`];
    case 'webhook_ack':
    case 'webhook_ack_with_workers':
    case 'webhook_ack_delivery_ids':
    case 'webhook_ack_after_commit': {
      const extra = (r.jobs_queued_at_end !== undefined ? `, ${n(r.jobs_succeeded_by_end)} jobs done, ${n(r.jobs_queued_at_end)} queued at end` : '')
        + (r.queued_growth_per_s !== undefined ? ` (queued at most ${n(r.queued_max)} over ${n(r.queued_samples)} samples, growth ${n(r.queued_growth_per_s)}/s, empty ${r.queue_drained_ms === null ? 'not within 10 s' : `${n(r.queue_drained_ms)} ms`} after the load)` : '');
      const cpu = r.server_cpu_us_per_request ? `, ${n(r.server_cpu_us_per_request)} µs server CPU/request` : '';
      const ww = r.ratio_to_with_workers !== undefined ? `, ${r.ratio_to_with_workers} of with_workers` : '';
      return [`${n(r.rps)} req/s`, `${r.ratio_to_bare ?? '—'} of bare${r.bare_rps_adjacent ? ` (${n(r.bare_rps_adjacent)} req/s, measured right before)` : ''}${ww}, p50 ${n(r.p50_ms, 1)} ms, p99 ${n(r.p99_ms, 1)} ms${extra}${cpu}`];
    }
    case 'jobs_e2e':
      return [`${n(r.jobs_per_s)} jobs/s`, `${n(r.jobs)} jobs in ${n(r.seconds, 2)} s from spawn; ${n(r.jobs_per_s_after_first_answer)} jobs/s after the first HTTP answer${r.server_cpu_us_per_job ? `; ${n(r.server_cpu_us_per_job)} µs CPU/job` : ''}`];
    case 'memory_10mb_body':
      return [`${sign(r.rss_growth_mb)} MB RSS`, `baseline ${n(r.rss_baseline_mb)} MB, peak ${n(r.rss_peak_mb)} MB, ack ${n(r.ack_ms)} ms, job done ${n(r.job_done_ms)} ms`];
    case 'memory_100k_queued':
      return r.rss_after_gc_growth_mb === undefined
        ? [`${sign(r.rss_growth_10k_to_100k_mb)} MB RSS 10k → 100k`, `${n(r.rss_10k_mb)} → ${n(r.rss_100k_mb)} MB, enqueue ${n(r.enqueue_rps)}/s`]
        : [`${sign(r.rss_after_gc_growth_mb)} MB RSS 10k → 100k after a full GC`,
          `after GC ${n(r.rss_after_gc_10k_mb)} → ${n(r.rss_after_gc_100k_mb)} MB (JS heap ${n(r.heap_after_gc_10k_mb)} → ${n(r.heap_after_gc_100k_mb)} MB); as sampled under load ${n(r.rss_10k_mb)} → ${n(r.rss_100k_mb)} MB; enqueue ${n(r.enqueue_rps)}/s`];
    case 'outbound_throughput':
      return [`${n(r.per_second)} deliveries/s`, `${n(r.deliveries)} deliveries to ${r.subscriptions} subscriptions`];
    case 'outbound_engine':
      return [`${n(r.per_second)} deliveries/s`, 'deliver + lanes alone, no store'];
    case 'outbound_isolation':
      return [`p99 ${n(r.p99_ms)} ms`, `${r.dead_endpoints} of ${r.endpoints} endpoints dead; p50 ${n(r.p50_ms)} ms, max ${n(r.max_ms)} ms`];
    case 'node_red_http':
      return [`${n(r.rps)} req/s`, `Node-RED ${r.node_red} in memory (http in → 2 change → http response), ${r.ratio_to_bare ?? '—'} of bare, p50 ${n(r.p50_ms, 1)} ms, p99 ${n(r.p99_ms, 1)} ms${r.server_cpu_us_per_request ? `, ${n(r.server_cpu_us_per_request)} µs server CPU/request` : ''}`];
    case 'node_red_compare':
      return [`${r.hookflow_to_node_red ?? '—'}× Node-RED`, `hookflow with workers ${n(r.hookflow_rps)} req/s (p99 ${n(r.hookflow_p99_ms, 1)} ms, ${n(r.hookflow_cpu_us_per_request)} µs CPU/request, ${n(r.jobs_queued_at_end)} queued at end) / Node-RED ${n(r.node_red_rps)} req/s (p99 ${n(r.node_red_p99_ms, 1)} ms, ${n(r.node_red_cpu_us_per_request)} µs CPU/request, ${r.node_red_cpu_over_hookflow_cpu ?? '—'}× hookflow's); bare of this pass ${n(r.bare_rps)} req/s${r.rounds ? `; medians of ${r.rounds} rounds, ratio by round ${r.hookflow_to_node_red_by_round.join(', ')}` : ''}`];
    case 'cli_help':
    case 'cli_recipes_list':
    case 'node_baseline':
      return [`${n(r.median_ms)} ms`, `median of ${r.runs}, min ${n(r.min_ms)}, max ${n(r.max_ms)}`];
    default: {
      // A bench this report does not know yet (e.g. bench/loop.js): its numeric fields.
      const nums = Object.entries(r).filter(([k, v]) => typeof v === 'number' && k !== 'round');
      return [nums[0] ? `${n(nums[0][1], 1)} ${nums[0][0]}` : '', nums.slice(1, 6).map(([k, v]) => `${k} ${n(v, 1)}`).join(', ')];
    }
  }
}

const target = (r) => (r.target ? `${r.target}: ${r.meets_target ? 'met' : 'not met'}` : r.ok !== undefined ? (r.ok ? 'met' : 'not met') : '');

const out = [];
out.push('# Benchmarks', '');
out.push('Generated by `node bench/report.js < results.jsonl` from the lines of one `npm run bench` run; see');
out.push('bench/README.md for what each bench measures. Absolute figures depend on the machine and on what');
out.push('else runs on it; compare runs made on the same machine, and `webhook_ack*` by their ratio to bare.', '');
if (m) {
  out.push(`Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB memory, Node ${m.node}, ${m.os}; load average ${m.load_avg_1m} at the start.`, '');
}
out.push('| bench | store | result | details | target |', '|---|---|---|---|---|');
for (const r of results) {
  const [head, detail] = describe(r);
  out.push(`| \`${r.bench}\` | ${r.store ?? r.dialect ?? ''} | ${head} | ${detail} | ${target(r)} |`);
}
if (bare) out.push('', `Bare \`node:http\` reference of this run: ${n(bare)} req/s.`);
process.stdout.write(out.join('\n') + '\n');
