import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { DIALECTS, dialectAvailable, openTestStore, type TestStore } from '../../test/dialects.js';
import { JobQueue, RawJson, type LocalRunner } from './index.js';
import type { JobRow } from './types.js';
import { unpackSteps } from './inline-steps.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`queue on ${dialect}`, () => {
    let t: TestStore;
    let q: JobQueue;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      q = new JobQueue(t.store);
    });
    afterEach(async () => { await t.cleanup(); });
    /** A subscription to job events (enabled unless `disabled`): the final event of a job run before its insert is then written with it. */
    const subscribe = (id = 'w-jobs', disabled = 0) => t.store.db.insertInto('webhooks').values({
      id, event: 'job.*', uri: 'http://127.0.0.1:1/x', uri_sealed: null, description: null, recipe: null, disabled, disabled_reason: null,
      private_network: 1, mail_exceptions_to: '[]', max_concurrency: null, rate_limit: null, secrets: '[]', created_at: 1, updated_at: 1,
    } as any).execute();

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

    it('inbound keys: checked and recorded by the insert, a replay by any key is the first job, also in one batch and after pruning', async () => {
      const keysOf = async () => (await t.store.db.selectFrom('inbound_dedup').select(['key', 'job_id']).orderBy('key').execute());
      const first = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { i: 1 }, dedup_keys: ['jti:1', 'delivery:1'] });
      expect(first.duplicate).toBe(false);
      expect(await keysOf()).toEqual([{ key: 'delivery:1', job_id: first.id }, { key: 'jti:1', job_id: first.id }]);
      const job = await t.store.db.selectFrom('jobs').select(['dedup_key', 'number']).where('id', '=', first.id).executeTakeFirstOrThrow();
      expect(job.dedup_key).toBe('jti:1');
      // A replay by its second key only, and two copies of a new delivery in one batch.
      const [replay, a, b] = await Promise.all([
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { i: 2 }, dedup_keys: ['delivery:1'] }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { i: 3 }, dedup_keys: ['jti:2'] }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { i: 4 }, dedup_keys: ['jti:2'] }),
      ]);
      expect(replay).toMatchObject({ id: first.id, number: Number(job.number), duplicate: true });
      expect([a.duplicate, b.duplicate]).toEqual([false, true]);
      expect(b.id).toBe(a.id);
      // The same key under another recipe is another delivery.
      expect((await q.enqueue({ recipe: 'other', recipe_version: 1, trigger: {}, dedup_keys: ['jti:1'] })).duplicate).toBe(false);
      // Pruned by job retention, the first job is still what its keys answer.
      await t.store.db.deleteFrom('jobs').where('id', '=', first.id).execute();
      expect(await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {}, dedup_keys: ['jti:1'] })).toEqual({ id: first.id, number: 0, duplicate: true });
      const jobs = await t.store.db.selectFrom('jobs').select('id').where('recipe', '=', 'r').execute();
      expect(jobs.map((j) => j.id)).toEqual([a.id]);
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

    it('one settle batch: per job true or false, and only held jobs get their steps and outbox events', async () => {
      const ids = await Promise.all([0, 1, 2].map(async (i) => (await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { i } })).id));
      const t0 = Date.now();
      const jobs = await q.sql.claim('w1', 3, t0, 10_000);
      const lease = (id: string) => jobs.find((j) => j.id === id)!.locked_by!;
      const step = (id: string, output: string) => ({ job_id: id, step_id: 's', seq: 0, status: 'succeeded' as const, attempts: 1, input: null, output, error: null, idempotency_key: `${id}:s:1`, started_at: 1, finished_at: 2 });
      const event = (id: string) => ({ type: 'job.succeeded', recipe: 'r', payload: JSON.stringify({ id }), created_at: t0 });
      const out = await t.store.queue.settle([
        // The same step twice in one batch: the last row wins.
        { jobId: ids[0]!, workerId: lease(ids[0]!), status: 'succeeded', error: null, at: t0 + 1, steps: [step(ids[0]!, '"first"'), step(ids[0]!, '"last"')], events: [event(ids[0]!)] },
        { jobId: ids[1]!, workerId: 'w9:1', status: 'succeeded', error: null, at: t0 + 1, steps: [step(ids[1]!, '1')], events: [event(ids[1]!)] },
        { jobId: ids[2]!, workerId: lease(ids[2]!), status: 'queued', error: null, runAt: t0 + 60_000, at: t0 + 1, steps: [step(ids[2]!, '2')] },
      ]);
      expect(out).toEqual([true, false, true]);
      const rows = await t.store.db.selectFrom('jobs').select(['id', 'status', 'finished_at', 'run_at', 'locked_by']).where('id', 'in', ids).execute();
      const by = new Map(rows.map((r) => [r.id, r]));
      expect(by.get(ids[0]!)).toMatchObject({ status: 'succeeded', finished_at: t0 + 1, locked_by: null });
      expect(by.get(ids[1]!)).toMatchObject({ status: 'running', finished_at: null });
      expect(by.get(ids[2]!)).toMatchObject({ status: 'queued', finished_at: null, run_at: t0 + 60_000, locked_by: null });
      const steps = await t.store.db.selectFrom('job_steps').select(['job_id', 'output']).execute();
      expect(steps.sort((a, b) => (a.job_id < b.job_id ? -1 : 1))).toEqual([{ job_id: ids[0]!, output: '"last"' }, { job_id: ids[2]!, output: '2' }]);
      const events = await t.store.db.selectFrom('outbox').select('payload').execute();
      expect(events.map((e) => JSON.parse(e.payload).id)).toEqual([ids[0]]);
    });

    it('a settled job\'s event is written already dispatched while no subscription is enabled, pending once one is', async () => {
      const t0 = Date.now();
      const settleOne = async (i: number) => {
        const { id } = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { i } });
        const [job] = await q.sql.claim('w1', 1, Date.now(), 10_000);
        expect(job?.id).toBe(id);
        const ok = await q.settle({ jobId: id, workerId: job!.locked_by!, status: 'succeeded', error: null, at: t0 + i, steps: [],
          events: [{ type: 'job.succeeded', recipe: 'r', payload: JSON.stringify({ id }), created_at: t0 + i }] });
        expect(ok).toBe(true);
        return id;
      };
      const dispatchedAt = async (id: string) => {
        const rows = await t.store.db.selectFrom('outbox').select(['payload', 'dispatched_at']).execute();
        const row = rows.find((r) => JSON.parse(r.payload).id === id)!;
        return row.dispatched_at === null ? null : Number(row.dispatched_at);
      };
      const none = await settleOne(1);
      await subscribe('w-off', 1);
      const onlyDisabled = await settleOne(2);
      await subscribe('w-on');
      const enabled = await settleOne(3);
      // Kept for replay either way, but only the event a subscription exists for waits for the dispatcher.
      expect([await dispatchedAt(none), await dispatchedAt(onlyDisabled), await dispatchedAt(enabled)]).toEqual([t0 + 1, t0 + 2, null]);
    });

    it('one batch is numbered in enqueue order; text with quotes, backslashes, newlines and a lone surrogate is kept', async () => {
      const odd = 'q"uote \\back\nline \u2028 \ud800 end';
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { i, odd }, title: i === 3 ? odd : null, dedup_key: i === 5 ? odd : null })));
      const numbers = results.map((r) => r.number);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      const rows = await t.store.db.selectFrom('jobs').select(['id', 'trigger', 'title', 'dedup_key']).orderBy('number').execute();
      expect(rows.map((r) => JSON.parse(r.trigger).i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      // The trigger is JSON text (the surrogate is an escape in it); the title and key are text, where
      // it becomes U+FFFD (once on PostgreSQL, once per UTF-8 byte of its WTF-8 form on SQLite).
      const replaced = /^q"uote \\back\nline \u2028 \ufffd+ end$/;
      expect(JSON.parse(rows[0]!.trigger).odd).toBe(odd);
      expect(rows[3]!.title).toMatch(replaced);
      expect(rows[5]!.dedup_key).toMatch(replaced);
      const [job] = await q.sql.claim('w1', 1, Date.now(), 10_000);
      const out = await t.store.queue.settle([{ jobId: job!.id, workerId: job!.locked_by!, status: 'failed', error: odd, at: Date.now(), steps: [{ job_id: job!.id, step_id: 's', seq: 0, status: 'failed', attempts: 1, input: JSON.stringify({ odd }), output: null, error: odd, idempotency_key: `${job!.id}:s:1`, started_at: 1, finished_at: 2 }] }]);
      expect(out).toEqual([true]);
      const done = await t.store.db.selectFrom('jobs').select(['status', 'error']).where('id', '=', job!.id).executeTakeFirstOrThrow();
      expect(done).toMatchObject({ status: 'failed', error: expect.stringMatching(replaced) });
      const st = await t.store.db.selectFrom('job_steps').select(['input', 'error']).where('job_id', '=', job!.id).executeTakeFirstOrThrow();
      expect(JSON.parse(st.input!).odd).toBe(odd);
      expect(st.error).toMatch(replaced);
    });

    it('a stale run and the current run of one job in the same settle batch: only the current run writes', async () => {
      const { id } = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {} });
      const t0 = Date.now();
      const [stale] = await q.sql.claim('w1', 1, t0, 1000);
      await q.sql.reap(t0 + 1500);
      const [cur] = await q.sql.claim('w1', 1, t0 + 1600, 1000);
      const step = (output: string) => ({ job_id: id, step_id: 's', seq: 0, status: 'succeeded' as const, attempts: 1, input: null, output, error: null, idempotency_key: `${id}:s:1`, started_at: 1, finished_at: 2 });
      const event = (run: string) => ({ type: 'job.succeeded', recipe: 'r', payload: JSON.stringify({ run }), created_at: t0 });
      const out = await t.store.queue.settle([
        { jobId: id, workerId: cur!.locked_by!, status: 'succeeded', error: null, at: t0 + 2000, steps: [step('"current"')], events: [event('current')] },
        { jobId: id, workerId: stale!.locked_by!, status: 'failed', error: '{}', at: t0 + 2000, steps: [step('"stale"')], events: [event('stale')] },
      ]);
      expect(out).toEqual([true, false]);
      expect(await t.store.db.selectFrom('jobs').select(['status', 'error']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ status: 'succeeded', error: null });
      expect(await t.store.db.selectFrom('job_steps').select('output').execute()).toEqual([{ output: '"current"' }]);
      expect((await t.store.db.selectFrom('outbox').select('payload').execute()).map((e) => JSON.parse(e.payload).run)).toEqual(['current']);
    });

    it('hand-off: jobs a local worker reserves are inserted claimed with its lease; the rest stay queued', async () => {
      const first = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {}, dedup_key: 'd' });
      const adopted: Array<{ rows: JobRow[]; unused: number }> = [];
      const offered: number[] = [];
      let slots = 2;
      const local: LocalRunner = {
        workerId: 'w1', leaseMs: 10_000,
        reserve(n) { offered.push(n); const k = Math.min(n, slots); slots -= k; return k; },
        adopt(rows, unused) { adopted.push({ rows, unused }); },
      };
      q.local = local;
      const t0 = Date.now();
      // One batch: a duplicate (reserved, not inserted), a due job, a limited one and a later one
      // (neither offered), and a due job beyond the two slots.
      const res = await Promise.all([
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 1 }, dedup_key: 'd' }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 2 } }),
        q.enqueue({ recipe: 'lim', recipe_version: 1, trigger: {}, concurrency_key: 'lim' }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {}, run_at: t0 + 60_000 }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 3 } }),
      ]);
      expect(offered).toEqual([3]);
      expect(res.map((r) => r.duplicate)).toEqual([true, false, false, false, false]);
      expect(res.map((r) => r.local ?? false)).toEqual([false, true, false, false, false]);
      expect(res[0]!.id).toBe(first.id);
      expect(adopted).toHaveLength(1);
      expect(adopted[0]!.unused).toBe(1);
      const [row] = adopted[0]!.rows;
      // The row handed over is the committed row, as a claim would have answered it.
      const stored = await t.store.db.selectFrom('jobs').selectAll().where('id', '=', res[1]!.id).executeTakeFirstOrThrow();
      // (and the trigger's live value, undefined here, which only this process holds)
      expect(Object.keys(row!).filter((k) => k !== 'trigger_value').sort()).toEqual(Object.keys(stored).sort());
      expect(row!.trigger_value).toBeUndefined();
      expect({ ...stored, number: Number(stored.number), run_at: Number(stored.run_at), locked_until: Number(stored.locked_until),
        created_at: Number(stored.created_at), started_at: Number(stored.started_at) }).toEqual(row);
      expect(row).toMatchObject({ status: 'running', locked_by: 'w1:1', claims: 1, crashes: 0, trigger: '{"a":2}' });
      // A claim does not take it again, the lease fences it like any claim, and it is reaped when the lease runs out.
      // Now, not t0: on a slow machine the last job's run_at (its enqueue time) was past t0 + 1 ms.
      const claimed = await q.sql.claim('w2', 10, Date.now(), 1000);
      expect(claimed.map((j) => j.id).sort()).toEqual([first.id, res[4]!.id].sort());
      expect(await q.sql.saveSteps(row!.id, 'w1:2', [])).toBe(false);
      expect(await q.sql.saveSteps(row!.id, 'w1:1', [])).toBe(true);
      expect(await q.sql.reap(row!.locked_until! + 1)).toBe(3);
      const again = (await q.sql.claim('w2', 3, row!.locked_until! + 2, 10_000)).find((j) => j.id === row!.id);
      expect(again).toMatchObject({ id: row!.id, claims: 2, crashes: 1, locked_by: 'w2:2' });
    });

    /** A local runner with `slots.n` run slots that collects the rows handed to it. */
    const runner = (slots: { n: number }, adopted: JobRow[], extra: Partial<LocalRunner> = {}): LocalRunner => ({
      workerId: 'w1', leaseMs: 10_000,
      reserve(n) { const k = Math.min(n, slots.n); slots.n -= k; return k; },
      adopt(rows) { adopted.push(...rows); },
      ...extra,
    });

    it('hand-off: a job given its trigger live starts from that value; without one, and when queued, from the text', async () => {
      const adopted: JobRow[] = [];
      const slots = { n: 1 };
      q.local = runner(slots, adopted);
      const live = { body: { n: 1 }, headers: { a: 'b' } };
      const [handed, queued] = await Promise.all([
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: new RawJson(JSON.stringify(live), live) }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: new RawJson(JSON.stringify(live), live) }),
      ]);
      expect([handed.local, queued.local ?? false]).toEqual([true, false]);
      expect(adopted).toHaveLength(1);
      expect(adopted[0]!.trigger_value).toBe(live);
      expect(JSON.parse(adopted[0]!.trigger)).toEqual(live);
      // What a claim reads back has only the text, and nothing of the live value reached the row.
      const [claimed] = await q.sql.claim('w2', 1, Date.now(), 10_000);
      expect(claimed).toMatchObject({ id: queued.id, trigger: JSON.stringify(live) });
      expect('trigger_value' in claimed!).toBe(false);
      slots.n = 1;
      await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: new RawJson('{"x":1}') });
      expect(adopted).toHaveLength(2);
      expect(adopted[1]!.trigger_value).toBeUndefined();
    });

    it('a job run before its insert commits finished with its steps and events, numbered by the insert; a duplicate drops the run', async () => {
      await subscribe();
      const first = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {}, dedup_key: 'd' });
      const adopted: Array<{ rows: JobRow[]; unused: number; finished: string[] }> = [];
      const ran: JobRow[] = [];
      let slots = 4;
      q.local = {
        workerId: 'w1', leaseMs: 10_000,
        reserve(n) { const k = Math.min(n, slots); slots -= k; return k; },
        adopt(rows, unused, finished = []) { adopted.push({ rows, unused, finished: finished.map((f) => f.job.id) }); },
        async runInline(job) {
          ran.push(job);
          const at = job.created_at + 5;
          if ((JSON.parse(job.trigger) as { later?: boolean }).later) return null;
          return {
            jobId: job.id, workerId: job.locked_by!, status: 'succeeded', error: null, at, result: '{"ok":true}',
            steps: [{ job_id: job.id, step_id: 's1', seq: 0, status: 'succeeded', attempts: 1, input: '{}', output: '{"x":1}', error: null, idempotency_key: `${job.id}:s1:1`, started_at: at, finished_at: at }],
            eventsFor: (number) => [{ type: 'job.succeeded', recipe: job.recipe, created_at: at, payload: JSON.stringify({ id: job.id, number }) }],
          };
        },
      };
      const res = await Promise.all([
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 1 }, dedup_key: 'd' }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 2 } }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { later: true } }),
        // With an inbound key: the keyed insert (PostgreSQL: its own statement) writes it finished too.
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 3 }, dedup_keys: ['delivery:9'] }),
      ]);
      expect(res.map((r) => r.duplicate)).toEqual([true, false, false, false]);
      expect(res[0]!.id).toBe(first.id);
      const rows = await t.store.db.selectFrom('jobs').selectAll().where('id', 'in', [res[1]!.id, res[2]!.id]).orderBy('number').execute();
      // The run saw the job as the insert will write it, numbered 0 until then.
      expect(ran.map((j) => j.number)).toEqual([0, 0, 0, 0]);
      expect(res.map((r) => r.local ?? false)).toEqual([false, true, true, true]);
      const [done, later] = rows;
      expect({ ...done, claims: Number(done!.claims) }).toMatchObject({ id: res[1]!.id, status: 'succeeded', claims: 1, locked_by: null, locked_until: null, error: null, result: '{"ok":true}' });
      expect(Number(done!.started_at)).toBe(Number(done!.created_at));
      expect(Number(done!.finished_at)).toBe(Number(done!.created_at) + 5);
      expect(Number(done!.number)).toBe(res[1]!.number);
      // A run that did not end (null) is inserted claimed and handed over as before.
      expect(later).toMatchObject({ id: res[2]!.id, status: 'running', locked_by: 'w1:1', finished_at: null });
      // The three that ran (the duplicate among them) gave their slots back before the insert; the
      // commit then hands over the one that did not end, and reports the two written finished.
      expect(adopted).toEqual([
        { rows: [], unused: 3, finished: [] },
        { rows: [expect.objectContaining({ id: res[2]!.id, number: res[2]!.number })], unused: 0, finished: [res[1]!.id, res[3]!.id] },
      ]);
      // Steps as rows (PostgreSQL), or small ones in the job's row (SQLite: queue/inline-steps.ts); never both.
      const stepRows = await t.store.db.selectFrom('job_steps').select(['job_id', 'step_id', 'output']).orderBy('job_id').execute();
      const inRows = (await t.store.db.selectFrom('jobs').select(['id', 'steps']).where('steps', 'is not', null).orderBy('id').execute())
        .flatMap((j) => unpackSteps(j.id, j.steps!).map((x) => ({ job_id: x.job_id, step_id: x.step_id, output: x.output })));
      const want = [res[1]!, res[3]!].map((r) => ({ job_id: r.id, step_id: 's1', output: '{"x":1}' })).sort((a, b) => (a.job_id < b.job_id ? -1 : 1));
      expect([stepRows, inRows]).toEqual(dialect === 'sqlite' ? [[], want] : [want, []]);
      const events = await t.store.db.selectFrom('outbox').select(['type', 'payload']).orderBy('id').execute();
      expect(events).toEqual([res[1]!, res[3]!].map((r) => ({ type: 'job.succeeded', payload: JSON.stringify({ id: r.id, number: r.number }) })));
      expect(await t.store.db.selectFrom('inbound_dedup').select(['key', 'job_id']).execute()).toEqual([{ key: 'delivery:9', job_id: res[3]!.id }]);
      expect((await t.store.db.selectFrom('jobs').select('status').where('id', '=', res[3]!.id).executeTakeFirstOrThrow()).status).toBe('succeeded');
      // Nothing of the run reached the duplicate: the first job is as it was.
      expect(await t.store.db.selectFrom('jobs').select(['status', 'claims']).where('id', '=', first.id).executeTakeFirstOrThrow()).toEqual({ status: 'queued', claims: 0 });
      // The finished job is no claim's business.
      expect((await q.sql.claim('w2', 10, Date.now(), 1000)).map((j) => j.id)).toEqual([first.id]);
    });

    it('a finished job whose event does not carry its number: PostgreSQL inserts it claimed to run after the commit, SQLite finished', async () => {
      const adopted: JobRow[] = [];
      q.local = runner({ n: 1 }, adopted, {
        runInline: async (job) => ({
          jobId: job.id, workerId: job.locked_by!, status: 'succeeded', error: null, at: job.created_at, steps: [],
          eventsFor: () => [{ type: 'job.succeeded', recipe: job.recipe, created_at: job.created_at, payload: '{"no":"number"}' }],
        }),
      });
      await subscribe();
      const r = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {} });
      const row = await t.store.db.selectFrom('jobs').select(['status', 'locked_by']).where('id', '=', r.id).executeTakeFirstOrThrow();
      const events = await t.store.db.selectFrom('outbox').select('payload').execute();
      if (dialect === 'postgres') {
        expect(row).toEqual({ status: 'running', locked_by: 'w1:1' });
        expect(adopted.map((j) => j.id)).toEqual([r.id]);
        expect(events).toEqual([]);
      } else {
        expect(row).toEqual({ status: 'succeeded', locked_by: null });
        expect(events).toEqual([{ payload: '{"no":"number"}' }]);
      }
    });

    it('the final event of a job run before its insert: written (undispatched) while a subscription is enabled; without one, SQLite marks the job instead', async () => {
      q.local = runner({ n: 4 }, [], {
        runInline: async (job) => ({
          jobId: job.id, workerId: job.locked_by!, status: 'succeeded', error: null, at: job.created_at + 1, steps: [],
          eventsFor: (number) => [{ type: 'job.succeeded', recipe: job.recipe, created_at: job.created_at + 1, payload: JSON.stringify({ id: job.id, number }) }],
        }),
      });
      const alone = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { n: 1 } });
      await subscribe();
      const watched = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { n: 2 } });
      const events = await t.store.db.selectFrom('outbox').select(['payload', 'dispatched_at']).orderBy('id').execute();
      const marks = await t.store.db.selectFrom('jobs').select(['id', 'status', 'event_deferred']).orderBy('number').execute();
      const watchedEvent = { payload: JSON.stringify({ id: watched.id, number: watched.number }), dispatched_at: null };
      if (dialect === 'sqlite') {
        expect(events).toEqual([watchedEvent]);
        expect(marks).toEqual([{ id: alone.id, status: 'succeeded', event_deferred: 1 }, { id: watched.id, status: 'succeeded', event_deferred: null }]);
      } else {
        expect(events).toEqual([expect.objectContaining({ payload: JSON.stringify({ id: alone.id, number: alone.number }) }), watchedEvent]);
        expect(marks.map((m) => m.event_deferred)).toEqual([null, null]);
      }
    });

    it('with no run slot to give (jobs queued before, Worker.reserve refuses) a job of transforms still runs before its insert; one that does not end is queued, not claimed', async () => {
      const adopted: Array<{ rows: string[]; unused: number; finished: string[] }> = [];
      q.local = {
        workerId: 'w1', leaseMs: 10_000,
        reserve: () => 0,
        adopt(rows, unused, finished = []) { adopted.push({ rows: rows.map((j) => j.id), unused, finished: finished.map((f) => f.job.id) }); },
        async runInline(job) {
          if ((JSON.parse(job.trigger) as { later?: boolean }).later) return null;
          return {
            jobId: job.id, workerId: job.locked_by!, status: 'succeeded', error: null, at: job.created_at + 1,
            steps: [{ job_id: job.id, step_id: 's1', seq: 0, status: 'succeeded', attempts: 1, input: '{}', output: '{}', error: null, idempotency_key: `${job.id}:s1:1`, started_at: job.created_at, finished_at: job.created_at }],
            eventsFor: (number) => [{ type: 'job.succeeded', recipe: job.recipe, created_at: job.created_at, payload: JSON.stringify({ id: job.id, number }) }],
          };
        },
      };
      const [done, later] = await Promise.all([
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { a: 1 } }),
        q.enqueue({ recipe: 'r', recipe_version: 1, trigger: { later: true } }),
      ]);
      const rows = await t.store.db.selectFrom('jobs').select(['id', 'status', 'locked_by', 'claims']).orderBy('number').execute();
      expect(rows.map((r) => ({ ...r, claims: Number(r.claims) }))).toEqual([
        { id: done.id, status: 'succeeded', locked_by: null, claims: 1 },
        { id: later.id, status: 'queued', locked_by: null, claims: 0 },
      ]);
      // The finished one needs no wake-up; the queued one does (the caller notifies the worker).
      expect([done.local ?? false, later.local ?? false]).toEqual([true, false]);
      // No slot was reserved, none is given back, and nothing is handed over to run.
      expect(adopted).toEqual([{ rows: [], unused: 0, finished: [done.id] }]);
      expect((await q.sql.claim('w2', 10, Date.now(), 1000)).map((j) => j.id)).toEqual([later.id]);
    });

    it('a claim takes no job of a concurrency-limited recipe; claimLimited does, within the limit', async () => {
      await t.store.db.insertInto('recipes').values({ name: 'lim', current_version: 1, enabled: 1, concurrency: 1, trigger_type: 'webhook', created_at: 1, updated_at: 1 }).execute();
      await q.enqueue({ recipe: 'lim', recipe_version: 1, trigger: {}, concurrency_key: 'lim' });
      await q.enqueue({ recipe: 'lim', recipe_version: 1, trigger: {}, concurrency_key: 'lim' });
      const free = await q.enqueue({ recipe: 'r', recipe_version: 1, trigger: {} });
      const t0 = Date.now();
      expect((await q.sql.claim('w1', 10, t0, 10_000)).map((j) => j.id)).toEqual([free.id]);
      expect(await q.sql.claimLimited('w1', 10, t0, 10_000)).toHaveLength(1);
      expect(await q.sql.claimLimited('w1', 10, t0, 10_000)).toHaveLength(0);
    });
  });
}
