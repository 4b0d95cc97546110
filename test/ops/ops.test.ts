import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { waitJob } from '../runtime-helpers.js';
import { ADMIN, b64, createPurchase, opsEnv, PURCHASE, REVIEW, waitAction, type OpsEnv } from './helpers.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`operations on ${dialect}`, () => {
    let e: OpsEnv;
    beforeAll(async () => {
      e = await opsEnv(dialect);
      await e.t.rt.recipes.apply(PURCHASE);
      await e.t.rt.recipes.apply(REVIEW);
    });
    afterAll(async () => { await e?.close(); });
    const job = (n: number) => e.t.rt.jobs.show(String(n));

    it('createRequest: a job waiting for its action; completeAction: the form values become the step output', async () => {
      const r = await e.op('alice', 'createRequest', { processName: 'PURCHASE', clientMutationId: 'm-1', parameters: [
        { name: 'AMOUNT', numericValue: 99.5 }, { name: 'REASON', textValue: 'laptop' }, { name: 'WHEN', dateTimeValue: '2025-03-01T10:00:00+01:00' },
      ] });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ processName: 'PURCHASE', processVersion: 1, clientMutationId: 'm-1', requestId: b64(`Request:${r.body.number}`), number: r.body.number, onBehalfOf: null, onBehalfOfUserName: null });
      await waitAction(e, r.body.number);
      const j = await job(r.body.number);
      expect(j.trigger).toMatchObject({ request: { number: r.body.number, parameters: { AMOUNT: 99.5, REASON: 'laptop', WHEN: '2025-03-01T09:00:00.000Z' }, is_test: false }, user: { username: 'alice' }, on_behalf_of: null });
      expect(j.steps![0]!.output).toMatchObject({ suspended: { action: { id: b64(`Action:${r.body.number}---1`), assignee: 'alice', activity_name: 'Approve purchase' } } });
      const done = await e.op('alice', 'completeAction', { id: b64(`Action:${r.body.number}---1`), clientMutationId: 'c-1', parameters: [{ name: 'DECISION', textValue: 'yes' }, { name: 'LIMIT', numericValue: 500 }] });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body).toEqual({ requestNumber: r.body.number, number: 1, activityName: 'Approve purchase', clientMutationId: 'c-1', isTest: false, onBehalfOf: null, onBehalfOfUserName: null, id: b64(`Action:${r.body.number}---1`) });
      const final = await waitJob(e.t.rt, j.id);
      expect(final.status).toBe('succeeded');
      expect(final.steps!.find((s) => s.id === 'approve')!.output).toMatchObject({ DECISION: 'yes', LIMIT: 500, _action: { outcome: 'completed', by: 'alice' } });
      expect(final.steps!.find((s) => s.id === 'done')!.output).toEqual({ decision: 'yes', amount: 99.5, by: 'alice' });
    });

    it('accepts numbers and ids alike: processId, request number, requestNumber + actionNumber, User ids', async () => {
      const procs = (await e.app.inject({ method: 'GET', url: '/api/v1/ops-processes', headers: { authorization: `Bearer ${ADMIN}` } })).json().items;
      const p = procs.find((x: { processName: string }) => x.processName === 'PURCHASE');
      expect(p).toMatchObject({ id: b64(`Process:${p.number}`), processVersion: 1, recipe: 'purchase' });
      for (const processId of [p.id, p.number, String(p.number)]) {
        const r = await e.op('alice', 'createRequest', { processId, isTest: true, parameters: [{ name: 'AMOUNT', numericValue: 1 }] });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.processName).toBe('PURCHASE');
      }
      const a = await createPurchase(e);
      const byNumbers = await e.op('alice', 'completeAction', { requestNumber: a.number, actionNumber: 1, parameters: [{ name: 'DECISION', textValue: 'ok' }] });
      expect(byNumbers.body).toMatchObject({ requestNumber: a.number, number: 1, id: a.action });
      const b = await createPurchase(e);
      expect((await e.op('sys', 'updateRequestDataset', { number: b.number, parameters: [{ name: 'REASON', textValue: 'by number' }] })).body).toEqual({ clientMutationId: null, number: b.number, id: b.requestId });
      expect((await e.op('sys', 'updateRequestDataset', { id: b.requestId, parameters: [{ name: 'AMOUNT', numericValue: 7 }] })).status).toBe(200);
      expect((await job(b.number)).trigger).toMatchObject({ request: { parameters: { AMOUNT: 7, REASON: 'by number' } } });
      const bob = await e.t.rt.users.get('bob');
      for (const assigneeId of [b64(`User:${bob.id}`), bob.id]) {
        const r = await e.op('sam', 'assignAction', { id: `${b.number}---1`, assigneeId });
        expect(r.body).toEqual({ assigneeId: b64(`User:${bob.id}`), clientMutationId: null, id: b.action, number: 1, onBehalfOf: null, onBehalfOfUserName: null, requestNumber: b.number });
      }
    });

    it('isTest (or inTest) marks the request, and completeAction answers it', async () => {
      const r = await e.op('alice', 'createRequest', { processName: 'PURCHASE', inTest: true, parameters: [{ name: 'AMOUNT', numericValue: 1 }] });
      await waitAction(e, r.body.number);
      expect((await job(r.body.number)).trigger).toMatchObject({ request: { is_test: true } });
      const c = await e.op('alice', 'completeAction', { requestNumber: r.body.number, actionNumber: 1, parameters: [{ name: 'DECISION', textValue: 'x' }] });
      expect(c.body.isTest).toBe(true);
    });

    it('cancelRequest cancels the job and closes its open actions', async () => {
      const a = await createPurchase(e);
      const r = await e.op('alice', 'cancelRequest', { number: a.number, notifyParticipant: true, clientMutationId: 'x' });
      expect(r.body).toEqual({ clientMutationId: 'x', number: a.number, id: a.requestId, notifyParticipant: true, onBehalfOf: null, onBehalfOfUserName: null });
      expect((await job(a.number)).status).toBe('canceled');
      const again = await e.op('alice', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', textValue: 'late' }] });
      // The action was closed by its request's cancel: the answer names the cause, the closed request.
      expect(again.body.error).toMatchObject({ code: 'HF_ERR_OPS_REQUEST_CLOSED' });
      const b = await createPurchase(e);
      expect((await e.op('pm', 'cancelRequest', { id: b.requestId })).body.notifyParticipant).toBe(false);
    });

    it('cancelAction: CANCEL takes on_cancel, ERROR takes on_exception with its message', async () => {
      const a = await createPurchase(e);
      const r = await e.op('pm', 'cancelAction', { id: a.action, type: 'CANCEL', onBehalfOfUserName: 'alice' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const alice = await e.t.rt.users.get('alice');
      expect(r.body).toEqual({ clientMutationId: null, exception: null, id: a.action, number: 1, onBehalfOf: b64(`User:${alice.id}`), onBehalfOfUserName: 'alice', requestNumber: a.number, type: 'CANCEL' });
      const j1 = await waitJob(e.t.rt, (await job(a.number)).id);
      expect(j1.steps!.map((s) => s.id)).toEqual(['approve', 'canceled', 'done']);
      const b = await createPurchase(e);
      const err = await e.op('pm', 'cancelAction', { requestNumber: b.number, actionNumber: 1, type: 'ERROR', exception: { message: 'supplier gone', source: 'erp' } });
      expect(err.body).toMatchObject({ type: 'ERROR', exception: { message: 'supplier gone', source: 'erp' } });
      const j2 = await waitJob(e.t.rt, (await job(b.number)).id);
      expect(j2.steps!.find((s) => s.id === 'errored')!.output).toEqual({ message: 'supplier gone' });
    });

    it('assignAction and cancelActionAssignment move an action between a role and people', async () => {
      const r = await e.op('alice', 'createRequest', { processName: 'review' });
      await waitAction(e, r.body.number);
      const id = b64(`Action:${r.body.number}---1`);
      const took = await e.op('bob', 'assignAction', { id, assigneeUserName: 'bob' });
      expect(took.status, JSON.stringify(took.body)).toBe(200);
      expect((await e.op('alice', 'completeAction', { id })).body.error.code).toBe('HF_ERR_OPS_SECURITY');
      const un = await e.op('bob', 'cancelActionAssignment', { id, clientMutationId: 'u' });
      expect(un.body).toEqual({ clientMutationId: 'u', id, number: 1, onBehalfOf: null, requestNumber: r.body.number });
      // Unassigned again: any participant may complete it, with any parameters (no form).
      expect((await e.op('alice', 'completeAction', { id, parameters: [{ name: 'NOTE', textValue: 'fine' }] })).status).toBe(200);
      const j = await waitJob(e.t.rt, (await job(r.body.number)).id);
      expect(j.steps!.find((s) => s.id === 'after')!.output).toEqual({ note: 'fine' });
    });

    it('delegation: the answer names the delegator; the request records both people', async () => {
      const alice = await e.t.rt.users.get('alice');
      const r = await e.op('sys', 'createRequest', { processName: 'PURCHASE', onBehalfOf: b64(`User:${alice.id}`), parameters: [{ name: 'AMOUNT', numericValue: 5 }] });
      expect(r.body).toMatchObject({ onBehalfOf: b64(`User:${alice.id}`), onBehalfOfUserName: 'alice' });
      await waitAction(e, r.body.number);
      expect((await job(r.body.number)).trigger).toMatchObject({ user: { username: 'sys' }, on_behalf_of: { username: 'alice' } });
      const c = await e.op('sys', 'completeAction', { requestNumber: r.body.number, actionNumber: 1, onBehalfOfUserName: 'alice', parameters: [{ name: 'DECISION', textValue: 'y' }] });
      expect(c.body).toMatchObject({ onBehalfOf: b64(`User:${alice.id}`), onBehalfOfUserName: 'alice' });
    });

    it('two completeAction calls racing on one action: exactly one wins, the other gets a clear error', async () => {
      for (let i = 0; i < 3; i++) {
        const a = await createPurchase(e);
        const both = await Promise.all(['first', 'second'].map((d) => e.op('alice', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', textValue: d }] })));
        expect(both.filter((r) => r.status === 200)).toHaveLength(1);
        const loser = both.find((r) => r.status !== 200)!;
        expect(loser.status).toBe(409);
        expect(['HF_ERR_OPS_ACTION_CLOSED', 'HF_ERR_OPS_ACTION_BUSY']).toContain(loser.body.error.code);
        const j = await waitJob(e.t.rt, (await job(a.number)).id);
        expect(j.status).toBe('succeeded');
      }
    });
  });
}
