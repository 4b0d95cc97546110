import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../../test/dialects.js';
import { testRuntime, type TestRuntime } from '../../test/runtime-helpers.js';
import { Scheduler, dueTimes, runsFor } from './schedule.js';

describe('schedule times', () => {
  it('follows the time zone, including across a DST change', () => {
    // 09:00 in Amsterdam is 08:00 UTC in winter and 07:00 UTC in summer (DST starts 2026-03-29).
    const due = dueTimes({ type: 'schedule', cron: '0 9 * * *', timezone: 'Europe/Amsterdam' }, Date.parse('2026-03-27T12:00:00Z'), Date.parse('2026-03-30T12:00:00Z'));
    expect(due.map((d) => new Date(d).toISOString())).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
  });

  it('skips missed runs, or catches them up once', () => {
    const now = Date.parse('2026-01-01T10:00:30Z');
    const due = dueTimes({ type: 'schedule', cron: '0 * * * *' }, Date.parse('2026-01-01T05:30:00Z'), now);
    expect(due).toHaveLength(5);
    expect(runsFor({ type: 'schedule', cron: '0 * * * *', missed: 'skip' }, due, now)).toEqual([{ at: Date.parse('2026-01-01T10:00:00Z'), missed: 0 }]);
    const caught = runsFor({ type: 'schedule', cron: '0 * * * *', missed: 'catch_up' }, due, now);
    expect(caught).toEqual([{ at: Date.parse('2026-01-01T09:00:00Z'), missed: 4 }, { at: Date.parse('2026-01-01T10:00:00Z'), missed: 0 }]);
  });
});

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`scheduler on ${dialect}`, () => {
    let t: TestRuntime;
    beforeAll(async () => { t = await testRuntime(dialect, {}, false); });
    afterAll(async () => { await t?.close(); });

    it('makes exactly one job per due run, with several schedulers ticking', async () => {
      let now = Date.parse('2026-01-01T00:00:30Z');
      await t.rt.recipes.apply({ name: 'every-minute', trigger: { type: 'schedule', cron: '* * * * *', missed: 'skip' }, steps: [{ id: 's', action: 'transform', with: { at: '{{ trigger.scheduled_at }}' } }] });
      await t.rt.store.db.updateTable('schedules').set({ last_fire_at: now }).execute();
      const ticks = Array.from({ length: 3 }, () => new Scheduler(t.rt.store, t.rt.queue, t.rt.recipes, { now: () => now }));
      for (let minute = 0; minute < 5; minute++) {
        now += 60_000;
        await Promise.all(ticks.map((s) => s.tick()));
        await Promise.all(ticks.map((s) => s.tick()));
      }
      const jobs = await t.rt.store.db.selectFrom('jobs').select(['dedup_key', 'trigger']).where('recipe', '=', 'every-minute').orderBy('number').execute();
      expect(jobs.map((j) => j.dedup_key)).toEqual([1, 2, 3, 4, 5].map((m) => `schedule:2026-01-01T00:0${m}:00.000Z`));
      expect(JSON.parse(jobs[0]!.trigger)).toMatchObject({ scheduled_at: '2026-01-01T00:01:00.000Z' });
    });

    it('titles each run from its trigger when the recipe has a title', async () => {
      const now = Date.parse('2026-03-01T00:00:30Z');
      await t.rt.recipes.apply({ name: 'titled-run', title: 'Run of {{ trigger.scheduled_at }}', trigger: { type: 'schedule', cron: '* * * * *' }, steps: [{ id: 's', action: 'transform', with: {} }] });
      await t.rt.store.db.updateTable('schedules').set({ last_fire_at: now }).where('recipe', '=', 'titled-run').execute();
      await new Scheduler(t.rt.store, t.rt.queue, t.rt.recipes, { now: () => now + 60_000 }).tick();
      const jobs = await t.rt.store.db.selectFrom('jobs').select('title').where('recipe', '=', 'titled-run').execute();
      expect(jobs).toEqual([{ title: 'Run of 2026-03-01T00:01:00.000Z' }]);
    });

    it('after a stop, catch_up makes one job for the missed runs and skip makes none', async () => {
      const start = Date.parse('2026-02-01T00:00:00Z');
      for (const missed of ['skip', 'catch_up'] as const) {
        await t.rt.recipes.apply({ name: `hourly-${missed.replace('_', '-')}`, trigger: { type: 'schedule', cron: '30 * * * *', missed }, steps: [{ id: 's', action: 'transform', with: {} }] });
      }
      await t.rt.store.db.updateTable('schedules').set({ last_fire_at: start }).where('recipe', 'like', 'hourly-%').execute();
      // Down for five hours; back up at 05:10, when no run is on time.
      const s = new Scheduler(t.rt.store, t.rt.queue, t.rt.recipes, { now: () => start + 5 * 3_600_000 + 600_000 });
      await s.tick();
      const count = async (r: string) => (await t.rt.store.db.selectFrom('jobs').select('trigger').where('recipe', '=', r).execute()).map((j) => JSON.parse(j.trigger));
      expect(await count('hourly-skip')).toHaveLength(0);
      const caught = await count('hourly-catch-up');
      expect(caught).toHaveLength(1);
      expect(caught[0]).toMatchObject({ scheduled_at: '2026-02-01T04:30:00.000Z', missed_runs: 5 });
      await s.tick();
      expect(await count('hourly-catch-up')).toHaveLength(1);
    });
  });
}
