/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): time by area (hookflow's own modules,
 * each npm package, node internals, GC, idle), the top functions by self time, and hookflow's
 * own functions by inclusive time.
 *
 *   node bench/profile.js <file.cpuprofile> [top=25]
 *
 * `run.js` calls `summarise()` after each server when BENCH_PROFILE=1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function area(url, fn) {
  if (!url) {
    if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)') return fn;
    return '(native)';
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0].replace(/^internal$/, 'internal/' + url.split('/')[1]);
  const dist = /\/dist\/([^/]+)(\/|\.js)/.exec(url);
  if (dist) return `hookflow/${dist[1].replace(/\.js$/, '')}`;
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url) {
  if (!url) return '';
  return url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/').replace(/^node:internal\//, 'internal/');
}

/** @returns {{ totalMs:number, busyMs:number, areas:Array, self:Array, inclusive:Array }} */
export function analyse(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, { ...n, self: 0 }]));
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    byId.get(samples[i]).self += dt;
  }
  const parent = new Map();
  for (const n of byId.values()) for (const c of n.children ?? []) parent.set(c, n.id);

  const totalMs = [...byId.values()].reduce((s, n) => s + n.self, 0);
  let idle = 0;
  const areas = new Map();
  const self = new Map();
  const inclusive = new Map();
  for (const n of byId.values()) {
    const { functionName, url, lineNumber } = n.callFrame;
    const fn = functionName || '(anonymous)';
    if (fn === '(idle)') idle += n.self;
    const a = area(url, fn);
    areas.set(a, (areas.get(a) ?? 0) + n.self);
    const key = `${fn} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
    const e = self.get(key) ?? { fn: key, area: a, ms: 0 };
    e.ms += n.self;
    self.set(key, e);
    if (n.self > 0 && a !== '(idle)') {
      // Inclusive time of hookflow's own functions: walk up once per key so recursion counts once.
      const seen = new Set();
      for (let id = n.id; id !== undefined; id = parent.get(id)) {
        const p = byId.get(id);
        if (!/\/dist\//.test(p.callFrame.url)) continue;
        const k = `${p.callFrame.functionName || '(anonymous)'} ${shortUrl(p.callFrame.url)}:${p.callFrame.lineNumber + 1}`;
        if (seen.has(k)) continue;
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + n.self);
      }
    }
  }
  const busyMs = totalMs - idle;
  const sortDesc = (arr) => arr.sort((a, b) => b.ms - a.ms);
  return {
    totalMs,
    busyMs,
    areas: sortDesc([...areas].map(([name, ms]) => ({ name, ms }))).filter((a) => a.name !== '(idle)'),
    self: sortDesc([...self.values()]).filter((e) => e.area !== '(idle)'),
    inclusive: sortDesc([...inclusive].map(([fn, ms]) => ({ fn, ms }))),
  };
}

export function summarise(file, top = 25) {
  const r = analyse(JSON.parse(readFileSync(file, 'utf8')));
  const pct = (ms) => `${((100 * ms) / r.busyMs).toFixed(1).padStart(5)}%`;
  const out = [];
  out.push(`profile ${file}`);
  out.push(`  wall ${(r.totalMs / 1000).toFixed(1)} s, busy (not idle) ${(r.busyMs / 1000).toFixed(1)} s; percentages are of busy time`);
  out.push('  by area (self time):');
  for (const a of r.areas.slice(0, 18)) out.push(`    ${pct(a.ms)}  ${a.name}`);
  out.push(`  top ${top} functions by self time:`);
  for (const e of r.self.slice(0, top)) out.push(`    ${pct(e.ms)}  ${e.fn}`);
  out.push('  hookflow functions by inclusive time:');
  for (const e of r.inclusive.slice(0, 15)) out.push(`    ${pct(e.ms)}  ${e.fn}`);
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/profile.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(summarise(file, Number(top ?? 25)) + '\n');
}
