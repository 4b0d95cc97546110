/**
 * @module server/metrics
 * Prometheus text exposition without a client library: a handful of counters and one
 * histogram, plus gauges read from the store at scrape time.
 */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  readonly #counters = new Map<string, Map<string, number>>();
  readonly #help = new Map<string, string>();
  readonly #hist = new Map<string, { buckets: number[]; sum: number; count: number }>();

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    let m = this.#counters.get(name);
    if (!m) this.#counters.set(name, (m = new Map()));
    const key = labelString(labels);
    m.set(key, (m.get(key) ?? 0) + by);
  }

  observe(name: string, labels: Record<string, string>, seconds: number): void {
    const key = `${name}${labelString(labels)}`;
    let h = this.#hist.get(key);
    if (!h) this.#hist.set(key, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => { if (seconds <= b) h!.buckets[i]!++; });
    h.sum += seconds;
    h.count++;
  }

  describe(name: string, help: string): void {
    this.#help.set(name, help);
  }

  render(gauges: Array<{ name: string; help: string; values: Array<[Record<string, string>, number]> }>): string {
    const lines: string[] = [];
    for (const [name, m] of this.#counters) {
      lines.push(`# HELP ${name} ${this.#help.get(name) ?? name}`, `# TYPE ${name} counter`);
      for (const [l, v] of m) lines.push(`${name}${l} ${v}`);
    }
    const histNames = new Set<string>();
    for (const [key, h] of this.#hist) {
      const name = key.replace(/\{.*$/, '');
      const labels = key.slice(name.length).replace(/^\{|\}$/g, '');
      if (!histNames.has(name)) {
        histNames.add(name);
        lines.push(`# HELP ${name} ${this.#help.get(name) ?? name}`, `# TYPE ${name} histogram`);
      }
      const sep = labels ? ',' : '';
      BUCKETS.forEach((b, i) => lines.push(`${name}_bucket{${labels}${sep}le="${b}"} ${h.buckets[i]}`));
      lines.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${h.count}`, `${name}_sum{${labels}} ${h.sum}`, `${name}_count{${labels}} ${h.count}`);
    }
    for (const g of gauges) {
      lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
      for (const [l, v] of g.values) lines.push(`${g.name}${labelString(l)} ${v}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

const LABEL_BAD = /["\\\n]/g;

// Called on every accepted event and finished job: a loop over the keys, and a replace only for a
// value that needs one (Object.entries + map + join + a regex per label was ~1 µs per call).
function labelString(labels: Record<string, string>): string {
  let out = '';
  for (const k in labels) {
    const v = String(labels[k]);
    out += `${out ? ',' : '{'}${k}="${v.includes('"') || v.includes('\\') || v.includes('\n') ? v.replace(LABEL_BAD, '_') : v}"`;
  }
  return out ? `${out}}` : '';
}
