/**
 * A person's action inside a loop: each iteration opens its own action (keyed by the step's row
 * id, `each[<i>].ask`), and completing it resumes that iteration, not another.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { waitFor, waitJob } from '../runtime-helpers.js';
import { b64, opsEnv, type OpsEnv } from './helpers.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`actions in a loop on ${dialect}`, () => {
    let e: OpsEnv;
    beforeAll(async () => {
      e = await opsEnv(dialect);
      await e.t.rt.recipes.apply({
        name: 'approve-each', trigger: { type: 'operation', process_name: 'APPROVE_EACH' },
        steps: [{ id: 'each', action: 'foreach', with: { items: '{{ ["disk", "ram"] }}', concurrency: 2 }, steps: [
          { id: 'ask', action: 'human.action', with: { assignee: 'alice', activity_name: 'Approve {{ item }}', form: [{ name: 'OK', type: 'TEXT' }] } },
          { id: 'out', action: 'transform', with: { item: '{{ item }}', ok: '{{ steps.ask.OK }}' } },
        ] }],
      });
    });
    afterAll(async () => { await e?.close(); });

    it('opens one action per iteration and resumes the iteration whose action was completed', async () => {
      const r = await e.op('alice', 'createRequest', { processName: 'APPROVE_EACH', parameters: [] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const n = r.body.number as number;
      const actions = () => e.t.rt.store.db.selectFrom('ops_actions').select(['number', 'step_id', 'activity_name', 'status']).where('job_number', '=', n).orderBy('number').execute();
      await waitFor(async () => (await actions()).length === 2 && (await e.t.rt.jobs.show(String(n))).status === 'waiting');
      const open = await actions();
      expect(open.map((a) => [a.step_id, a.activity_name]).sort()).toEqual([['each[0].ask', 'Approve disk'], ['each[1].ask', 'Approve ram']]);
      const ram = open.find((a) => a.step_id === 'each[1].ask')!;
      const disk = open.find((a) => a.step_id === 'each[0].ask')!;
      expect((await e.op('alice', 'completeAction', { id: b64(`Action:${n}---${ram.number}`), parameters: [{ name: 'OK', textValue: 'ram ok' }] })).status).toBe(200);
      await waitFor(async () => (await e.t.rt.jobs.show(String(n))).steps!.some((s) => s.id === 'each[1]' && s.status === 'succeeded'));
      expect((await e.t.rt.jobs.show(String(n))).status).toBe('waiting');
      expect((await e.op('alice', 'completeAction', { id: b64(`Action:${n}---${disk.number}`), parameters: [{ name: 'OK', textValue: 'disk ok' }] })).status).toBe(200);
      const job = await waitJob(e.t.rt, (await e.t.rt.jobs.show(String(n))).id);
      expect(job.status).toBe('succeeded');
      expect(job.steps!.find((s) => s.id === 'each')!.output).toEqual([{ item: 'disk', ok: 'disk ok' }, { item: 'ram', ok: 'ram ok' }]);
    });
  });
}
