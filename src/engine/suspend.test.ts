import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../../test/dialects.js';
import { testRuntime, waitJob, waitFor, type TestRuntime } from '../../test/runtime-helpers.js';
import { Type } from '@sinclair/typebox';
import { Suspend, type ActionDef } from './actions.js';
import { completeSuspendedStep } from './resume.js';

// Waits for an approval; when it wakes at its due time without one, it takes on_timeout.
const approval: ActionDef = {
  name: 'test.approval',
  async run(input) {
    const { due_ms } = input as { due_ms?: number };
    return new Suspend({ asked: true }, due_ms ? Date.now() + due_ms : null);
  },
  async resume(state) {
    return { ...state, timed_out: true, branch: 'on_timeout' };
  },
};

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`suspended steps on ${dialect}`, () => {
    let t: TestRuntime;
    beforeAll(async () => {
      t = await testRuntime(dialect);
      t.rt.catalog.addAction({ ...approval, connector: 'test', title: 'Approval', description: 'Waits; on its due time takes on_timeout.', blocks: ['on_timeout'], input: Type.Object({ due_ms: Type.Optional(Type.Unknown()) }) });
      await t.rt.recipes.apply({ name: 'approve', trigger: { type: 'webhook' }, steps: [
        { id: 'ask', action: 'test.approval', with: { due_ms: '{{ trigger.due }}' }, on_timeout: [{ id: 'late', action: 'transform', with: { late: true } }] },
        { id: 'after', action: 'transform', with: { answer: '{{ steps.ask.answer }}' } },
      ] });
    });
    afterAll(async () => { await t?.close(); });

    it('waits without a worker until completed from outside; only the first completion counts', async () => {
      const { id } = await t.rt.queue.enqueue({ recipe: 'approve', recipe_version: 1, trigger: {} });
      t.rt.worker?.notify();
      await waitFor(async () => (await t.rt.jobs.show(id)).status === 'waiting');
      expect(t.rt.worker!.active).toBe(0);
      const results = await Promise.all(['yes', 'no'].map((answer) => t.rt.store.tx((trx) => completeSuspendedStep(trx, id, 'ask', { answer }))));
      expect(results.filter(Boolean)).toHaveLength(1);
      t.rt.worker?.notify();
      const job = await waitJob(t.rt, id);
      expect(job.status).toBe('succeeded');
      expect(job.steps!.map((s) => s.id)).toEqual(['ask', 'after']);
      expect(['yes', 'no']).toContain((job.steps![1]!.output as { answer: string }).answer);
      expect(await t.rt.store.tx((trx) => completeSuspendedStep(trx, id, 'ask', { answer: 'late' }))).toBe(false);
    });

    it('wakes at its due time and takes the on_timeout branch', async () => {
      const { id } = await t.rt.queue.enqueue({ recipe: 'approve', recipe_version: 1, trigger: { due: 300 } });
      t.rt.worker?.notify();
      const job = await waitJob(t.rt, id);
      expect(job.steps!.map((s) => s.id)).toEqual(['ask', 'late', 'after']);
      expect(job.steps![0]!.output).toMatchObject({ asked: true, timed_out: true });
    });
  });
}
