/**
 * HTTP load generator. The parent calls `runLoad(opts)`, which forks this file as a child so the
 * generator and the server under test each get their own core; the child reports over IPC.
 *
 * Modes: `durationS` (closed loop for a time, after `warmupS` unrecorded) or `total` (send exactly
 * that many requests as fast as possible, every one recorded).
 * Clients: `undici` (Pool, one request per connection at a time) or `http` (node:http keep-alive
 * Agent). undici drives more load from one core here (see README), so it is the default.
 *
 * Every request body is a small JSON object `{"n":<sequence>,"source":"bench"}` unless `body`
 * is given. Errors are non-2xx answers and exceptions.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';

const SELF = fileURLToPath(import.meta.url);

/**
 * @param {object} opts
 * @param {string} opts.url           full URL to POST to
 * @param {number} [opts.concurrency] in-flight requests (= connections), default 50
 * @param {number} [opts.durationS]   measure for this long (closed loop)
 * @param {number} [opts.warmupS]     unrecorded warm-up before the measured window
 * @param {number} [opts.total]       instead of a duration: send exactly this many
 * @param {number} [opts.startN]      first sequence number for bodies
 * @param {string} [opts.body]        fixed body instead of the counter body
 * @param {'undici'|'http'} [opts.client]
 * @param {(p: {done: number}) => void} [opts.onProgress]
 * @returns {Promise<{requests:number, errors:number, rps:number, p50_ms:number, p90_ms:number, p99_ms:number, max_ms:number, elapsed_s:number, statuses:Record<string,number>, first_error?:string}>}
 */
export function runLoad(opts) {
  const { onProgress, ...cfg } = opts;
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result = null;
    child.on('message', (m) => {
      if (m.type === 'progress') onProgress?.(m);
      else if (m.type === 'result') result = m.result;
      else if (m.type === 'error') reject(new Error(`loadgen: ${m.message}`));
    });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`loadgen exited with ${code} and no result`))));
    child.send({ type: 'run', cfg });
  });
}

// ---------------------------------------------------------------- child side

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function makeSender(cfg) {
  const url = new URL(cfg.url);
  const path = url.pathname + url.search;
  const baseHeaders = { 'content-type': 'application/json', ...(cfg.headers ?? {}) };
  if ((cfg.client ?? 'undici') === 'undici') {
    const { Pool } = await import('undici');
    const pool = new Pool(url.origin, {
      connections: cfg.concurrency, pipelining: 1,
      headersTimeout: 60_000, bodyTimeout: 60_000, keepAliveTimeout: 60_000,
    });
    return {
      async send(body, extra) {
        const res = await pool.request({ path, method: 'POST', headers: extra ? { ...baseHeaders, ...extra } : baseHeaders, body });
        await res.body.dump(); // answers here are tiny; dump() discards without decoding
        return res.statusCode;
      },
      close: () => pool.close(),
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency, maxFreeSockets: cfg.concurrency });
  return {
    send(body, extra) {
      return new Promise((resolve, reject) => {
        const req = http.request({
          host: url.hostname, port: url.port, path, method: 'POST', agent,
          headers: { ...baseHeaders, ...extra, 'content-length': Buffer.byteLength(body) },
        }, (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve(res.statusCode));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close: async () => agent.destroy(),
  };
}

async function childRun(cfg) {
  cfg.concurrency ??= 50;
  const sender = await makeSender(cfg);
  const total = cfg.total ?? Infinity;
  let seq = cfg.startN ?? 0;
  let issued = 0;
  let lat = new Float64Array(1 << 16);
  let count = 0;
  let errors = 0;
  const statuses = {};
  let firstError;
  let recording = !cfg.durationS || !cfg.warmupS;
  const t0 = performance.now();
  let measureStart = t0;
  let measureEnd = Infinity;
  if (cfg.durationS) {
    const warm = (cfg.warmupS ?? 0) * 1000;
    measureStart = t0 + warm;
    measureEnd = measureStart + cfg.durationS * 1000;
    if (warm > 0) setTimeout(() => { recording = true; }, warm);
  }
  let lastEnd = t0;
  const progress = setInterval(() => process.send({ type: 'progress', done: count }), 3000);

  async function loop() {
    for (;;) {
      if (issued >= total) return;
      const start = performance.now();
      if (start >= measureEnd) return;
      issued++;
      const rec = recording;
      const n = seq++;
      const body = cfg.body ?? `{"n":${n},"source":"bench"}`;
      // A delivery id of its own per request (a Standard Webhooks `webhook-id`, say), as real senders do.
      const extra = cfg.uniqueHeader ? { [cfg.uniqueHeader]: `msg_${process.pid}_${n}` } : undefined;
      let status = 0;
      try {
        status = await sender.send(body, extra);
      } catch (e) {
        firstError ??= String(e?.message ?? e);
      }
      const end = performance.now();
      if (!rec) continue;
      if (count === lat.length) {
        const bigger = new Float64Array(lat.length * 2);
        bigger.set(lat);
        lat = bigger;
      }
      lat[count++] = end - start;
      if (end > lastEnd) lastEnd = end;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status < 200 || status > 299) {
        errors++;
        if (status) firstError ??= `HTTP ${status}`;
      }
    }
  }

  await Promise.all(Array.from({ length: cfg.concurrency }, loop));
  clearInterval(progress);
  await sender.close();
  const sorted = lat.subarray(0, count).sort();
  const elapsed = (lastEnd - measureStart) / 1000;
  return {
    requests: count,
    errors,
    rps: Math.round(count / elapsed),
    p50_ms: round(percentile(sorted, 50)),
    p90_ms: round(percentile(sorted, 90)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(count ? sorted[count - 1] : 0),
    elapsed_s: round(elapsed, 3),
    statuses,
    ...(firstError ? { first_error: firstError } : {}),
  };
}

if (process.argv[2] === '--child' && process.send) {
  process.once('message', async (m) => {
    try {
      const result = await childRun(m.cfg);
      process.send({ type: 'result', result }, () => process.exit(0));
    } catch (e) {
      process.send({ type: 'error', message: String(e?.stack ?? e) }, () => process.exit(1));
    }
  });
}
