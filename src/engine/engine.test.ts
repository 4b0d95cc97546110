import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../../test/dialects.js';
import { testRuntime, waitJob, waitFor, type TestRuntime } from '../../test/runtime-helpers.js';
import { Type } from '@sinclair/typebox';
import type { ActionDef } from './actions.js';
import { runJob } from './run-job.js';
import { unpackSteps } from '../queue/inline-steps.js';

// A test action whose behaviour each job chooses: fail N times, then succeed.
const calls = new Map<string, number>();
const flaky: ActionDef = {
  name: 'test.flaky',
  async run(input, ctx) {
    const n = (calls.get(ctx.idempotencyKey) ?? 0) + 1;
    calls.set(ctx.idempotencyKey, n);
    const { failures = 0, retryAfter } = input as { failures?: number; retryAfter?: number };
    if (n <= failures) {
      const { HookflowError } = await import('../errors.js');
      throw new HookflowError('HF_ERR_HTTP_STATUS', { status: 503, url: 'test' }, { retryable: true, retryAfter });
    }
    return { calls: n, key: ctx.idempotencyKey };
  },
};

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`engine on ${dialect}`, () => {
    let t: TestRuntime;
    beforeAll(async () => {
      t = await testRuntime(dialect);
      t.rt.catalog.addAction({ ...flaky, connector: 'test', title: 'Flaky', description: 'Fails N times, then succeeds.', input: Type.Object({ failures: Type.Optional(Type.Unknown()), retryAfter: Type.Optional(Type.Unknown()) }) });
      // Runs until its signal is aborted, then fails with the signal's reason (as HTTP and 4me calls do).
      t.rt.catalog.addAction({
        name: 'test.hang', connector: 'test', title: 'Hang', description: 'Waits for its signal.', input: Type.Object({}),
        run: (_input, ctx) => new Promise((_resolve, reject) => {
          if (ctx.signal.aborted) return reject(ctx.signal.reason);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        }),
      });
    });
    afterAll(async () => { await t?.close(); });

    const enqueue = async (recipe: string, body: unknown) => {
      const s = await t.rt.recipes.summary(recipe);
      const r = await t.rt.queue.enqueue({ recipe, recipe_version: s.version, trigger: { body } });
      t.rt.worker?.notify();
      return r.id;
    };

    it('runs transform and if steps with typed expressions, recording each step', async () => {
      await t.rt.recipes.apply({
        name: 'calc', trigger: { type: 'webhook' },
        steps: [
          { id: 'first', action: 'transform', with: { a: '{{ trigger.body.n }}', label: 'n={{ trigger.body.n }}' } },
          { id: 'check', action: 'if', with: { condition: '{{ steps.first.a > 10 }}' },
            then: [{ id: 'big', action: 'transform', with: { b: '{{ steps.first.a * 2 }}' } }],
            else: [{ id: 'small', action: 'transform', with: { b: 0 } }] },
        ],
      });
      const big = await waitJob(t.rt, await enqueue('calc', { n: 21 }));
      expect(big.status).toBe('succeeded');
      expect(big.steps!.map((s) => s.id)).toEqual(['first', 'check', 'big']);
      expect(big.steps![0]!.output).toEqual({ a: 21, label: 'n=21' });
      expect(big.steps![2]!.output).toEqual({ b: 42 });
      const small = await waitJob(t.rt, await enqueue('calc', { n: 3 }));
      expect(small.steps!.map((s) => s.id)).toEqual(['first', 'check', 'small']);
      expect(small.recipe_version).toBe(1);
    });

    /**
     * The worker takes hand-offs only while no claim is in flight and nothing is known queued; an
     * enqueue that lands during its poll's claim goes through the queue (more often on a loaded
     * machine), so this tries until one is handed off.
     */
    const handOff = async (recipe: string, n0: number) => {
      const s = await t.rt.recipes.summary(recipe);
      let res = null;
      for (let i = 0; i < 40 && !res?.local; i++) {
        await waitFor(async () => t.rt.worker!.active === 0);
        if (i > 0) await new Promise((r) => setTimeout(r, 20 + Math.random() * 50));
        res = await t.rt.queue.enqueue({ recipe, recipe_version: s.version, trigger: { body: { n: n0 + i } } });
        if (!res.local) t.rt.worker!.notify();
      }
      expect(res!.local).toBe(true);
      return res!;
    };

    it('an idle worker takes a job as it commits (hand-off): one claim, its lease, and it runs to the end', async () => {
      // `calc` reading its job's number: not run before its insert (engine/inline.ts), so this is
      // the hand-off of an inserted claimed job on both stores.
      const def = (await t.rt.recipes.definition('calc', (await t.rt.recipes.summary('calc')).version)).recipe;
      await t.rt.recipes.apply({ ...def, name: 'calc-numbered', steps: [{ ...def.steps[0]!, with: { ...def.steps[0]!.with, number: '{{ job.number }}' } }, ...def.steps.slice(1)] });
      const res = await handOff('calc-numbered', 30);
      const job = await waitJob(t.rt, res.id);
      expect(job.status).toBe('succeeded');
      expect(job.steps!.map((x) => x.id)).toEqual(['first', 'check', 'big']);
      expect(job.steps![0]!.output).toMatchObject({ number: job.number });
      const row = await t.rt.store.db.selectFrom('jobs').select(['claims', 'crashes', 'locked_by']).where('id', '=', res.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ claims: 1, crashes: 0, locked_by: null });
    });

    it('a recipe of transforms handed to an idle worker runs before its insert and commits finished; an outside effect never runs before the commit', async () => {
      const res = await handOff('calc', 50);
      const row = await t.rt.store.db.selectFrom('jobs').selectAll().where('id', '=', res!.id).executeTakeFirstOrThrow();
      const event = async () => (await t.rt.store.db.selectFrom('outbox').select('payload').where('type', '=', 'job.succeeded').execute())
        .map((e) => JSON.parse(e.payload)).find((p) => p.id === res!.id);
      // Finished when the enqueue answered: what an acknowledged webhook of this recipe sees.
      expect(row).toMatchObject({ status: 'succeeded', claims: 1, crashes: 0, locked_by: null, error: null });
      expect(Number(row.started_at)).toBe(Number(row.created_at));
      // Step rows, or on SQLite the small steps of a job run before its insert in its own row (queue/inline-steps.ts).
      const stepRows = await t.rt.store.db.selectFrom('job_steps').select(['step_id', 'output']).where('job_id', '=', res!.id).orderBy('seq').execute();
      expect(stepRows.length === 0).toBe(dialect === 'sqlite');
      const steps = row.steps ? unpackSteps(res!.id, row.steps) : stepRows;
      expect(steps.map((x) => x.step_id)).toEqual(['first', 'check', 'big']);
      const a = (JSON.parse(steps[0]!.output!) as { a: number }).a;
      expect(a).toBeGreaterThanOrEqual(50);
      expect(JSON.parse(steps[2]!.output!)).toEqual({ b: 2 * a });
      const job = await waitJob(t.rt, res!.id);
      expect(job.steps!.map((x) => x.id)).toEqual(['first', 'check', 'big']);
      // The job's event carries the number the insert gave it. On SQLite, with no subscription
      // enabled, the row owes it instead (written from the row by a replay: test/job-events-replay).
      if (dialect === 'sqlite') {
        expect(row.event_deferred).toBe(1);
        expect(await event()).toBeUndefined();
      } else {
        expect(await event()).toMatchObject({ id: res!.id, number: Number(row.number), status: 'succeeded' });
      }

      // A job whose step has an outside effect, run before its insert anyway (as a worker would if
      // the recipe check were wrong): the step is saved first, that fails for a job not stored
      // yet, and the action never runs.
      await t.rt.recipes.apply({ name: 'effect', trigger: { type: 'webhook' }, steps: [{ id: 'call', action: 'test.flaky', with: {} }] });
      const v = (await t.rt.recipes.summary('effect')).version;
      const ghost = { ...row, id: '01a00000-0000-7000-8000-000000000001', number: 0, recipe: 'effect', recipe_version: v, status: 'running', locked_by: 'w-ghost:1', trigger: '{"body":{}}' } as never;
      const before = calls.size;
      const deps = { store: t.rt.store, catalog: t.rt.catalog, services: {}, queue: t.rt.queue, recipes: t.rt.recipes, connections: t.rt.connections, workerId: 'w-ghost', events: t.rt.events, now: Date.now, limits: { stepOutputBytes: 1e6, jobTimeoutSeconds: 60 } };
      expect(await runJob(ghost, deps as never)).toBeNull();
      expect(calls.size).toBe(before);
      expect(await t.rt.worker!.runInline(ghost)).toBeNull();
    });

    it('a step still running at the job timeout is aborted through its signal and fails the job with HF_ERR_JOB_TIMEOUT', async () => {
      await t.rt.recipes.apply({ name: 'hangs', trigger: { type: 'webhook' }, timeout_seconds: 1, steps: [
        { id: 'first', action: 'transform', with: { a: 1 } },
        { id: 'stuck', action: 'test.hang', with: {} },
        { id: 'never', action: 'transform', with: { b: 2 } },
      ] });
      const t0 = Date.now();
      const job = await waitJob(t.rt, await enqueue('hangs', {}));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect(job.status).toBe('failed');
      expect(job.error).toMatchObject({ code: 'HF_ERR_JOB_TIMEOUT', message: 'The job ran longer than its timeout of 1 seconds', step: 'stuck' });
      expect(job.steps!.map((s) => [s.id, s.status])).toEqual([['first', 'succeeded'], ['stuck', 'failed']]);
    });

    it('jobs starting together read and compile a recipe version once', async () => {
      await t.rt.recipes.apply({ name: 'once', trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: { x: 1 } }] });
      const { version } = await t.rt.recipes.summary('once');
      const all = await Promise.all(Array.from({ length: 8 }, () => t.rt.recipes.compiledVersion('once', version)));
      expect(new Set(all).size).toBe(1);
    });

    it('retries a retryable failure with the same idempotency key, then succeeds', async () => {
      await t.rt.recipes.apply({ name: 'flaky', trigger: { type: 'webhook' }, steps: [
        { id: 'call', action: 'test.flaky', with: { failures: 2 }, retry: { attempts: 5, backoff: 'fixed', delay_ms: 10 } },
      ] });
      const job = await waitJob(t.rt, await enqueue('flaky', {}));
      expect(job.status).toBe('succeeded');
      expect(job.steps![0]!.attempts).toBe(3);
      expect(job.steps![0]!.output).toEqual({ calls: 3, key: `${job.id}:call:1` });
    });

    it('fails after the last attempt and runs on_error steps with the error', async () => {
      await t.rt.recipes.apply({ name: 'doomed', trigger: { type: 'webhook' }, steps: [
        { id: 'call', action: 'test.flaky', with: { failures: 99 }, retry: { attempts: 2, backoff: 'fixed', delay_ms: 10 } },
        { id: 'never', action: 'transform', with: {} },
      ], on_error: [{ id: 'report', action: 'transform', with: { msg: 'failed: {{ error.code }} at {{ error.step }}' } }] });
      const job = await waitJob(t.rt, await enqueue('doomed', {}));
      expect(job.status).toBe('failed');
      expect((job.error as { code: string }).code).toBe('HF_ERR_HTTP_STATUS');
      const ids = job.steps!.map((s) => s.id);
      expect(ids).toEqual(['call', 'report']);
      expect(job.steps![1]!.output).toEqual({ msg: 'failed: HF_ERR_HTTP_STATUS at call' });
    });

    it('fail action ends the job with its message; expression errors name recipe and step', async () => {
      await t.rt.recipes.apply({ name: 'fails', trigger: { type: 'webhook' }, steps: [{ id: 'stop', action: 'fail', with: { message: 'no {{ trigger.body.x }}' } }] });
      const j1 = await waitJob(t.rt, await enqueue('fails', { x: 'luck' }));
      expect(j1.error).toMatchObject({ code: 'HF_ERR_FAIL_ACTION', message: 'no luck', step: 'stop' });
      await t.rt.recipes.apply({ name: 'badexpr', trigger: { type: 'webhook' }, steps: [{ id: 'calc', action: 'transform', with: { x: '{{ $number("abc") }}' } }] });
      const j2 = await waitJob(t.rt, await enqueue('badexpr', {}));
      expect(j2.status).toBe('failed');
      expect((j2.error as { code: string }).code).toBe('HF_ERR_EXPRESSION_EVAL');
      expect((j2.error as { message: string }).message).toContain('badexpr');
      expect((j2.error as { message: string }).message).toContain('calc');
    });

    it('wait releases the worker and resumes after the duration', async () => {
      await t.rt.recipes.apply({ name: 'waits', trigger: { type: 'webhook' }, steps: [
        { id: 'pause', action: 'wait', with: { seconds: 0.5 } }, { id: 'after', action: 'transform', with: { ok: true } },
      ] });
      const id = await enqueue('waits', {});
      await waitFor(async () => (await t.rt.jobs.show(id)).status === 'waiting');
      expect(t.rt.worker!.active).toBe(0);
      const job = await waitJob(t.rt, id);
      expect(job.status).toBe('succeeded');
      expect(job.steps!.map((s) => s.id)).toEqual(['pause', 'after']);
    });

    it('repeat makes a new job linked to the first; cancel stops a waiting job', async () => {
      const first = await waitJob(t.rt, await enqueue('calc', { n: 50 }));
      const again = await t.rt.jobs.repeat(first.id, async (r) => ({ version: (await t.rt.recipes.summary(r)).version, concurrency: null }));
      t.rt.worker?.notify();
      const done = await waitJob(t.rt, again.id);
      expect(done.repeat_of).toBe(first.id);
      expect(done.trigger).toEqual(first.trigger);
      await t.rt.recipes.apply({ name: 'long', trigger: { type: 'webhook' }, steps: [{ id: 'pause', action: 'wait', with: { seconds: 60 } }] });
      const id = await enqueue('long', {});
      await waitFor(async () => (await t.rt.jobs.show(id)).status === 'waiting');
      expect((await t.rt.jobs.cancel(id)).status).toBe('canceled');
      await expect(t.rt.jobs.cancel(id)).rejects.toMatchObject({ code: 'HF_ERR_JOB_NOT_ACTIVE' });
    });

    it('keeps at most `concurrency` jobs of a recipe running', async () => {
      let running = 0;
      let peak = 0;
      const server = http.createServer((req, res) => {
        running++;
        peak = Math.max(peak, running);
        setTimeout(() => { running--; res.end('{}'); }, 40);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      await t.rt.connections.create({ name: `local-${dialect}`, type: 'http', config: { private_network: true } });
      await t.rt.recipes.apply({ name: 'limited', concurrency: 2, trigger: { type: 'webhook' }, steps: [
        { id: 'call', action: 'http.request', connection: `local-${dialect}`, with: { url: `http://127.0.0.1:${port}/x`, method: 'POST' } },
      ] });
      const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => t.rt.queue.enqueue({ recipe: 'limited', recipe_version: 1, trigger: { i }, concurrency_key: 'limited' })));
      t.rt.worker?.notify();
      for (const r of ids) expect((await waitJob(t.rt, r.id)).status).toBe('succeeded');
      server.close();
      expect(peak).toBe(2);
    });

    it('new versions leave running jobs on theirs; rollback adds a version', async () => {
      await t.rt.recipes.apply({ name: 'ver', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: { v: 1 } }] });
      const same = await t.rt.recipes.apply({ name: 'ver', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: { v: 1 } }] });
      expect(same).toMatchObject({ version: 1, changed: false });
      await t.rt.recipes.apply({ name: 'ver', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: { v: 2 } }] });
      const j = await waitJob(t.rt, await enqueue('ver', {}));
      expect(j.recipe_version).toBe(2);
      expect(j.steps![0]!.output).toEqual({ v: 2 });
      const rb = await t.rt.recipes.rollback('ver', 1);
      expect(rb.version).toBe(3);
      expect((await t.rt.recipes.definition('ver', 3)).recipe.steps[0]!.with).toEqual({ v: 1 });
      expect((await t.rt.recipes.versions('ver')).map((v) => v.version)).toEqual([3, 2, 1]);
    });
  });
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`outbox on ${dialect}`, () => {
    it('commits job and recipe events with the change that caused them', async () => {
      const t = await testRuntime(dialect);
      try {
        await t.rt.recipes.apply({ name: 'evt', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: {} }] });
        // An enabled subscription (to nothing these events match): the job's event is then written with the job on both dialects.
        await t.rt.store.db.insertInto('webhooks').values({
          id: 'w-other', event: 'alert.*', uri: 'http://127.0.0.1:1/x', uri_sealed: null, description: null, recipe: null, disabled: 0, disabled_reason: null,
          private_network: 1, mail_exceptions_to: '[]', max_concurrency: null, rate_limit: null, secrets: '[]', created_at: 1, updated_at: 1,
        } as never).execute();
        const { id } = await t.rt.queue.enqueue({ recipe: 'evt', recipe_version: 1, trigger: {} });
        t.rt.worker?.notify();
        await waitJob(t.rt, id);
        await t.rt.recipes.setEnabled('evt', false);
        await t.rt.recipes.setEnabled('evt', false);
        const rows = await t.rt.store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
        expect(rows.map((r) => r.type)).toEqual(['job.succeeded', 'recipe.stopped']);
        expect(JSON.parse(rows[0]!.payload)).toMatchObject({ id, recipe: 'evt', status: 'succeeded' });
      } finally {
        await t.close();
      }
    });
  });
}
