import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { DIALECTS, dialectAvailable, openTestStore, type TestStore } from '../../test/dialects.js';
import { JobQueue } from './index.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`queue on ${dialect}`, () => {
    let t: TestStore;
    let q: JobQueue;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      q = new JobQueue(t.store);
    });
    afterEach(async () => { await t.cleanup(); });

    it('a repeated dedup key returns the first job and inserts nothing, also within one batch', async () => {
      const results = await Promise.all([
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 1 }, dedup_key: 'k1' }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 2 }, dedup_key: 'k1' }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 3 }, dedup_key: 'k2' }),
        q.enqueue({ recipe: 'other', recipe_version: 1, trigger: { a: 4 }, dedup_key: 'k1' }),
      ]);
      expect(results.map((r) => r.duplicate)).toEqual([false, true, false, false]);
      expect(results[1]!.id).toBe(results[0]!.id);
      const later = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {}, dedup_key: 'k2' });
      expect(later).toMatchObject({ id: results[2]!.id, duplicate: true });
      const n = await t.store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(3);
    });

    it('two workers never claim the same job', async () => {
      await Promise.all(Array.from({ length: 200 }, (_, i) => q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { i } })));
      const now = Date.now();
      const [a, b] = await Promise.all([q.sql.claim('w1', 150, now, 10_000), q.sql.claim('w2', 150, now, 10_000)]);
      const ids = [...a, ...b].map((j) => j.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(200);
    });

    it('an expired lease is reaped; a stale run (even of the same worker) can no longer write', async () => {
      const { id } = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {} });
      const t0 = Date.now();
      const [job] = await q.sql.claim('w1', 1, t0, 1000);
      expect(job).toMatchObject({ id, locked_by: 'w1:1' });
      expect(await q.sql.claim('w2', 1, t0 + 10, 1000)).toHaveLength(0);
      expect(await q.sql.reap(t0 + 500)).toBe(0);
      expect(await q.sql.reap(t0 + 1500)).toBe(1);
      // The same worker claims it again: the first run's lease is dead all the same.
      const [again] = await q.sql.claim('w1', 1, t0 + 1600, 1000);
      expect(again).toMatchObject({ id, claims: 2, locked_by: 'w1:2' });
      const step = { job_id: id, step_id: 's', seq: 0, status: 'succeeded' as const, attempts: 1, input: null, output: '1', error: null, idempotency_key: `${id}:s:1`, started_at: 1, finished_at: 2 };
      expect(await q.sql.saveSteps(id, job!.locked_by!, [step])).toBe(false);
      expect(await q.settle({ jobId: id, workerId: job!.locked_by!, status: 'succeeded', error: null, at: t0, steps: [step] })).toBe(false);
      expect(await q.settle({ jobId: id, workerId: again!.locked_by!, status: 'succeeded', error: null, at: t0, steps: [step] })).toBe(true);
      const row = await t.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe('succeeded');
      expect(row.locked_by).toBeNull();
    });

    it('heartbeats keep a lease alive', async () => {
      await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {} });
      const t0 = Date.now();
      const [job] = await q.sql.claim('w1', 1, t0, 1000);
      await q.sql.heartbeat([{ id: job!.id, lease: job!.locked_by! }], t0 + 5000);
      expect(await q.sql.reap(t0 + 2000)).toBe(0);
      expect(await q.sql.reap(t0 + 6000)).toBe(1);
    });

    it('released jobs wait until their run_at', async () => {
      const { id } = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {} });
      const t0 = Date.now();
      const [held] = await q.sql.claim('w1', 1, t0, 1000);
      expect(await q.settle({ jobId: id, workerId: held!.locked_by!, status: 'waiting', error: null, runAt: t0 + 5000, at: t0, steps: [] })).toBe(true);
      expect(await q.sql.claim('w1', 1, t0 + 100, 1000)).toHaveLength(0);
      expect(await q.sql.claim('w1', 1, t0 + 5001, 1000)).toHaveLength(1);
    });
  });
}
