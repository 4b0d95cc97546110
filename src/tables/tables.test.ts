/**
 * The table actions in jobs, on both dialects: lookups with a default and by column values,
 * many parallel upserts to the same and to different keys (no lost row, no lost column, no
 * duplicate-key error reaching a step), a retried write applied once, and a table deleted after
 * the recipe was saved failing the step with a code that names it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../../test/dialects.js';
import { testRuntime, waitJob, type TestRuntime } from '../../test/runtime-helpers.js';
import { TABLE_ACTIONS } from './actions.js';
import type { ActionContext } from '../engine/actions.js';

const action = (name: string) => TABLE_ACTIONS.find((a) => a.name === name)!;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`table actions on ${dialect}`, () => {
    let t: TestRuntime;
    beforeAll(async () => { t = await testRuntime(dialect, { HOOKFLOW_WORKER_CONCURRENCY: '16' }); });
    afterAll(async () => { await t?.close(); });

    const run = async (recipe: string, body: unknown) => {
      const s = await t.rt.recipes.summary(recipe);
      const r = await t.rt.queue.enqueue({ recipe, recipe_version: s.version, trigger: { body } });
      t.rt.worker?.notify();
      return r.id;
    };
    const ctx = (key: string): ActionContext => ({
      job: { id: 'j', number: 1, recipe: 'r', recipe_version: 1 }, step: { id: 's', action: 'table.upsert' }, attempt: 1,
      idempotencyKey: key, signal: new AbortController().signal, store: t.rt.store, now: Date.now,
    } as unknown as ActionContext);

    it('maps a 4me team to a Slack channel, with a default and by column values', async () => {
      await t.rt.tables.create({ name: 'team-channels', key: 'team', columns: [{ name: 'team', type: 'number' }, { name: 'channel' }, { name: 'urgent', type: 'boolean' }] });
      await t.rt.tables.putRow('team-channels', 12, { channel: '#service-desk', urgent: false });
      await t.rt.tables.putRow('team-channels', 13, { channel: '#network', urgent: true });
      await t.rt.tables.putRow('team-channels', 14, { channel: '#storage', urgent: true });
      await t.rt.recipes.apply({
        name: 'route-team', trigger: { type: 'webhook' },
        steps: [
          { id: 'lookup', action: 'table.get', with: { table: 'team-channels', key: '{{ trigger.body.team.id }}', default: { channel: '#triage' } } },
          { id: 'urgent', action: 'table.find', with: { table: 'team-channels', where: { urgent: true } } },
          { id: 'say', action: 'transform', with: { to: '{{ steps.lookup.row.channel }}', found: '{{ steps.lookup.found }}', urgent: '{{ steps.urgent.rows.channel }}' } },
        ],
      });
      const hit = await waitJob(t.rt, await run('route-team', { team: { id: 13 } }));
      expect(hit.status, JSON.stringify(hit.error)).toBe('succeeded');
      expect(hit.steps!.at(-1)!.output).toEqual({ to: '#network', found: true, urgent: ['#network', '#storage'] });
      const miss = await waitJob(t.rt, await run('route-team', { team: { id: 99 } }));
      expect(miss.steps!.at(-1)!.output).toMatchObject({ to: '#triage', found: false });
    });

    it('keeps every row and every column under many parallel upserts to the same and different keys', async () => {
      const cols = Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, type: 'number' as const }));
      await t.rt.tables.create({ name: 'counters', columns: [{ name: 'k' }, ...cols] });
      const upsert = action('table.upsert');
      const get = action('table.get');
      const writes: Array<Promise<unknown>> = [];
      // 20 merges into one row, each setting its own column: a lost update would lose a column.
      for (let i = 0; i < 20; i++) writes.push(upsert.run({ table: 'counters', key: 'shared', values: { [`c${i}`]: i } }, ctx(`same:${i}`)));
      // 60 new rows at once, three writers per key.
      for (let i = 0; i < 60; i++) writes.push(upsert.run({ table: 'counters', key: `k${i % 20}`, values: { [`c${Math.floor(i / 20)}`]: i } }, ctx(`diff:${i}`)));
      const reads = Array.from({ length: 20 }, () => get.run({ table: 'counters', key: 'shared' }, ctx('read')));
      const results = await Promise.allSettled([...writes, ...reads]);
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      const shared = await t.rt.tables.row('counters', 'shared');
      for (let i = 0; i < 20; i++) expect(shared[`c${i}`]).toBe(i);
      const created = (results.slice(0, 80) as Array<PromiseFulfilledResult<{ created: boolean }>>).filter((r) => r.value.created).length;
      expect(created).toBe(21); // one creation per key, whoever came first
      const page = await t.rt.tables.rows('counters', { limit: 1000 });
      expect(page.items).toHaveLength(21);
      for (let k = 0; k < 20; k++) {
        const row = page.items.find((r) => r.k === `k${k}`)!;
        expect([row.c0, row.c1, row.c2]).toEqual([k, k + 20, k + 40]);
      }
      for (const r of results.slice(80) as Array<PromiseFulfilledResult<{ found: boolean; row: Record<string, unknown> | null }>>) {
        if (r.value.found) expect(r.value.row!.k).toBe('shared');
      }
    });

    it('runs parallel jobs upserting one key without a failed step', async () => {
      await t.rt.tables.create({ name: 'seen', columns: [{ name: 'id' }, { name: 'last', type: 'number' }] });
      await t.rt.recipes.apply({ name: 'touch', trigger: { type: 'webhook' }, steps: [
        { id: 'mark', action: 'table.upsert', with: { table: 'seen', key: '{{ trigger.body.id }}', values: { last: '{{ trigger.body.n }}' } } },
      ] });
      const ids = await Promise.all(Array.from({ length: 40 }, (_, n) => run('touch', { id: `t${n % 4}`, n })));
      const jobs = await Promise.all(ids.map((id) => waitJob(t.rt, id, 60_000)));
      expect(jobs.filter((j) => j.status !== 'succeeded').map((j) => j.error)).toEqual([]);
      expect((await t.rt.tables.rows('seen')).items.map((r) => r.id)).toEqual(['t0', 't1', 't2', 't3']);
    });

    it('applies a retried write once: the same idempotency key answers the first result and writes nothing', async () => {
      await t.rt.tables.create({ name: 'once', columns: [{ name: 'id' }, { name: 'v', type: 'number' }] });
      const upsert = action('table.upsert');
      const del = action('table.delete');
      const first = await upsert.run({ table: 'once', key: 'a', values: { v: 1 } }, ctx('job1:step:1'));
      expect(first).toEqual({ row: { id: 'a', v: 1 }, created: true });
      await t.rt.tables.putRow('once', 'a', { v: 2 }); // someone else writes meanwhile
      expect(await upsert.run({ table: 'once', key: 'a', values: { v: 1 } }, ctx('job1:step:1'))).toEqual(first);
      expect((await t.rt.tables.row('once', 'a')).v).toBe(2);
      // A delete retried after the row was created again does not delete the new row.
      expect(await del.run({ table: 'once', key: 'a' }, ctx('job2:del:1'))).toEqual({ deleted: true });
      await t.rt.tables.putRow('once', 'a', { v: 3 });
      expect(await del.run({ table: 'once', key: 'a' }, ctx('job2:del:1'))).toEqual({ deleted: true });
      expect((await t.rt.tables.row('once', 'a')).v).toBe(3);
      // A new attempt group is a new write.
      expect(await del.run({ table: 'once', key: 'a' }, ctx('job2:del:2'))).toEqual({ deleted: true });
      expect(await del.run({ table: 'once', key: 'a' }, ctx('job2:del:3'))).toEqual({ deleted: false });
      // Two runs of one attempt at once (a worker that lost its lease): one write, one answer.
      const same = await Promise.all(Array.from({ length: 10 }, (_, i) => upsert.run({ table: 'once', key: 'b', values: { v: i } }, ctx('job3:up:1'))));
      expect(new Set(same.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(await t.rt.tables.row('once', 'b')).toEqual((same[0] as { row: unknown }).row);
    });

    it('fails a step whose table was deleted after the recipe was saved, naming the table', async () => {
      await t.rt.tables.create({ name: 'doomed', columns: [{ name: 'id' }] });
      await t.rt.recipes.apply({ name: 'uses-doomed', trigger: { type: 'webhook' }, steps: [
        { id: 'write', action: 'table.upsert', with: { table: 'doomed', key: 'x', values: {} }, retry: { attempts: 3, backoff: 'fixed', delay_ms: 10 } },
      ] });
      await t.rt.tables.delete('doomed');
      const job = await waitJob(t.rt, await run('uses-doomed', {}));
      expect(job.status).toBe('failed');
      expect(job.error).toMatchObject({ code: 'HF_ERR_TABLE_NOT_FOUND', message: 'Table doomed does not exist', step: 'write' });
      expect(job.steps![0]!.attempts).toBe(1); // not retried: waiting will not bring the table back
    });
  });
}
