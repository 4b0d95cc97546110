import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { waitJob } from '../runtime-helpers.js';
import { b64, opsEnv, PURCHASE, waitAction, type OpsEnv } from './helpers.js';

// The connector drives Hookflow's own /ops endpoint, over real HTTP, from a recipe's steps.
for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`workflowgen.operation against /ops on ${dialect}`, () => {
    let e: OpsEnv;
    let base: string;
    beforeAll(async () => {
      e = await opsEnv(dialect);
      await e.t.rt.recipes.apply(PURCHASE);
      base = await e.app.listen({ port: 0, host: '127.0.0.1' });
      await e.t.rt.connections.create({ name: 'wfg', type: 'workflowgen', config: { allow_private_network: true }, secrets: { url: `${base}${e.paths.alice}` } });
      await e.t.rt.connections.create({ name: 'wfg-guarded', type: 'workflowgen', secrets: { url: `${base}${e.paths.alice}` } });
      for (const connection of ['wfg', 'wfg-guarded']) {
        await e.t.rt.recipes.apply({
          name: `driver-${connection}`, trigger: { type: 'webhook' },
          steps: [{ id: 'op', action: 'workflowgen.operation', connection, retry: { attempts: 1 }, with: { operation: '{{ trigger.body.operation }}', input: '{{ trigger.body.input }}' } }],
        });
      }
    });
    afterAll(async () => { await e?.close(); });

    const drive = async (body: Record<string, unknown>, connection = 'wfg') => {
      const { id } = await e.t.rt.queue.enqueue({ recipe: `driver-${connection}`, recipe_version: 1, trigger: { body } });
      e.t.rt.worker?.notify();
      return waitJob(e.t.rt, id);
    };

    it('creates a request and completes its action; the answers are the step outputs', async () => {
      const created = await drive({ operation: 'createRequest', input: { processName: 'PURCHASE', parameters: [{ name: 'AMOUNT', numericValue: 3 }] } });
      expect(created.status, JSON.stringify(created.error)).toBe('succeeded');
      const out = created.steps![0]!.output as { number: number; requestId: string; clientMutationId: string };
      expect(out).toMatchObject({ processName: 'PURCHASE', processVersion: 1, requestId: b64(`Request:${out.number}`), onBehalfOf: null });
      // Without one of its own, the step's idempotency key goes out as clientMutationId.
      expect(out.clientMutationId).toBe(created.steps![0]!.idempotency_key);
      await waitAction(e, out.number);
      const done = await drive({ operation: 'completeAction', input: { requestNumber: out.number, actionNumber: 1, clientMutationId: 'x', parameters: [{ name: 'DECISION', textValue: 'ok' }] } });
      expect(done.steps![0]!.output).toMatchObject({ requestNumber: out.number, number: 1, activityName: 'Approve purchase', clientMutationId: 'x' });
    });

    it('maps error answers to HF_ERR_WORKFLOWGEN with the remote code, and refuses private addresses unless allowed', async () => {
      const failed = await drive({ operation: 'createRequest', input: { processName: 'NOPE' } });
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatchObject({ code: 'HF_ERR_WORKFLOWGEN', details: { status: 404, error: { code: 'HF_ERR_OPS_PROCESS_UNKNOWN' } } });
      expect(JSON.stringify(failed)).not.toContain(e.paths.alice!.split('/').pop());
      const bad = await drive({ operation: 'dropEverything', input: {} });
      expect(bad.error).toMatchObject({ code: 'HF_ERR_VALIDATION' });
      const guarded = await drive({ operation: 'createRequest', input: { processName: 'PURCHASE' } }, 'wfg-guarded');
      expect(guarded.error).toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
    });
  });
}
