/**
 * @module server/api/stats
 * `GET /api/v1/stats`: the dashboard's numbers from the jobs table. The window is read through
 * the finished-time indexes (store/job-indexes.ts, capped), so it costs the same with 100,000 old jobs as with ten;
 * queue health from the not-succeeded status index (store/job-indexes.ts) and the leased-jobs partial index.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { finishedSince } from '../../store/job-indexes.js';

const MAX_ROWS = 50_000;

function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}

export async function statsRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/stats', {
    config: { role: 'viewer' },
    schema: {
      summary: 'Jobs per minute, success rate and p95 duration per recipe over a window; queue health',
      querystring: { type: 'object', properties: { minutes: { type: 'integer', minimum: 5, maximum: 1440 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            window_minutes: { type: 'integer' }, since: { type: 'string' }, sampled: { type: 'boolean' },
            per_minute: { type: 'array', items: { type: 'object', properties: { minute: { type: 'string' }, succeeded: { type: 'integer' }, failed: { type: 'integer' }, canceled: { type: 'integer' } } } },
            recipes: { type: 'array', items: { type: 'object', properties: { recipe: { type: 'string' }, finished: { type: 'integer' }, succeeded: { type: 'integer' }, failed: { type: 'integer' }, success_rate: { type: ['number', 'null'] }, p95_ms: { type: ['number', 'null'] } } } },
            queue: { type: 'object', properties: { counts: { type: 'object', additionalProperties: { type: 'integer' } }, oldest_queued_age_seconds: { type: 'number' }, expired_leases: { type: 'integer' } } },
          },
        },
      },
    },
  }, async (req) => {
    const minutes = (req.query as { minutes?: number }).minutes ?? 60;
    const now = Date.now();
    const startMinute = Math.floor((now - minutes * 60_000) / 60_000) * 60_000 + 60_000;
    const db = rt.store.db;
    const { rows, sampled } = await finishedSince(db, startMinute, MAX_ROWS);
    const buckets = new Map<number, { succeeded: number; failed: number; canceled: number }>();
    for (let t = startMinute; t <= now; t += 60_000) buckets.set(t, { succeeded: 0, failed: 0, canceled: 0 });
    const per = new Map<string, { finished: number; succeeded: number; failed: number; durations: number[] }>();
    for (const r of rows) {
      const fin = Number(r.finished_at);
      const b = buckets.get(Math.floor(fin / 60_000) * 60_000);
      if (b && (r.status === 'succeeded' || r.status === 'failed' || r.status === 'canceled')) b[r.status]++;
      let s = per.get(r.recipe);
      if (!s) per.set(r.recipe, (s = { finished: 0, succeeded: 0, failed: 0, durations: [] }));
      s.finished++;
      if (r.status === 'succeeded') s.succeeded++;
      if (r.status === 'failed') s.failed++;
      if (r.status !== 'canceled') s.durations.push(fin - Number(r.started_at ?? r.created_at));
    }
    const [counts, age, expired] = await Promise.all([
      rt.jobs.counts(),
      rt.jobs.oldestQueuedAgeSeconds(),
      db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'running').where('locked_until', '<', now).executeTakeFirst(),
    ]);
    return {
      window_minutes: minutes, since: new Date(startMinute).toISOString(), sampled,
      per_minute: [...buckets].map(([t, b]) => ({ minute: new Date(t).toISOString(), ...b })),
      recipes: [...per].map(([recipe, s]) => ({
        recipe, finished: s.finished, succeeded: s.succeeded, failed: s.failed,
        success_rate: s.succeeded + s.failed > 0 ? s.succeeded / (s.succeeded + s.failed) : null, p95_ms: p95(s.durations),
      })).sort((a, b) => b.failed - a.failed || a.recipe.localeCompare(b.recipe)),
      queue: { counts, oldest_queued_age_seconds: age, expired_leases: Number(expired?.n ?? 0) },
    };
  });
}
