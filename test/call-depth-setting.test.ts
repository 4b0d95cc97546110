/** HOOKFLOW_CALL_MAX_DEPTH sets how deep recipe.call may nest (default 8, in src/engine/flow.test.ts). */
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitJob, type TestRuntime } from './runtime-helpers.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`call depth setting on ${dialect}`, () => {
    let t: TestRuntime;
    beforeAll(async () => { t = await testRuntime(dialect, { HOOKFLOW_CALL_MAX_DEPTH: '2' }); });
    afterAll(async () => { await t?.close(); });

    it('fails the call one level past HOOKFLOW_CALL_MAX_DEPTH with HF_ERR_CALL_DEPTH', async () => {
      await t.rt.recipes.apply({ name: 'recurse', trigger: { type: 'callable' }, steps: [{ id: 'again', action: 'recipe.call', with: { recipe: 'recurse', input: {} } }], result: '{{ steps.again }}' });
      await t.rt.recipes.apply({ name: 'deep', trigger: { type: 'webhook' }, steps: [{ id: 'go', action: 'recipe.call', with: { recipe: 'recurse', input: {} } }] });
      const { id } = await t.rt.queue.enqueue({ recipe: 'deep', recipe_version: (await t.rt.recipes.summary('deep')).version, trigger: {} });
      t.rt.worker?.notify();
      const job = await waitJob(t.rt, id);
      expect(job.status).toBe('failed');
      let err = job.error as { code: string; details?: { error?: unknown }; message: string };
      let depth = 0;
      while (err.code === 'HF_ERR_CALL_FAILED') { err = err.details!.error as typeof err; depth++; }
      expect(err.code).toBe('HF_ERR_CALL_DEPTH');
      expect(depth).toBe(2);
    });
  });
}
