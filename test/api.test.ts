import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitJob, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';

const FIXTURES = path.resolve(__dirname, 'fixtures');
const ADMIN = 'hf_test_admin_token';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`API and hooks on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    const auth = (token = ADMIN) => ({ authorization: `Bearer ${token}` });
    const put = async (recipe: object) => {
      const r = await app.inject({ method: 'PUT', url: `/api/v1/recipes/${(recipe as { name: string }).name}`, headers: auth(), payload: recipe });
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json() as { trigger_url: string; version: number };
    };
    const hookPath = (url: string) => new URL(url).pathname;

    beforeAll(async () => {
      t = await testRuntime(dialect);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
    });
    afterAll(async () => { await app?.close(); await t?.close(); });

    it('requires a bearer token and respects roles', async () => {
      expect((await app.inject({ method: 'GET', url: '/api/v1/recipes' })).json()).toMatchObject({ error: { code: 'HF_ERR_UNAUTHENTICATED' } });
      expect((await app.inject({ method: 'GET', url: '/api/v1/recipes', headers: auth('hf_wrong') })).statusCode).toBe(401);
      await app.inject({ method: 'POST', url: '/api/v1/users', headers: auth(), payload: { username: 'vera', roles: ['viewer'] } });
      const tok = (await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(), payload: { username: 'vera', role: 'viewer' } })).json().token as string;
      expect((await app.inject({ method: 'GET', url: '/api/v1/recipes', headers: auth(tok) })).statusCode).toBe(200);
      const denied = await app.inject({ method: 'PUT', url: '/api/v1/recipes/x', headers: auth(tok), payload: {} });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('HF_ERR_FORBIDDEN');
      const escalate = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(), payload: { username: 'vera', role: 'admin' } });
      expect(escalate.statusCode).toBe(403);
    });

    it('serves an OpenAPI document built from the route schemas', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/recipes/{name}', '/api/v1/jobs', '/api/v1/jobs/{id}/repeat', '/api/v1/connections']));
      expect(doc.paths['/api/v1/jobs'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['recipe', 'status', 'q', 'filter', 'number', 'id', 'from', 'to', 'limit', 'cursor']);
    });

    it('reports an invalid YAML recipe with path and line', async () => {
      const yaml = 'name: broken\ntrigger:\n  type: webhook\nsteps:\n  - id: one\n    action: "Not An Action"\n';
      const r = await app.inject({ method: 'PUT', url: '/api/v1/recipes/broken', headers: { ...auth(), 'content-type': 'application/yaml' }, payload: yaml });
      expect(r.statusCode).toBe(422);
      const err = r.json().error;
      expect(err.code).toBe('HF_ERR_RECIPE_INVALID');
      expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/steps/0/action', line: 6 })]));
    });

    it('accepts the 4me form-encoded fixture and nests bracket keys', async () => {
      const { trigger_url } = await put({ name: 'form', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: { team: '{{ trigger.body.payload.team.id }}' } }] });
      const body = fs.readFileSync(path.join(FIXTURES, '4me-webhook-form-encoded.http'), 'utf8').split(/\r?\n\r?\n/)[1]!;
      const r = await app.inject({ method: 'POST', url: hookPath(trigger_url), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, payload: body });
      expect(r.statusCode).toBe(200);
      const job = await waitJob(t.rt, r.json().job_id);
      expect(job.steps![0]!.output).toEqual({ team: '372' });
    });

    it('verifies raw HMAC, basic, header token and query secret; never stores the credential', async () => {
      const cases = [
        { verify: { type: 'hmac', header: 'X-Hub-Signature-256', secret: 's3cret', prefix: 'sha256=' }, good: (b: string) => ({ headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', 's3cret').update(b).digest('hex')}` } }), bad: { headers: { 'x-hub-signature-256': 'sha256=00' } } },
        { verify: { type: 'basic', username: 'u', password: 'p4ss' }, good: () => ({ headers: { authorization: `Basic ${Buffer.from('u:p4ss').toString('base64')}` } }), bad: { headers: { authorization: `Basic ${Buffer.from('u:nope').toString('base64')}` } } },
        { verify: { type: 'header_token', header: 'X-Token', token: 'tok-123456' }, good: () => ({ headers: { 'x-token': 'tok-123456' } }), bad: { headers: { 'x-token': 'tok-999' } } },
        { verify: { type: 'query_secret', param: 'key', secret: 'q-secret-1' }, good: () => ({ query: '?key=q-secret-1' }), bad: { query: '?key=wrong' } },
      ];
      for (const [i, c] of cases.entries()) {
        const { trigger_url } = await put({ name: `verify-${i}`, trigger: { type: 'webhook', verify: c.verify }, steps: [{ id: 's', action: 'transform', with: {} }] });
        const payload = JSON.stringify({ i });
        const g = c.good(payload) as { headers?: Record<string, string>; query?: string };
        const b = c.bad as { headers?: Record<string, string>; query?: string };
        const bad = await app.inject({ method: 'POST', url: hookPath(trigger_url) + (b.query ?? ''), headers: { 'content-type': 'application/json', ...b.headers }, payload });
        expect(bad.statusCode, c.verify.type).toBe(401);
        expect(bad.json().error.code).toBe('HF_ERR_SIGNATURE_INVALID');
        const ok = await app.inject({ method: 'POST', url: hookPath(trigger_url) + (g.query ?? ''), headers: { 'content-type': 'application/json', ...g.headers }, payload });
        expect(ok.statusCode, c.verify.type).toBe(200);
        const job = await t.rt.jobs.show(ok.json().job_id);
        const stored = JSON.stringify(job.trigger);
        for (const secret of ['p4ss', 'tok-123456', 'q-secret-1', Buffer.from('u:p4ss').toString('base64')]) expect(stored).not.toContain(secret);
      }
    });

    it('verifies a 4me-style JWT body and dedups on its jti', async () => {
      const secret = 'a-webhook-policy-secret-of-32-bytes!';
      const { trigger_url } = await put({ name: 'jwt', trigger: { type: 'webhook', verify: { type: 'jwt', algorithms: ['HS256'], secret, location: { body_field: 'jwt' } } }, steps: [{ id: 's', action: 'transform', with: { event: '{{ trigger.body.jwt }}' } }] });
      const data = JSON.parse(fs.readFileSync(path.join(FIXTURES, '4me-webhook-json.json'), 'utf8'));
      const jwt = await new SignJWT({ data }).setProtectedHeader({ alg: 'HS256' }).setJti('delivery-1').setIssuedAt().sign(new TextEncoder().encode(secret));
      const send = (token: string) => app.inject({ method: 'POST', url: hookPath(trigger_url), headers: { 'content-type': 'application/json' }, payload: { jwt: token } });
      const first = await send(jwt);
      expect(first.statusCode).toBe(200);
      const again = await send(jwt);
      expect(again.json()).toEqual({ status: 'accepted', job_id: first.json().job_id, duplicate: true });
      const forged = await new SignJWT({ data }).setProtectedHeader({ alg: 'HS256' }).setJti('delivery-2').sign(new TextEncoder().encode('another-secret-entirely-32-bytes'));
      expect((await send(forged)).statusCode).toBe(401);
    });

    it('refuses addresses outside the allowlist and trusts X-Forwarded-For only from proxies', async () => {
      const { trigger_url } = await put({ name: 'ips', trigger: { type: 'webhook', allow_ips: { cidrs: ['10.0.0.0/8'], trusted_proxies: ['127.0.0.1/32'] } }, steps: [{ id: 's', action: 'transform', with: {} }] });
      const send = (headers: Record<string, string>) => app.inject({ method: 'POST', url: hookPath(trigger_url), headers: { 'content-type': 'application/json', ...headers }, payload: '{}', remoteAddress: '127.0.0.1' });
      const denied = await send({});
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('HF_ERR_IP_NOT_ALLOWED');
      expect((await send({ 'x-forwarded-for': '10.1.2.3' })).statusCode).toBe(200);
    });

    it('answers with the job result in respond-when-done mode, or 202 when it takes longer', async () => {
      const { trigger_url } = await put({ name: 'sync', trigger: { type: 'webhook', response: { mode: 'when_done', timeout_seconds: 5 } }, steps: [{ id: 's', action: 'transform', with: { doubled: '{{ trigger.body.n * 2 }}' } }] });
      const r = await app.inject({ method: 'POST', url: hookPath(trigger_url), headers: { 'content-type': 'application/json' }, payload: { n: 4 } });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ status: 'succeeded', result: { doubled: 8 } });
      const slow = await put({ name: 'slow', trigger: { type: 'webhook', response: { mode: 'when_done', timeout_seconds: 1 } }, steps: [{ id: 'w', action: 'wait', with: { seconds: 30 } }] });
      const r2 = await app.inject({ method: 'POST', url: hookPath(slow.trigger_url), headers: { 'content-type': 'application/json' }, payload: {} });
      expect(r2.statusCode).toBe(202);
      expect(r2.json()).toMatchObject({ status: 'accepted' });
    });

    it('keeps connection secrets write-only and encrypted at rest', async () => {
      const c = await app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth(), payload: { name: 'crm', type: 'http', config: { base_url: 'https://crm.example.com' }, secrets: { password: 'super-secret-pw' } } });
      expect(c.statusCode).toBe(201);
      expect(c.body).not.toContain('super-secret-pw');
      expect(c.json().secret_fields).toEqual(['password']);
      const list = await app.inject({ method: 'GET', url: '/api/v1/connections', headers: auth() });
      expect(list.body).not.toContain('super-secret-pw');
      const row = await t.rt.store.db.selectFrom('connections').selectAll().where('name', '=', 'crm').executeTakeFirstOrThrow();
      expect(row.secrets).not.toContain('super-secret-pw');
      expect((await t.rt.connections.resolve('crm')).secrets).toEqual({ password: 'super-secret-pw' });
    });

    it('lists jobs with filters and a cursor; stopped recipes refuse events', async () => {
      const { trigger_url } = await put({ name: 'paged', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: {} }] });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await app.inject({ method: 'POST', url: hookPath(trigger_url), headers: { 'content-type': 'application/json' }, payload: { i } })).json().job_id);
      const p1 = (await app.inject({ method: 'GET', url: '/api/v1/jobs?recipe=paged&limit=3', headers: auth() })).json();
      expect(p1.items).toHaveLength(3);
      const p2 = (await app.inject({ method: 'GET', url: `/api/v1/jobs?recipe=paged&limit=3&cursor=${p1.next_cursor}`, headers: auth() })).json();
      expect(p2.next_cursor).toBeNull();
      expect([...p1.items, ...p2.items].map((j: { id: string }) => j.id)).toEqual(ids.reverse());
      await app.inject({ method: 'POST', url: '/api/v1/recipes/paged/stop', headers: auth() });
      await new Promise((r) => setTimeout(r, 10));
      const refused = await app.inject({ method: 'POST', url: hookPath(trigger_url), headers: { 'content-type': 'application/json' }, payload: {} });
      expect(refused.json().error.code).toBe('HF_ERR_HOOK_DISABLED');
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/hookflow_events_rejected_total\{reason="stopped"\} 1/);
      expect(metrics).toMatch(/hookflow_jobs\{status="succeeded"\} \d+/);
    });
  });
}
