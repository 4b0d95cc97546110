/**
 * Big and deep bodies against the jobs API: a list of fifty jobs with 1 MB triggers answers
 * summaries (markers instead of bodies), the job page caps big values and serves each as a
 * byte-exact download, and a body nested too deep is refused at every door.
 */
import { execFile } from 'node:child_process';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CLI } from './helpers/proc.js';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitJob, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';

const ADMIN = 'hf_test_admin_token';
const auth = { authorization: `Bearer ${ADMIN}` };
const JOBS = 50;

function cli(env: Record<string, string>, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${args.join(' ')}: ${stderr || err.message}`)); else resolve(stdout);
    });
  });
}

/** About 1 MB of JSON with multi-byte characters, so bytes and characters differ. */
function bigBody(i: number): string {
  return JSON.stringify({ i, text: 'é€'.repeat(200_000), list: Array.from({ length: 2000 }, (_, k) => ({ k })) });
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`job bodies on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let hook: string;
    const ids: string[] = [];
    const bodies: string[] = [];

    beforeAll(async () => {
      t = await testRuntime(dialect);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
      const r = await app.inject({ method: 'PUT', url: '/api/v1/recipes/big', headers: auth, payload: { name: 'big', trigger: { type: 'webhook' }, steps: [{ id: 'copy', action: 'transform', with: { all: '{{ trigger.body }}' } }] } });
      expect(r.statusCode, r.body).toBeLessThan(300);
      hook = new URL(r.json().trigger_url).pathname;
      for (let i = 0; i < JOBS; i++) {
        bodies.push(bigBody(i));
        const a = await app.inject({ method: 'POST', url: hook, headers: { 'content-type': 'application/json' }, payload: bodies[i] });
        expect(a.statusCode, a.body).toBe(200);
        ids.push(a.json().job_id);
      }
      for (const id of ids) await waitJob(t.rt, id, 60_000);
    }, 180_000);
    afterAll(async () => { await app?.close(); await t?.close(); });

    it('lists fifty 1 MB jobs in a small answer, each trigger a marker with its byte size', async () => {
      const r = await app.inject({ method: 'GET', url: '/api/v1/jobs?recipe=big&limit=500', headers: auth });
      expect(r.statusCode).toBe(200);
      console.log(`[job-bodies ${dialect}] list of ${JOBS} jobs with ~1 MB triggers: ${r.rawPayload.length} bytes`);
      expect(r.rawPayload.length).toBeLessThan(64 * 1024);
      const items = r.json().items as Array<Record<string, unknown>>;
      expect(items).toHaveLength(JOBS);
      for (const it of items) {
        expect(it).not.toHaveProperty('steps');
        const n = JSON.parse(bodies[ids.indexOf(it.id as string)]!).i as number;
        const stored = (await t.rt.store.db.selectFrom('jobs').select('trigger').where('id', '=', it.id as string).executeTakeFirstOrThrow()).trigger;
        expect(it.trigger).toEqual({ truncated: true, bytes: Buffer.byteLength(stored) });
        expect(Buffer.byteLength(stored)).toBeGreaterThan(1_000_000);
        expect(n).toBeGreaterThanOrEqual(0);
      }
    });

    it('caps the job page and downloads each full value byte for byte', async () => {
      const id = ids[7]!;
      const r = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: auth });
      expect(r.statusCode).toBe(200);
      expect(r.rawPayload.length).toBeLessThan(16 * 1024);
      const job = r.json();
      expect(job.status).toBe('succeeded');
      expect(job.trigger).toMatchObject({ truncated: true });
      expect(job.steps[0].output).toMatchObject({ truncated: true });
      expect(job.steps[0].output.bytes).toBeGreaterThan(1_000_000);

      const trig = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/values/trigger`, headers: auth });
      expect(trig.statusCode).toBe(200);
      expect(trig.headers['content-disposition']).toMatch(/^attachment; filename="job-\d+-trigger\.json"$/);
      const stored = (await t.rt.store.db.selectFrom('jobs').select('trigger').where('id', '=', id).executeTakeFirstOrThrow()).trigger;
      expect(trig.rawPayload.equals(Buffer.from(stored, 'utf8'))).toBe(true);
      expect(trig.rawPayload.length).toBe(job.trigger.bytes);
      expect(JSON.parse(trig.body).body).toEqual(JSON.parse(bodies[7]!));

      const out = await app.inject({ method: 'GET', url: `/api/v1/jobs/${job.number}/steps/copy/output`, headers: auth });
      expect(out.statusCode).toBe(200);
      expect(out.rawPayload.length).toBe(job.steps[0].output.bytes);
      expect(JSON.parse(out.body)).toEqual({ all: JSON.parse(bodies[7]!) });
      expect((await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/steps/nope/output`, headers: auth })).json().error.code).toBe('HF_ERR_NOT_FOUND');
      expect((await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/values/trigger` })).statusCode).toBe(401);
    });

    it('the CLI says which values are truncated and downloads them whole', async () => {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const env = { HOOKFLOW_URL: url, HOOKFLOW_TOKEN: ADMIN };
      const job = await t.rt.jobs.show(ids[3]!);
      const text = await cli(env, ['jobs', 'show', String(job.number)]);
      expect(text).toContain(`Trigger data truncated, ${(job.trigger as { bytes: number }).bytes} bytes — hookflow jobs download ${job.number} trigger`);
      expect(text).toContain(`Step copy output truncated`);
      const stored = (await t.rt.store.db.selectFrom('jobs').select('trigger').where('id', '=', ids[3]!).executeTakeFirstOrThrow()).trigger;
      expect(await cli(env, ['jobs', 'download', String(job.number), 'trigger'])).toBe(stored);
      expect(JSON.parse(await cli(env, ['jobs', 'download', job.id, 'output', '--step', 'copy']))).toEqual({ all: JSON.parse(bodies[3]!) });
    }, 120_000);

    it('keeps small values whole in the list and on the job page', async () => {
      const a = await app.inject({ method: 'POST', url: hook, headers: { 'content-type': 'application/json' }, payload: { small: 'é' } });
      const job = await waitJob(t.rt, a.json().job_id);
      expect(job.steps![0]!.output).toEqual({ all: { small: 'é' } });
      const list = (await app.inject({ method: 'GET', url: '/api/v1/jobs?recipe=big&limit=1', headers: auth })).json();
      expect(list.items[0].trigger.body).toEqual({ small: 'é' });
    });

    it('refuses deep bodies at every door and never 500s on deep data already stored', async () => {
      const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
      const deepObj = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
      const json = { 'content-type': 'application/json' };
      const ops = new URL((await t.rt.opsApps.create({ name: 'deep-app' })).url).pathname;
      const refused = [
        await app.inject({ method: 'POST', url: hook, headers: json, payload: deep(10_000) }),
        await app.inject({ method: 'POST', url: hook, headers: json, payload: `{"x":${deepObj(129)}}` }),
        await app.inject({ method: 'POST', url: hook, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `a${'[b]'.repeat(200)}=1` }),
        await app.inject({ method: 'POST', url: hook, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `a${'%5Bb%5D'.repeat(200)}=1` }),
        await app.inject({ method: 'POST', url: `/hooks/${'x'.repeat(40)}`, headers: { 'content-type': 'text/plain' }, payload: deepObj(5000) }),
        await app.inject({ method: 'POST', url: '/api/events', headers: json, payload: `{"integrationKey":"k","eventType":"ALERT","summary":"s","customDetails":${deep(10_000)}}` }),
        await app.inject({ method: 'POST', url: ops, headers: json, payload: `{"operation":"createRequest","args":{"input":${deepObj(10_000)}}}` }),
        await app.inject({ method: 'PUT', url: '/api/v1/recipes/deep', headers: { ...auth, ...json }, payload: `{"name":"deep","trigger":{"type":"webhook"},"steps":${deep(10_000)}}` }),
        await app.inject({ method: 'POST', url: '/api/v1/connections', headers: { ...auth, ...json }, payload: `{"name":"c","type":"http","config":${deepObj(129)}}` }),
      ];
      for (const r of refused) {
        expect(r.statusCode, r.body).toBe(400);
        expect(r.json().error.code).toBe('HF_ERR_BODY_TOO_DEEP');
      }
      // At the limit is fine: 127 levels inside the body, 128 with it.
      const ok = await app.inject({ method: 'POST', url: hook, headers: json, payload: deep(128) });
      expect(ok.statusCode, ok.body).toBe(200);

      // A deep value that got in before the limit existed: list and page answer, with the marker.
      const old = ids[0]!;
      const text = `{"body":${deep(10_000)},"headers":{},"query":{},"method":"POST","received_at":"2026-01-01T00:00:00.000Z"}`;
      await t.rt.store.db.updateTable('jobs').set({ trigger: text }).where('id', '=', old).execute();
      await t.rt.store.db.updateTable('jobs').set({ trigger: text.slice(0, 14_000) + text.slice(-6000) }).where('id', '=', ids[1]!).execute();
      const list = await app.inject({ method: 'GET', url: '/api/v1/jobs?recipe=big&limit=500', headers: auth });
      expect(list.statusCode).toBe(200);
      const page = await app.inject({ method: 'GET', url: `/api/v1/jobs/${ids[1]}`, headers: auth });
      expect(page.statusCode, page.body).toBe(200);
      expect(page.json().trigger).toEqual({ truncated: true, bytes: 20_000 });
      const dl = await app.inject({ method: 'GET', url: `/api/v1/jobs/${ids[1]}/values/trigger`, headers: auth });
      expect(dl.body.length).toBe(20_000);
    });
  });
}
