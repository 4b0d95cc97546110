/**
 * Retention: finished jobs (with their steps), dispatched outbox events and finished deliveries
 * (with their attempts) older than the cutoff go; unfinished work and anything newer stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable, openTestStore, type TestStore } from './dialects.js';
import { prune, pruneOutbound } from '../src/services/retention.js';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`outbound retention on ${dialect}`, () => {
    let t: TestStore;
    beforeAll(async () => { t = await openTestStore(dialect); });
    afterAll(async () => { await t?.cleanup(); });

    it('prunes what is finished and old, in batches, and nothing else', async () => {
      const db = t.store.db;
      const now = Date.now();
      const old = now - 40 * DAY;
      await db.insertInto('webhooks').values({ id: 'w1', event: '*', uri: 'http://127.0.0.1:1/x', description: null, recipe: null, disabled: 0, disabled_reason: null, private_network: 1, mail_exceptions_to: '[]', max_concurrency: null, rate_limit: null, secrets: '[]', created_at: old, updated_at: old } as any).execute();
      const outbox = [
        { at: old, dispatched: old }, { at: old, dispatched: old }, { at: old, dispatched: old },
        { at: old, dispatched: null }, // not fanned out yet: kept whatever its age
        { at: now, dispatched: now },
      ];
      for (const o of outbox) await db.insertInto('outbox').values({ type: 'job.succeeded', recipe: null, payload: '{}', created_at: o.at, dispatched_at: o.dispatched }).execute();
      const deliveries = [
        { id: 'd-old-ok', status: 'succeeded', at: old }, { id: 'd-old-failed', status: 'failed', at: old },
        { id: 'd-old-pending', status: 'pending', at: old }, { id: 'd-new-ok', status: 'succeeded', at: now },
      ];
      for (const d of deliveries) {
        await db.insertInto('webhook_deliveries').values({ id: d.id, webhook_id: 'w1', outbox_id: null, event_type: 'job.succeeded', payload: '{}', status: d.status, attempts: 1, next_attempt_at: d.at, locked_by: null, last_status: 200, last_error: null, created_at: d.at, updated_at: d.at }).execute();
        await db.insertInto('webhook_attempts').values({ delivery_id: d.id, webhook_id: 'w1', attempt: 1, at: d.at, status_code: 200, response: null, duration_ms: 3, error: null, next_attempt_at: null, trigger: 'schedule' }).execute();
      }

      const pruned = await pruneOutbound(t.store, now - 30 * DAY, 2);
      expect(pruned).toEqual({ outbox: 3, deliveries: 2 });
      const left = (await db.selectFrom('webhook_deliveries').select('id').orderBy('id').execute()).map((r) => r.id);
      expect(left).toEqual(['d-new-ok', 'd-old-pending']);
      const attempts = (await db.selectFrom('webhook_attempts').select('delivery_id').orderBy('delivery_id').execute()).map((r) => r.delivery_id);
      expect(attempts).toEqual(['d-new-ok', 'd-old-pending']);
      const box = await db.selectFrom('outbox').select(['dispatched_at']).execute();
      expect(box.map((r) => (r.dispatched_at === null ? null : Number(r.dispatched_at))).sort()).toEqual([now, null].sort());
      // A second pass finds nothing more.
      expect(await pruneOutbound(t.store, now - 30 * DAY)).toEqual({ outbox: 0, deliveries: 0 });
    });

    it('prunes finished jobs with their steps, never unfinished ones', async () => {
      const db = t.store.db;
      const now = Date.now();
      const old = now - 40 * DAY;
      const jobs = [
        { id: 'j-old-ok', status: 'succeeded', finished: old }, { id: 'j-old-failed', status: 'failed', finished: old },
        { id: 'j-old-canceled', status: 'canceled', finished: old }, { id: 'j-new-ok', status: 'succeeded', finished: now },
        { id: 'j-old-waiting', status: 'waiting', finished: null }, { id: 'j-old-queued', status: 'queued', finished: null },
      ];
      for (const j of jobs) {
        await db.insertInto('jobs').values({ id: j.id, recipe: 'r', recipe_version: 1, status: j.status, trigger: '{}', dedup_key: null, repeat_of: null, error: null,
          concurrency_key: null, run_at: old, locked_by: null, locked_until: null, claims: 1, timeout_at: null, created_at: old, started_at: old, finished_at: j.finished }).execute();
        await db.insertInto('job_steps').values({ job_id: j.id, step_id: 's', seq: 0, status: 'succeeded', attempts: 1, input: null, output: null, error: null,
          idempotency_key: `${j.id}:s:1`, started_at: old, finished_at: old }).execute();
      }
      const pruned = await prune(t.store, 30 * DAY, now);
      expect(pruned.jobs).toBe(3);
      const left = (await db.selectFrom('jobs').select('id').orderBy('id').execute()).map((r) => r.id);
      expect(left).toEqual(['j-new-ok', 'j-old-queued', 'j-old-waiting']);
      const steps = (await db.selectFrom('job_steps').select('job_id').orderBy('job_id').execute()).map((r) => r.job_id);
      expect(steps).toEqual(left);
    });
  });
}
