/**
 * Callable recipes through the API over loopback HTTP: the synchronous answer, 202 past the
 * timeout, refused inputs, a failed callee, and the parent/children links of the job API.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { waitJob } from './runtime-helpers.js';
import { apiSuite } from './helpers/api-suite.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`recipe call API on ${dialect}`, () => {
    const api = apiSuite(dialect);
    const { req } = api;

    beforeAll(async () => {
      const callable = (name: string, steps: unknown[], extra: Record<string, unknown> = {}) =>
        req('PUT', `/recipes/${name}`, { name, trigger: { type: 'callable', input_schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } }, steps, ...extra });
      expect((await callable('square', [{ id: 'sq', action: 'transform', with: { v: '{{ trigger.input.n * trigger.input.n }}' } }], { result: '{{ { "square": steps.sq.v } }}' })).status).toBe(201);
      expect((await callable('slow', [{ id: 'pause', action: 'wait', with: { seconds: 1 } }], { result: '{{ trigger.input.n }}' })).status).toBe(201);
      expect((await callable('broken', [{ id: 'no', action: 'fail', with: { message: 'n={{ trigger.input.n }} refused' } }])).status).toBe(201);
      expect((await req('PUT', '/recipes/hooked', { name: 'hooked', trigger: { type: 'webhook' }, steps: [{ id: 'x', action: 'transform', with: {} }] })).status).toBe(201);
    });

    it('answers the result synchronously', async () => {
      const r = await req('POST', '/recipes/square/call', { n: 7 });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'succeeded', result: { square: 49 } });
      const job = await req('GET', `/jobs/${r.body.job_id}`);
      expect(job.body).toMatchObject({ recipe: 'square', status: 'succeeded', result: { square: 49 }, parent: null, children: [], trigger: { input: { n: 7 }, caller: null } });
    });

    it('answers 202 with the job id past the timeout; the job then finishes with its result', async () => {
      const r = await req('POST', '/recipes/slow/call?timeout_seconds=0.1', { n: 3 });
      expect(r.status).toBe(202);
      expect(r.body).toEqual({ status: 'accepted', job_id: expect.any(String) });
      const job = await waitJob(api.rt, r.body.job_id);
      expect(job).toMatchObject({ status: 'succeeded', result: 3 });
    });

    it('refuses input against input_schema, a recipe that is not callable, and reports a failed callee', async () => {
      const bad = await req('POST', '/recipes/square/call', { n: 'seven' });
      expect(bad.status).toBe(422);
      expect(bad.body.error.code).toBe('HF_ERR_CALL_INPUT');
      const notCallable = await req('POST', '/recipes/hooked/call', {});
      expect(notCallable.status).toBe(422);
      expect(notCallable.body.error.code).toBe('HF_ERR_CALL_NOT_CALLABLE');
      expect((await req('POST', '/recipes/nothing/call', {})).status).toBe(404);
      const failed = await req('POST', '/recipes/broken/call', { n: 1 });
      expect(failed.status).toBe(500);
      expect(failed.body.error).toMatchObject({ code: 'HF_ERR_CALL_FAILED', details: { error: { code: 'HF_ERR_FAIL_ACTION', message: 'n=1 refused' } } });
    });

    it('refuses to save a recipe.call of a recipe that exists but is not callable', async () => {
      const r = await req('PUT', '/recipes/calls-hook', { name: 'calls-hook', trigger: { type: 'webhook' }, steps: [
        { id: 'each', action: 'foreach', with: { items: [1] }, steps: [{ id: 'c', action: 'recipe.call', with: { recipe: 'hooked', input: {} } }] },
      ] });
      expect(r.status).toBe(422);
      expect(r.body.error.details).toEqual([{ path: '/steps', message: 'recipe.call names recipe hooked, whose trigger is webhook, not callable' }]);
    });

    it('links a parent job to its children and back', async () => {
      await req('PUT', '/recipes/parent', { name: 'parent', trigger: { type: 'webhook' }, steps: [
        { id: 'each', action: 'foreach', with: { items: '{{ [2, 3] }}' }, steps: [{ id: 'sq', action: 'recipe.call', with: { recipe: 'square', input: { n: '{{ item }}' } } }] },
      ] });
      const s = await api.rt.recipes.summary('parent');
      const { id } = await api.rt.queue.enqueue({ recipe: 'parent', recipe_version: s.version, trigger: {} });
      api.rt.worker?.notify();
      await waitJob(api.rt, id);
      const parent = (await req('GET', `/jobs/${id}`)).body;
      expect(parent.status).toBe('succeeded');
      expect(parent.steps.find((x: { id: string }) => x.id === 'each').output).toEqual([{ square: 4 }, { square: 9 }]);
      expect(parent.children.map((c: { recipe: string; step: string; status: string }) => [c.recipe, c.step, c.status])).toEqual([['square', 'each[0].sq', 'succeeded'], ['square', 'each[1].sq', 'succeeded']]);
      const child = (await req('GET', `/jobs/${parent.children[1].id}`)).body;
      expect(child.parent).toMatchObject({ id, recipe: 'parent', step: 'each[1].sq' });
      expect(child.trigger).toMatchObject({ input: { n: 3 }, caller: { job_id: id } });
    });

    it('cancels the calls still running when their parent is canceled', async () => {
      await req('PUT', '/recipes/long', { name: 'long', trigger: { type: 'callable' }, steps: [{ id: 'pause', action: 'wait', with: { seconds: 3600 } }] });
      await req('PUT', '/recipes/caller', { name: 'caller', trigger: { type: 'webhook' }, steps: [{ id: 'c', action: 'recipe.call', with: { recipe: 'long', input: {} } }] });
      const s = await api.rt.recipes.summary('caller');
      const { id } = await api.rt.queue.enqueue({ recipe: 'caller', recipe_version: s.version, trigger: {} });
      api.rt.worker?.notify();
      let child: { id: string; status: string } | undefined;
      for (let i = 0; i < 300 && child?.status !== 'waiting'; i++) {
        child = (await req('GET', `/jobs/${id}`)).body.children?.[0];
        if (child?.status !== 'waiting') await new Promise((r) => setTimeout(r, 50));
      }
      expect(child?.status).toBe('waiting');
      expect((await req('POST', `/jobs/${id}/cancel`)).status).toBe(200);
      const after = (await req('GET', `/jobs/${child!.id}`)).body;
      expect(after).toMatchObject({ status: 'canceled', error: { code: 'HF_ERR_JOB_CANCELED', message: 'The job was canceled with its parent job' } });
    });
  });
}
