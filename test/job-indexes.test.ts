/**
 * The jobs table's partial indexes and their readers (store/job-indexes.ts). Finished jobs by
 * finish time come from `jobs_finished_slow` for jobs that took over a second and from
 * `jobs_created_at` a second wider for the quick ones; statuses other than succeeded from
 * `jobs_status_live`, succeeded jobs counted as all less the others. Each must answer exactly
 * what a scan of the table answers, and each read must use its index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS, dialectAvailable, openTestStore, type TestStore } from './dialects.js';
import { finishedSince, lastFinishedAt, SHORT_RUN_MS, statusCounts } from '../src/store/job-indexes.js';
import { countMatches, parseFilter, STATUSES } from '../src/services/job-search.js';

const T = 1_800_000_000_000;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`finished jobs by time on ${dialect}`, () => {
    let t: TestStore;
    let n = 0;
    beforeAll(async () => { t = await openTestStore(dialect); });
    afterAll(async () => { await t?.cleanup(); });

    const job = async (created: number, finished: number | null, status = finished === null ? 'running' : 'succeeded') => {
      n++;
      await t.store.db.insertInto('jobs').values({ id: `j${n}`, recipe: 'r', recipe_version: 1, status, trigger: '{}', dedup_key: null, repeat_of: null, error: null,
        concurrency_key: null, run_at: created, locked_by: null, locked_until: null, claims: 1, timeout_at: null, created_at: created, started_at: created, finished_at: finished } as any).execute();
      return `j${n}`;
    };

    it('answers what a scan of finished_at answers: quick jobs, slow ones, one at the second boundary, one finished before it was created', async () => {
      const cases: Array<[number, number | null]> = [
        [T - 10 * 60_000, T + 5_000], // slow: created long before the window, finished in it
        [T - SHORT_RUN_MS, T], // quick at the boundary: exactly a second
        [T - SHORT_RUN_MS - 1, T], // slow by a millisecond
        [T - 400, T - 1], // quick, finished just before the window
        [T + 100, T + 100], // quick, in the window
        [T + 2_000, T + 1_990], // clock stepped back: finished "before" its creation
        [T - 5 * 60_000, null], // still running
        [T - 60 * 60_000, T - 59 * 60_000], // slow, long before
        [T + 3_000, T + 3_500], // quick
      ];
      for (const [c, f] of cases) await job(c, f);
      const all = await t.store.db.selectFrom('jobs').select(['id', 'finished_at']).execute();
      const expected = all.filter((r) => r.finished_at !== null && Number(r.finished_at) >= T)
        .sort((a, b) => Number(b.finished_at) - Number(a.finished_at)).map((r) => Number(r.finished_at));
      const { rows, sampled } = await finishedSince(t.store.db, T, 100);
      expect(rows.map((r) => Number(r.finished_at))).toEqual(expected);
      expect(expected).toHaveLength(6);
      expect(sampled).toBe(false);
      const few = await finishedSince(t.store.db, T, 2);
      expect(few.rows.map((r) => Number(r.finished_at))).toEqual(expected.slice(0, 2));
      expect(few.sampled).toBe(true);
      expect(await lastFinishedAt(t.store.db)).toBe(T + 5_000);
    });

    it('moves the last finish for every job that finishes now, quick or slow', async () => {
      const before = await lastFinishedAt(t.store.db);
      // A job created long after the others and still running: the quick window follows the newest creation.
      await job(T + 9_000_000, null);
      const quick = await job(T + 9_000_100, null);
      await t.store.db.updateTable('jobs').set({ status: 'succeeded', finished_at: T + 9_000_200 }).where('id', '=', quick).execute();
      const afterQuick = await lastFinishedAt(t.store.db);
      expect(afterQuick).toBe(T + 9_000_200);
      expect(afterQuick).toBeGreaterThan(before);
      const slow = await job(T + 8_000_000, null);
      await t.store.db.updateTable('jobs').set({ status: 'failed', finished_at: T + 9_000_300 }).where('id', '=', slow).execute();
      expect(await lastFinishedAt(t.store.db)).toBe(T + 9_000_300);
    });

    it('reads each part through its index', async () => {
      const db = t.store.db;
      const slowSql = `finished_at - created_at > ${SHORT_RUN_MS}`;
      const plan = async (where: string): Promise<string> => {
        if (dialect === 'sqlite') {
          const r = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT recipe FROM jobs WHERE ${sql.raw(where)}`.execute(db);
          return r.rows.map((x) => x.detail).join('; ');
        }
        // A few rows make a sequential scan cheaper; the question is whether the index can serve.
        await sql`SET enable_seqscan = off`.execute(db);
        const r = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT recipe FROM jobs WHERE ${sql.raw(where)}`.execute(db);
        await sql`SET enable_seqscan = on`.execute(db);
        return r.rows.map((x) => x['QUERY PLAN']).join('; ');
      };
      expect(await plan(`finished_at >= ${T} AND ${slowSql}`)).toMatch(/jobs_finished_slow/);
      expect(await plan(`created_at >= ${T - SHORT_RUN_MS} AND finished_at >= ${T} AND finished_at - created_at <= ${SHORT_RUN_MS}`)).toMatch(/jobs_created_at/);
      expect(await plan(`status = 'failed' AND status <> 'succeeded'`)).toMatch(/jobs_status_live/);
    });

    it('counts jobs by status and by filter as a scan of the table does, succeeded ones included', async () => {
      const statuses = ['succeeded', 'succeeded', 'failed', 'queued', 'succeeded', 'canceled', 'waiting', 'running', 'failed'];
      for (const [i, st] of statuses.entries()) {
        await t.store.db.insertInto('jobs').values({ id: `s${i}`, recipe: i % 2 ? 'odd' : 'even', recipe_version: 1, status: st, trigger: '{}', dedup_key: null, repeat_of: null, error: null,
          concurrency_key: null, run_at: T, locked_by: null, locked_until: null, claims: 1, timeout_at: null, created_at: T + i, started_at: T, finished_at: null } as any).execute();
      }
      const all = await t.store.db.selectFrom('jobs').select(['status', 'recipe', 'created_at']).execute();
      const byStatus: Record<string, number> = {};
      for (const r of all) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      expect(await statusCounts(t.store.db)).toEqual(byStatus);
      const filters = [
        { status: 'succeeded' }, { status: 'failed' }, { status: 'succeeded,failed' }, { status: STATUSES.join(',') },
        { status: 'succeeded', recipe: 'odd' }, { status: 'queued,running', recipe: 'even' }, { recipe: 'odd' }, {},
        { status: 'succeeded', from: new Date(T + 4).toISOString() },
      ];
      for (const q of filters) {
        const want = new Set(q.status ? q.status.split(',') : STATUSES);
        const from = q.from ? Date.parse(q.from) : -Infinity;
        const expected = all.filter((r) => want.has(r.status as never) && (!q.recipe || r.recipe === q.recipe) && Number(r.created_at) >= from).length;
        expect([q, await countMatches(t.store, parseFilter(q))]).toEqual([q, expected]);
      }
    });
  });
}
