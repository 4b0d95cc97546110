import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { waitJob } from '../runtime-helpers.js';
import { ADMIN, b64, createPurchase, opsEnv, PURCHASE, REVIEW, waitAction, type OpsEnv } from './helpers.js';

const ESCALATE = {
  name: 'escalate', trigger: { type: 'operation' },
  steps: [
    { id: 'ask', action: 'human.action', with: { assignee: 'bob', due_seconds: 0.3 }, on_timeout: [{ id: 'late', action: 'transform', with: { escalated: true } }] },
    { id: 'after', action: 'transform', with: { outcome: '{{ steps.ask._action.outcome }}' } },
  ],
};

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`actions and ops-apps REST API on ${dialect}`, () => {
    let e: OpsEnv;
    const tokens: Record<string, string> = {};
    const call = async (as: string, method: string, url: string, payload?: unknown) => {
      const r = await e.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${tokens[as] ?? ADMIN}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
      return { status: r.statusCode, body: r.body ? r.json() : null };
    };
    beforeAll(async () => {
      e = await opsEnv(dialect);
      for (const r of [PURCHASE, REVIEW, ESCALATE]) await e.t.rt.recipes.apply(r);
      for (const u of ['alice', 'bob']) tokens[u] = (await e.t.rt.users.createToken(u, 'viewer')).token;
    });
    afterAll(async () => { await e?.close(); });

    it('people list their actions (by name and by role) and complete them with their own token', async () => {
      const a = await createPurchase(e);
      const r = await e.op('alice', 'createRequest', { processName: 'review' });
      await waitAction(e, r.body.number);
      const mine = (await call('alice', 'GET', '/actions?assignee=me')).body.items.map((x: { id: string }) => x.id);
      expect(mine).toEqual(expect.arrayContaining([a.action, b64(`Action:${r.body.number}---1`)]));
      const bobs = (await call('bob', 'GET', '/actions?assignee=me')).body.items.map((x: { id: string }) => x.id);
      expect(bobs).toContain(b64(`Action:${r.body.number}---1`));
      expect(bobs).not.toContain(a.action);
      expect((await call('bob', 'GET', '/actions?assignee=alice')).status).toBe(403);
      expect((await call('bob', 'POST', `/actions/${a.action}/complete`, { values: { DECISION: 'mine' } })).body.error.code).toBe('HF_ERR_OPS_SECURITY');
      const done = await call('alice', 'POST', `/actions/${a.action}/complete`, { values: { DECISION: 'via rest', LIMIT: 10 } });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body.action).toMatchObject({ id: a.action, status: 'completed', closed_by: 'alice', request_number: a.number });
      const j = await waitJob(e.t.rt, (await e.t.rt.jobs.show(String(a.number))).id);
      expect(j.steps!.find((s) => s.id === 'approve')!.output).toMatchObject({ DECISION: 'via rest', LIMIT: 10 });
      expect((await call('alice', 'GET', `/actions/${a.number}---1`)).body.status).toBe('completed');
      const assigned = await call('bob', 'POST', `/actions/${r.body.number}---1/assign`, { username: 'bob' });
      expect(assigned.body.action.assignee).toBe('bob');
      expect((await call('bob', 'POST', `/actions/${r.body.number}---1/unassign`)).body.action.assignee).toBeNull();
    });

    it('titles a request\'s job from its trigger, request number included', async () => {
      await e.t.rt.recipes.apply({ name: 'titled-op', title: 'Request {{ trigger.request.number }} by {{ trigger.user.username }}', trigger: { type: 'operation' }, steps: [{ id: 'x', action: 'transform', with: {} }] } as never);
      const r = await e.op('alice', 'createRequest', { processName: 'titled-op' });
      expect(r.status).toBe(200);
      const j = await e.t.rt.jobs.show(String(r.body.number));
      expect(j.title).toBe(`Request ${r.body.number} by ${(j.trigger as { user: { username: string } }).user.username}`);
    });

    it('an action of a job canceled through the jobs API answers that the request is closed', async () => {
      const a = await createPurchase(e);
      await e.t.rt.jobs.cancel(String(a.number));
      const r = await e.op('alice', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', textValue: 'y' }] });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('HF_ERR_OPS_REQUEST_CLOSED');
    });

    it('a due time with on_timeout escalates when nobody acts', async () => {
      const r = await e.op('alice', 'createRequest', { processName: 'escalate' });
      const j = await waitJob(e.t.rt, (await e.t.rt.jobs.show(String(r.body.number))).id);
      expect(j.status).toBe('succeeded');
      expect(j.steps!.map((s) => s.id)).toEqual(['ask', 'late', 'after']);
      expect(j.steps!.find((s) => s.id === 'after')!.output).toEqual({ outcome: 'timed_out' });
      const late = await e.op('bob', 'completeAction', { requestNumber: r.body.number, actionNumber: 1 });
      expect(late.body.error).toMatchObject({ code: 'HF_ERR_OPS_ACTION_CLOSED' });
    });

    it('ops-apps: admins create, see the URL again, rename, rotate and delete; others may not', async () => {
      const c = await call('admin', 'POST', '/ops-apps', { name: 'erp', description: 'ERP', impersonate_user: 'sys' });
      expect(c.status).toBe(201);
      expect(c.body).toMatchObject({ name: 'erp', impersonate_user: 'sys', enabled: true, url: expect.stringMatching(/\/ops\/[A-Za-z0-9_-]{32}$/) });
      expect((await call('admin', 'GET', `/ops-apps/${c.body.id}`)).body.url).toBe(c.body.url);
      const renamed = await call('admin', 'PATCH', '/ops-apps/erp', { name: 'erp2', enabled: false });
      expect(renamed.body).toMatchObject({ name: 'erp2', enabled: false, url: c.body.url });
      const rotated = await call('admin', 'POST', '/ops-apps/erp2/rotate');
      expect(rotated.body.url).not.toBe(c.body.url);
      expect((await call('alice', 'GET', '/ops-apps')).status).toBe(403);
      expect((await call('admin', 'POST', '/ops-apps', { name: 'x', impersonate_user: 'ghost' })).status).toBe(404);
      expect((await call('admin', 'DELETE', '/ops-apps/erp2')).status).toBe(204);
      expect((await call('admin', 'GET', '/ops-apps/erp2')).status).toBe(404);
      const u = await call('admin', 'PATCH', '/users/nobody', { workflow_roles: ['participant'] });
      expect(u.body.workflow_roles).toEqual(['participant']);
    });
  });
}
