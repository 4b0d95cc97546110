import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../../test/dialects.js';
import { testRuntime, waitJob, type TestRuntime } from '../../test/runtime-helpers.js';
import { Type } from '@sinclair/typebox';
import type { ActionDef } from './actions.js';

// Test actions, added to each runtime's catalog.
const TEST_ACTIONS: ActionDef[] = [];
const registerAction = (a: ActionDef): void => { TEST_ACTIONS.push(a); };
import { HookflowError } from '../errors.js';

// Holds each call until `want` calls are in flight at once (or 5 s passed), and reports the most
// it saw: a loop with concurrency N must reach N and never pass it.
let inFlight = 0;
let maxInFlight = 0;
const waiters: Array<() => void> = [];
registerAction({
  name: 'test.gate',
  async run(input) {
    const { want } = input as { want: number };
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (inFlight >= want) waiters.splice(0).forEach((w) => w());
    else await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 5000).unref(); });
    inFlight--;
    return { seen: maxInFlight };
  },
});
const effects: string[] = [];
registerAction({
  name: 'test.effect',
  async run(input, ctx) {
    const w = input as { fail?: boolean; tag?: string };
    if (w.fail) throw new HookflowError('HF_ERR_HTTP_STATUS', { status: 400, url: 'test' });
    effects.push(`${w.tag}|${ctx.idempotencyKey.split(':').slice(1).join(':')}`);
    return { tag: w.tag };
  },
});

// Fails the first call of each idempotency key listed in `fail_first` with a retryable error.
const seenKeys = new Map<string, number>();
registerAction({
  name: 'test.once',
  async run(input, ctx) {
    const n = (seenKeys.get(ctx.idempotencyKey) ?? 0) + 1;
    seenKeys.set(ctx.idempotencyKey, n);
    if ((input as { flaky?: boolean }).flaky && n === 1) throw new HookflowError('HF_ERR_HTTP_STATUS', { status: 503, url: 'test' }, { retryable: true });
    return { calls: n };
  },
});

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`control flow on ${dialect}`, () => {
    let t: TestRuntime;
    beforeAll(async () => {
      t = await testRuntime(dialect);
      for (const a of TEST_ACTIONS) t.rt.catalog.addAction({ ...a, connector: 'test', title: a.name, description: 'A test action.', input: Type.Any() });
    });
    afterAll(async () => { await t?.close(); });

    const run = async (recipe: Record<string, unknown>, body: unknown = {}) => {
      const name = String(recipe.name);
      await t.rt.recipes.apply({ trigger: { type: 'webhook' }, ...recipe });
      const s = await t.rt.recipes.summary(name);
      const r = await t.rt.queue.enqueue({ recipe: name, recipe_version: s.version, trigger: { body } });
      t.rt.worker?.notify();
      return waitJob(t.rt, r.id);
    };
    const step = (job: Awaited<ReturnType<typeof run>>, id: string) => job.steps!.find((s) => s.id === id);

    it('foreach gives item, index and outer loops to expressions and outputs each last step in item order', async () => {
      const job = await run({
        name: 'loops', steps: [{
          id: 'outer', action: 'foreach', with: { items: '{{ trigger.body.teams }}', concurrency: 3 }, steps: [
            { id: 'inner', action: 'foreach', with: { items: '{{ item.members }}' }, steps: [
              { id: 'first', action: 'transform', with: { v: '{{ loops.outer.item.name & "/" & item & "#" & $string(loops.outer.index) & "." & $string(index) }}' } },
              { id: 'pair', action: 'transform', with: { v: '{{ steps.first.v }}!' } },
            ] },
          ],
        }, { id: 'after', action: 'transform', with: { n: '{{ $count(steps.outer) }}' } }],
      }, { teams: [{ name: 'a', members: ['x', 'y'] }, { name: 'b', members: [] }, { name: 'c', members: ['z'] }] });
      expect(job.status).toBe('succeeded');
      expect(step(job, 'outer')!.output).toEqual([[{ v: 'a/x#0.0!' }, { v: 'a/y#0.1!' }], [], [{ v: 'c/z#2.0!' }]]);
      expect(step(job, 'outer[0].inner[1].pair')!.output).toEqual({ v: 'a/y#0.1!' });
      expect(step(job, 'outer[2]')!.output).toEqual([{ v: 'c/z#2.0!' }]);
      expect(step(job, 'after')!.output).toEqual({ n: 3 });
    });

    it('runs up to `concurrency` iterations at once in one job, never more, with the index in each idempotency key', async () => {
      inFlight = 0;
      maxInFlight = 0;
      effects.length = 0;
      const job = await run({
        name: 'wide', steps: [{ id: 'each', action: 'foreach', with: { items: '{{ [1,2,3,4,5,6,7,8] }}', concurrency: 4 }, steps: [
          { id: 'gate', action: 'test.gate', with: { want: 4 } },
          { id: 'mark', action: 'test.effect', with: { tag: '{{ $string(item) }}' } },
        ] }],
      });
      expect(job.status).toBe('succeeded');
      expect(maxInFlight).toBe(4);
      expect((step(job, 'each')!.output as Array<{ tag: string }>).map((o) => o.tag)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
      expect(effects.sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${n}|each[${n - 1}].mark:1`).sort());
      expect(step(job, 'each[5].mark')!.idempotency_key).toBe(`${job.id}:each[5].mark:1`);
    });

    it('a retry inside a loop releases the job; the resumed loop runs only what was not finished', async () => {
      seenKeys.clear();
      const job = await run({ name: 'retry-loop', steps: [{ id: 'each', action: 'foreach', with: { items: '{{ [0,1,2,3,4,5] }}', concurrency: 2 }, steps: [
        { id: 'call', action: 'test.once', with: { flaky: '{{ item = 2 }}' }, retry: { attempts: 3, backoff: 'fixed', delay_ms: 10 } },
      ] }] });
      expect(job.status).toBe('succeeded');
      expect(step(job, 'each')!.output).toEqual([{ calls: 1 }, { calls: 1 }, { calls: 2 }, { calls: 1 }, { calls: 1 }, { calls: 1 }]);
      expect([...seenKeys.entries()].sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => [`${job.id}:each[${i}].call:1`, i === 2 ? 2 : 1]).sort());
      expect(step(job, 'each[2].call')!.attempts).toBe(2);
      expect(step(job, 'each')!.attempts).toBe(1);
    });

    it('refuses a list over max_items with a coded error before running an iteration', async () => {
      effects.length = 0;
      const job = await run({ name: 'toolong', steps: [{ id: 'each', action: 'foreach', with: { items: '{{ [1..5] }}', max_items: 4 }, steps: [{ id: 'mark', action: 'test.effect', with: { tag: 'x' } }] }] });
      expect(job.status).toBe('failed');
      expect(job.error).toMatchObject({ code: 'HF_ERR_FOREACH_TOO_MANY', step: 'each' });
      expect(effects).toEqual([]);
    });

    it('switch runs the matching case, or default for any other value', async () => {
      const recipe = {
        name: 'route', steps: [{
          id: 'by', action: 'switch', with: { value: '{{ trigger.body.category }}' },
          cases: { incident: [{ id: 'inc', action: 'transform', with: { team: 'ops' } }], rfc: [{ id: 'chg', action: 'transform', with: { team: 'cab' } }] },
          default: [{ id: 'other', action: 'transform', with: { team: 'desk' } }],
        }, { id: 'done', action: 'transform', with: { team: '{{ steps.inc.team ? steps.inc.team : steps.chg.team ? steps.chg.team : steps.other.team }}' } }],
      };
      const rfc = await run(recipe, { category: 'rfc' });
      expect(rfc.steps!.map((s) => s.id)).toEqual(['by', 'chg', 'done']);
      expect(step(rfc, 'by')!.output).toMatchObject({ value: 'rfc', case: 'rfc' });
      const other = await run(recipe, { category: 'question' });
      expect(other.steps!.map((s) => s.id)).toEqual(['by', 'other', 'done']);
      expect(step(other, 'done')!.output).toEqual({ team: 'desk' });
      expect(step(other, 'by')!.output).toMatchObject({ value: 'question', case: null, branch: 'default' });
    });

    it('stop inside a loop ends the job at once with its status and message; no later iteration or step runs', async () => {
      effects.length = 0;
      const failed = await run({
        name: 'stopper', steps: [{ id: 'each', action: 'foreach', with: { items: '{{ [1,2,3,4,5] }}' }, steps: [
          { id: 'check', action: 'if', with: { condition: '{{ item = 3 }}' }, then: [{ id: 'halt', action: 'stop', with: { status: 'failed', message: 'item {{ item }} is bad' } }] },
          { id: 'mark', action: 'test.effect', with: { tag: 's{{ item }}' } },
        ] }, { id: 'never', action: 'test.effect', with: { tag: 'never' } }],
        on_error: [{ id: 'report', action: 'test.effect', with: { tag: 'on_error' } }],
      });
      expect(failed.status).toBe('failed');
      expect(failed.error).toEqual({ code: 'HF_ERR_JOB_STOPPED', message: 'item 3 is bad', step: 'halt' });
      expect(effects.map((e) => e.split('|')[0])).toEqual(['s1', 's2']);
      expect(step(failed, 'each[2].halt')!.output).toEqual({ status: 'failed', message: 'item 3 is bad' });
      const ok = await run({ name: 'stop-ok', steps: [{ id: 'halt', action: 'stop', with: { message: 'nothing to do' } }, { id: 'never', action: 'test.effect', with: { tag: 'never' } }] });
      expect(ok.status).toBe('succeeded');
      expect(ok.steps!.map((s) => s.id)).toEqual(['halt']);
    });

    it('a step-level on_error sees error and the job goes on; continue_on_error is the short form; a handler ending in fail fails the job', async () => {
      const handled = await run({ name: 'handled', steps: [
        { id: 'call', action: 'test.effect', with: { fail: true }, on_error: [{ id: 'note', action: 'transform', with: { why: '{{ error.code }} at {{ error.step }}' } }] },
        { id: 'skip', action: 'test.effect', with: { fail: true }, continue_on_error: true },
        { id: 'next', action: 'transform', with: { note: '{{ steps.note.why }}' } },
      ] });
      expect(handled.status).toBe('succeeded');
      expect(handled.steps!.map((s) => [s.id, s.status])).toEqual([['call', 'failed'], ['note', 'succeeded'], ['skip', 'failed'], ['next', 'succeeded']]);
      expect(step(handled, 'next')!.output).toEqual({ note: 'HF_ERR_HTTP_STATUS at call' });
      const fatal = await run({ name: 'fatal', steps: [
        { id: 'call', action: 'test.effect', with: { fail: true }, on_error: [{ action: 'fail', with: { message: 'gave up: {{ error.message }}' } }] },
        { id: 'next', action: 'transform', with: {} },
      ] });
      expect(fatal.status).toBe('failed');
      expect(fatal.error).toMatchObject({ code: 'HF_ERR_FAIL_ACTION', message: 'gave up: HTTP 400 from test' });
      expect(fatal.steps!.map((s) => s.id)).toEqual(['call', 'on_error_1']);
    });

    it('an iteration whose step fails is handled by its on_error and the loop completes', async () => {
      const job = await run({ name: 'partial', steps: [{ id: 'each', action: 'foreach', with: { items: '{{ [1,2,3] }}' }, steps: [
        { id: 'call', action: 'test.effect', with: { fail: '{{ item = 2 }}', tag: 'c' }, continue_on_error: true },
        { id: 'out', action: 'transform', with: { ok: '{{ steps.call.tag = "c" }}' } },
      ] }] });
      expect(job.status).toBe('succeeded');
      expect(step(job, 'each')!.output).toEqual([{ ok: true }, { ok: false }, { ok: true }]);
      expect(step(job, 'each[1].call')!.status).toBe('failed');
    });

    it('recipe.call runs a callable recipe as a child job and outputs its result; parent and child link each other', async () => {
      await t.rt.recipes.apply({
        name: 'double', trigger: { type: 'callable', input_schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } },
        steps: [{ id: 'calc', action: 'transform', with: { v: '{{ trigger.input.n * 2 }}' } }], result: '{{ steps.calc.v }}',
      });
      const job = await run({ name: 'caller', steps: [
        { id: 'each', action: 'foreach', with: { items: '{{ [1,2,3] }}', concurrency: 3 }, steps: [{ id: 'call', action: 'recipe.call', with: { recipe: 'double', input: { n: '{{ item }}' } } }] },
        { id: 'bad', action: 'recipe.call', with: { recipe: 'double', input: { n: 'x' } }, continue_on_error: true },
      ] });
      expect(job.status).toBe('succeeded');
      expect(step(job, 'each')!.output).toEqual([2, 4, 6]);
      expect(step(job, 'bad')!.error).toMatchObject({ code: 'HF_ERR_CALL_INPUT' });
      const kids = await t.rt.store.db.selectFrom('jobs').select(['id', 'parent_job_id', 'parent_step_id', 'call_depth', 'trigger']).where('parent_job_id', '=', job.id).execute();
      expect(kids.map((k) => k.parent_step_id).sort()).toEqual(['each[0].call', 'each[1].call', 'each[2].call']);
      expect(kids.every((k) => Number(k.call_depth) === 1)).toBe(true);
      expect(JSON.parse(kids[0]!.trigger)).toMatchObject({ caller: { job_id: job.id, recipe: 'caller' } });
    });

    it('many children ending at once all wake their parent (no wait for the re-check)', async () => {
      const job = await run({ name: 'fan-out', steps: [
        { id: 'each', action: 'foreach', with: { items: '{{ [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16] }}', concurrency: 8 }, steps: [{ id: 'call', action: 'recipe.call', with: { recipe: 'double', input: { n: '{{ item }}' } } }] },
      ] });
      expect(job.status).toBe('succeeded');
      expect(step(job, 'each')!.output).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32]);
    });

    it('wakeIfEnded requeues a waiting parent whose child already ended, and nothing else', async () => {
      const { wakeIfEnded } = await import('./call.js');
      const db = t.rt.store.db;
      const now = Date.now();
      const row = (id: string, status: string) => ({ id, recipe: 'double', recipe_version: 1, status, trigger: '{}', dedup_key: null, repeat_of: null, error: null, concurrency_key: null, run_at: 8.64e15, locked_by: null, locked_until: null, claims: 1, timeout_at: null, created_at: now, started_at: null, finished_at: null });
      // Limited by a recipe that does not exist: no claim ever takes them, so the statuses stay as the test sets them.
      await db.insertInto('jobs').values([row('wake-p1', 'waiting'), row('wake-c1', 'succeeded'), row('wake-p2', 'waiting'), row('wake-c2', 'running')].map((r) => ({ ...r, concurrency_key: 'no-such-recipe' }))).execute();
      expect(await wakeIfEnded(t.rt.store, 'wake-p2', ['wake-c2'])).toBe(false);
      expect(await wakeIfEnded(t.rt.store, 'wake-p1', ['wake-c2', 'wake-c1'])).toBe(true);
      const st = await db.selectFrom('jobs').select(['id', 'status']).where('id', 'in', ['wake-p1', 'wake-p2']).orderBy('id').execute();
      expect(st).toEqual([{ id: 'wake-p1', status: 'queued' }, { id: 'wake-p2', status: 'waiting' }]);
      await db.deleteFrom('jobs').where('id', 'like', 'wake-%').execute();
    });

    it('a failed child fails the recipe.call step with its error, and a step-level on_error handles it', async () => {
      await t.rt.recipes.apply({ name: 'notify', trigger: { type: 'callable' }, steps: [{ id: 'boom', action: 'fail', with: { message: 'no channel for {{ trigger.input.team }}' } }], result: '{{ true }}' });
      const job = await run({ name: 'notifier', steps: [
        { id: 'tell', action: 'recipe.call', with: { recipe: 'notify', input: { team: 'ops' } }, on_error: [
          { id: 'fallback', action: 'transform', with: { code: '{{ error.code }}', child: '{{ error.details.error.code }}', msg: '{{ error.details.error.message }}' } },
        ] },
        { id: 'after', action: 'transform', with: { went_on: true } },
      ] });
      expect(job.status).toBe('succeeded');
      expect(step(job, 'tell')!.status).toBe('failed');
      expect(step(job, 'fallback')!.output).toEqual({ code: 'HF_ERR_CALL_FAILED', child: 'HF_ERR_FAIL_ACTION', msg: 'no channel for ops' });
      expect(step(job, 'after')!.output).toEqual({ went_on: true });
    });

    it('limits the call depth with a coded error', async () => {
      await t.rt.recipes.apply({ name: 'recurse', trigger: { type: 'callable' }, steps: [{ id: 'again', action: 'recipe.call', with: { recipe: 'recurse', input: {} } }], result: '{{ steps.again }}' });
      const job = await run({ name: 'deep', steps: [{ id: 'go', action: 'recipe.call', with: { recipe: 'recurse', input: {} } }] });
      expect(job.status).toBe('failed');
      let err = job.error as { code: string; details?: { error?: unknown } };
      let depth = 0;
      while (err.code === 'HF_ERR_CALL_FAILED') { err = err.details!.error as typeof err; depth++; }
      expect(err.code).toBe('HF_ERR_CALL_DEPTH');
      expect(depth).toBe(8);
    }, 60_000);
  });
}
