/**
 * The 4me inbound side as real 4me uses it, on every dialect, over real HTTP on loopback with
 * JWTs signed here with jose (and one genuine 4me-signed token from a public integration):
 * only a failed signature is refused, everything else is 200 and in the delivery log and
 * /metrics; one broken recipe never costs another its job; replays are recognised by `jti` or
 * `X-4me-Delivery` even after the job was pruned; both brands of the account are the account;
 * policies are checked when saved; the verify callback is retried until it expires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitFor, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { forgetRoutes, fourmeToken } from '../src/triggers/fourme-routes.js';
import { handshakeTiming, resumeHandshakes } from '../src/triggers/fourme-handshake.js';
import { fourmeEndpoints } from '../src/connectors/fourme/config.js';
import { pruneInbound } from '../src/triggers/fourme-prune.js';

const ADMIN = 'hf_test_admin_token';
const REAL = JSON.parse(fs.readFileSync(new URL('./fixtures/4me-staging-verify-rs256-jwt.json', import.meta.url), 'utf8'));
const delivery = (webhookId: number, extra: Record<string, unknown> = {}) => ({
  webhook_id: webhookId, account: 'https://acme.4me.com', name: 'Task updates', event: 'task.update', object_id: 77,
  person_id: 5, person_name: 'Howard Tanner', payload: { status: 'assigned', team: { id: 372 } }, ...extra,
});

/** A loopback stand-in for 4me's `/webhooks/<id>/verify`: answers `codes` in turn, then the last one. */
async function callbackServer(codes: number[]) {
  const hits: string[] = [];
  const srv = http.createServer((req, res) => { hits.push(req.url ?? ''); res.statusCode = codes[Math.min(hits.length - 1, codes.length - 1)]!; res.end(); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, hits, codes, close: () => new Promise((r) => srv.close(r)) };
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`4me inbound on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let base: string;
    let hook: string;
    let cb: Awaited<ReturnType<typeof callbackServer>>;
    let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
    let rsaPem: string;
    const HS = 'hs-policy-secret-0123456789abcdef';

    const api = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: r.status, body: await r.json() as any };
    };
    const post = async (token: string, body: string | object, headers: Record<string, string> = {}) => {
      const r = await fetch(`${base}/hooks/${token}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: r.status, body: await r.json() as any };
    };
    const recipe = (name: string, trigger: Record<string, unknown>) =>
      t.rt.recipes.apply({ name, trigger: { type: '4me.webhook', connection: 'acme', ...trigger }, steps: [{ id: 'noop', action: 'transform', with: { ok: true } }] });
    const rs256 = (data: Record<string, unknown>, o: { jti?: string; iss?: string; iatS?: number } = {}) => {
      const j = new SignJWT({ data }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setSubject(String(data.webhook_id)).setIssuer(o.iss ?? 'https://acme.4me.com').setAudience('hookflow').setIssuedAt(o.iatS ?? Math.floor(Date.now() / 1000));
      return (o.jti === undefined ? j.setJti(`jti-${Math.random()}`) : o.jti ? j.setJti(o.jti) : j).sign(rsa.privateKey);
    };
    const log = async (query = '') => (await api('GET', `/4me/connections/acme/deliveries${query}`)).body.items as Array<Record<string, any>>;

    beforeAll(async () => {
      t = await testRuntime(dialect, {}, false);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
      await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      cb = await callbackServer([200]);
      rsa = await generateKeyPair('RS256');
      rsaPem = await exportSPKI(rsa.publicKey);
      await t.rt.connections.create({ name: 'acme', type: '4me', config: { account: 'acme', domain: '4me.com', base_url: cb.url, private_network: true }, secrets: { client_id: 'c', client_secret: 's' } });
      hook = await fourmeToken(t.rt.store, 'acme');
    });
    afterAll(async () => { await app?.close(); await t?.close(); await cb?.close(); });

    describe('answers that never make 4me disable the webhook', () => {
      it('a stopped recipe, an unrouted webhook and a payload that does not fit payload_schema are 200 ignored, logged and counted', async () => {
        await recipe('stopped', { webhook: 501 });
        await t.rt.recipes.setEnabled('stopped', false);
        const a = await post(hook, delivery(501));
        expect(a).toMatchObject({ status: 200, body: { status: 'ignored', reason: expect.stringContaining('stopped') } });
        const b = await post(hook, delivery(502));
        expect(b).toMatchObject({ status: 200, body: { status: 'ignored', reason: expect.stringContaining('502') } });
        await recipe('typed', { webhook: 503, payload_schema: { required: ['team'], properties: { team: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } } } });
        const c = await post(hook, delivery(503, { payload: { team: { id: 'not-a-number' } } }));
        expect(c).toMatchObject({ status: 200, body: { status: 'ignored', reason: expect.stringContaining('payload_schema') } });
        // payload_schema types a fitting payload (form text becomes numbers) and the job carries it.
        const d = await post(hook, 'webhook_id=503&event=task.update&account=https%3A%2F%2Facme.4me.com&object_id=77&payload[team][id]=372', { 'content-type': 'application/x-www-form-urlencoded' });
        expect(d.status).toBe(200);
        expect(((await t.rt.jobs.show(d.body.job_id)).trigger as any).payload.team.id).toBe(372);
        // An unreadable body is logged too, not answered 400.
        expect((await post(hook, '{not json')).body.status).toBe('ignored');

        const rows = await log();
        expect(rows.find((r) => r.webhook_id === '501')).toMatchObject({ recipe: 'stopped', outcome: 'ignored', job_id: null });
        expect(rows.find((r) => r.webhook_id === '502')).toMatchObject({ recipe: null, outcome: 'ignored', reason: expect.stringContaining('502') });
        expect(rows.find((r) => r.webhook_id === '503' && r.outcome === 'ignored')).toMatchObject({ recipe: 'typed', reason: expect.stringContaining('payload_schema') });
        expect(rows.find((r) => r.webhook_id === '503' && r.outcome === 'accepted')).toMatchObject({ job_id: d.body.job_id });
        expect((await log('?outcome=accepted')).every((r) => r.outcome === 'accepted')).toBe(true);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        expect(metrics).toMatch(/hookflow_4me_deliveries_total\{connection="acme",outcome="ignored"\} [4-9]/);
        expect(metrics).toMatch(/hookflow_4me_deliveries_total\{connection="acme",outcome="accepted"\} [1-9]/);
      });

      it('a recipe whose stored config broke does not cost the other recipe on the same webhook its job', async () => {
        await recipe('good', { webhook: 600, policy: { jwt_alg: 'rs256', public_key: rsaPem, audience: 'hookflow' } });
        await recipe('broken', { webhook: 600, policy: { jwt_alg: 'rs256', public_key: rsaPem, audience: 'hookflow' } });
        // As if stored by an older version that did not check keys: the PEM is a placeholder now.
        const v = await t.rt.store.db.selectFrom('recipe_versions').select(['version', 'definition']).where('recipe', '=', 'broken').orderBy('version', 'desc').executeTakeFirstOrThrow();
        const def = JSON.parse(v.definition);
        def.trigger.policy.public_key = '<paste the policy public key here>';
        await t.rt.store.db.updateTable('recipe_versions').set({ definition: JSON.stringify(def) }).where('recipe', '=', 'broken').where('version', '=', v.version).execute();
        forgetRoutes(t.rt.store); // routes are cached for two seconds
        const r = await post(hook, { jwt: await rs256(delivery(600)) });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body).toMatchObject({ status: 'accepted', job_ids: [expect.any(String)], ignored: [{ recipe: 'broken', reason: expect.stringContaining('public_key') }] });
        expect((await t.rt.jobs.show(r.body.job_id)).recipe).toBe('good');
        const rows = (await log()).filter((x) => x.webhook_id === '600');
        expect(rows.map((x) => [x.recipe, x.outcome]).sort()).toEqual([['broken', 'error'], ['good', 'accepted']]);
      });

      it('only a delivery no recipe can authenticate is refused, with 401', async () => {
        await recipe('signed', { webhook: 700, policy: { jwt_alg: 'hs256', secret: HS } });
        const forged = await new SignJWT({ data: delivery(700) }).setProtectedHeader({ alg: 'HS256' }).setSubject('700').setIssuer('https://acme.4me.com').setIssuedAt().sign(new TextEncoder().encode('not-the-secret-0123456789abcdef'));
        const r = await post(hook, { jwt: forged });
        expect(r).toMatchObject({ status: 401, body: { error: { code: 'HF_ERR_SIGNATURE_INVALID' } } });
        expect((await log('?outcome=refused')).some((x) => x.recipe === 'signed')).toBe(true);
      });
    });

    describe('replays', () => {
      it('the same signed delivery with the header changed or dropped is the first job; so is a repeat by header', async () => {
        await recipe('replay', { webhook: 800, policy: { jwt_alg: 'rs256', public_key: rsaPem, audience: 'hookflow' } });
        const jwt = await rs256(delivery(800), { jti: 'a'.repeat(64) });
        const first = await post(hook, { jwt }, { 'x-4me-delivery': 'd-800-1' });
        expect(first.body.duplicate).toBeUndefined();
        const changed = await post(hook, { jwt }, { 'x-4me-delivery': 'd-800-forged' });
        const dropped = await post(hook, { jwt });
        const byHeader = await post(hook, { jwt: await rs256(delivery(800), { jti: 'b'.repeat(64) }) }, { 'x-4me-delivery': 'd-800-1' });
        for (const r of [changed, dropped, byHeader]) expect(r).toEqual({ status: 200, body: { status: 'accepted', job_id: first.body.job_id, job_ids: [first.body.job_id], duplicate: true } });
        expect(await t.rt.store.db.selectFrom('jobs').select('id').where('recipe', '=', 'replay').execute()).toHaveLength(1);
      });

      it('is recognised after the job was pruned, until the de-duplication retention (90 days) passes', async () => {
        await recipe('late', { webhook: 801, policy: { jwt_alg: 'rs256', public_key: rsaPem, audience: 'hookflow' } });
        const jwt = await rs256(delivery(801));
        const first = await post(hook, { jwt });
        // Job retention removed the job (30 days by default); the key stays.
        await t.rt.store.db.deleteFrom('job_steps').where('job_id', '=', first.body.job_id).execute();
        await t.rt.store.db.deleteFrom('jobs').where('id', '=', first.body.job_id).execute();
        expect(await post(hook, { jwt })).toMatchObject({ body: { job_id: first.body.job_id, duplicate: true } });
        expect(t.rt.settings.dedupRetentionDays).toBe(90);
        await pruneInbound(t.rt.store, t.rt.settings, Date.now() + 89 * 86_400_000);
        expect(await post(hook, { jwt })).toMatchObject({ body: { duplicate: true } });
        await pruneInbound(t.rt.store, t.rt.settings, Date.now() + 91 * 86_400_000);
        const after = await post(hook, { jwt });
        expect(after.body.duplicate).toBeUndefined();
        expect(after.body.job_id).not.toBe(first.body.job_id);
      });

      it('max_age_seconds refuses a token without exp whose iat is too old', async () => {
        await recipe('aged', { webhook: 802, policy: { jwt_alg: 'rs256', public_key: rsaPem, audience: 'hookflow', max_age_seconds: 300 } });
        expect((await post(hook, { jwt: await rs256(delivery(802)) })).status).toBe(200);
        const old = await post(hook, { jwt: await rs256(delivery(802), { iatS: Math.floor(Date.now() / 1000) - 3600 }) });
        expect(old).toMatchObject({ status: 401, body: { error: { code: 'HF_ERR_SIGNATURE_STALE' } } });
      });
    });

    describe('a form body jwt=<token>', () => {
      it('is verified like the JSON body, and a non-JWT there is refused with that reason', async () => {
        await recipe('form-jwt', { webhook: 900, policy: { jwt_alg: 'hs256', secret: HS } });
        const jwt = await new SignJWT({ data: delivery(900) }).setProtectedHeader({ alg: 'HS256' }).setSubject('900').setIssuer('https://acme.4me.com').setIssuedAt().setJti('form-1').sign(new TextEncoder().encode(HS));
        const ok = await post(hook, `jwt=${jwt}`, { 'content-type': 'application/x-www-form-urlencoded' });
        expect(ok.status, JSON.stringify(ok.body)).toBe(200);
        expect(((await t.rt.jobs.show(ok.body.job_id)).trigger as any).verified_by).toBe('jwt');
        const bad = await post(hook, 'jwt=not-a-token', { 'content-type': 'application/x-www-form-urlencoded' });
        expect(bad).toMatchObject({ status: 401, body: { error: { message: expect.stringContaining('jwt field is not a JWT') } } });
      });

      it('is verified by the generic webhook trigger with verify: jwt too', async () => {
        const { trigger_url } = await t.rt.recipes.apply({ name: 'generic-jwt', trigger: { type: 'webhook', verify: { type: 'jwt', algorithms: ['HS256'], secret: HS, location: { body_field: 'jwt' } } }, steps: [{ id: 's', action: 'transform', with: {} }] } as never);
        const jwt = await new SignJWT({ data: delivery(1) }).setProtectedHeader({ alg: 'HS256' }).setJti('g-1').setIssuedAt().sign(new TextEncoder().encode(HS));
        const token = new URL(trigger_url!).pathname.split('/').pop()!;
        const a = await post(token, `jwt=${jwt}`, { 'content-type': 'application/x-www-form-urlencoded' });
        expect(a.status, JSON.stringify(a.body)).toBe(200);
        const b = await post(token, { jwt });
        expect(b.body).toMatchObject({ job_id: a.body.job_id, duplicate: true });
        // The same jti after job retention removed the job: still the first delivery.
        await t.rt.store.db.deleteFrom('jobs').where('id', '=', a.body.job_id).execute();
        expect((await post(token, { jwt })).body).toMatchObject({ job_id: a.body.job_id, duplicate: true });
        const none = await post(token, 'other=1', { 'content-type': 'application/x-www-form-urlencoded' });
        expect(none).toMatchObject({ status: 401, body: { error: { message: expect.stringContaining('no string field jwt') } } });
      });
    });

    describe('checked when saved', () => {
      const put = (name: string, trigger: Record<string, unknown>) => api('PUT', `/recipes/${name}`, { trigger: { type: '4me.webhook', ...trigger }, steps: [{ id: 'a', action: 'transform', with: {} }] });
      it('refuses an RSA key on an ES512 policy, a placeholder, and a connection that does not exist, naming the field', async () => {
        const es = await put('es', { connection: 'acme', policy: { jwt_alg: 'es512', public_key: rsaPem } });
        expect(es).toMatchObject({ status: 422, body: { error: { code: 'HF_ERR_RECIPE_INVALID', message: expect.stringContaining('/trigger/policy/public_key') } } });
        expect(es.body.error.message).toMatch(/rsa key.*es512|EC key/i);
        const ph = await put('ph', { connection: 'acme', policy: { jwt_alg: 'rs256', public_key: '<the policy PEM>' } });
        expect(ph).toMatchObject({ status: 422, body: { error: { message: expect.stringContaining('placeholder') } } });
        const hs = await put('hs', { connection: 'acme', policy: { jwt_alg: 'hs512', secret: 'changeme' } });
        expect(hs.body.error.message).toContain('/trigger/policy/secret');
        const nc = await put('nc', { connection: 'nope' });
        expect(nc).toMatchObject({ status: 422, body: { error: { message: expect.stringContaining('/trigger/connection') } } });
        const ecKey = await exportSPKI((await generateKeyPair('ES512')).publicKey);
        expect((await put('es-ok', { connection: 'acme', webhook: 1000, policy: { jwt_alg: 'es512', public_key: ecKey } })).status).toBeLessThan(300);
      });
    });

    describe('Xurrent rebrand', () => {
      it('a 4me connection takes the account\'s xurrent issuer, a xurrent connection its 4me issuer; no other account or host', async () => {
        await recipe('brand', { webhook: 1100, policy: { jwt_alg: 'rs256', public_key: rsaPem, audience: 'hookflow' } });
        expect((await post(hook, { jwt: await rs256(delivery(1100, { account: 'https://acme.xurrent.com' }), { iss: 'https://acme.xurrent.com' }) })).status).toBe(200);
        await t.rt.connections.create({ name: 'acme-x', type: '4me', config: { account: 'acme', domain: 'xurrent.com', base_url: cb.url, private_network: true }, secrets: { client_id: 'c', client_secret: 's' } });
        await t.rt.recipes.apply({ name: 'brand-x', trigger: { type: '4me.webhook', connection: 'acme-x', webhook: 1101, policy: { jwt_alg: 'rs256', public_key: rsaPem, audience: 'hookflow' } }, steps: [{ id: 'a', action: 'transform', with: {} }] });
        const hookX = await fourmeToken(t.rt.store, 'acme-x');
        for (const iss of ['https://acme.xurrent.com', 'https://acme.4me.com']) {
          expect((await post(hookX, { jwt: await rs256(delivery(1101), { iss }) })).status, iss).toBe(200);
        }
        for (const iss of ['https://other.xurrent.com', 'https://other.4me.com', 'https://acme.xurrent.example.com', 'https://acme.4me.qa']) {
          expect((await post(hookX, { jwt: await rs256(delivery(1101), { iss }) })).status, iss).toBe(401);
          expect((await post(hook, { jwt: await rs256(delivery(1100), { iss }) })).status, iss).toBe(401);
        }
      });
    });

    describe('webhook.verify', () => {
      const verifyBody = (id: number, callback: string) => delivery(id, { event: 'webhook.verify', object_id: id, payload: { callback } });
      it('is answered 200 at once, stays pending while the callback fails, and is verified once a retry succeeded', async () => {
        const saved = [...handshakeTiming.delaysMs];
        handshakeTiming.delaysMs = [0, 300, 300];
        try {
          cb.hits.length = 0;
          cb.codes.splice(0, cb.codes.length, 503, 503, 200);
          const r = await post(hook, verifyBody(1200, `${cb.url}/webhooks/1200/verify?code=abc&expires_at=${Math.floor(Date.now() / 1000) + 600}`));
          expect(r).toEqual({ status: 200, body: { status: 'verified', webhook_id: '1200', verification: 'pending' } });
          const status = async () => (await api('GET', '/4me/connections/acme')).body.webhooks.find((w: any) => w.webhook_id === '1200');
          await waitFor(async () => cb.hits.length >= 1);
          await waitFor(async () => (await status())?.last_error?.includes('503'));
          expect((await status()).status).toBe('pending');
          await waitFor(async () => (await status())?.status === 'verified');
          expect(cb.hits).toHaveLength(3);
          expect((await status()).attempts).toBe(3);

          // "Verify again" on the verified webhook: 4me refuses its used code, the webhook stays verified.
          cb.codes.splice(0, cb.codes.length, 404);
          cb.hits.length = 0;
          const again = await api('POST', '/connections/acme/4me/verify', { webhook_id: '1200' });
          expect(again.body.items).toEqual([{ webhook_id: '1200', ok: false, attempts: 1, error: expect.stringContaining('404'), status: 'verified' }]);
          expect(cb.hits).toHaveLength(1);
          expect((await status()).status).toBe('verified');
        } finally {
          handshakeTiming.delaysMs = saved;
          cb.codes.splice(0, cb.codes.length, 200);
        }
      });

      it('gives up as failed when the callback expired', async () => {
        const saved = [...handshakeTiming.delaysMs];
        handshakeTiming.delaysMs = [0, 200];
        try {
          cb.codes.splice(0, cb.codes.length, 500);
          await post(hook, verifyBody(1201, `${cb.url}/webhooks/1201/verify?code=x&expires_at=${Math.floor(Date.now() / 1000) + 1}`));
          const status = async () => (await api('GET', '/4me/connections/acme')).body.webhooks.find((w: any) => w.webhook_id === '1201');
          await waitFor(async () => (await status())?.status === 'failed');
          expect((await status()).last_error).toContain('expired');
        } finally {
          handshakeTiming.delaysMs = saved;
          cb.codes.splice(0, cb.codes.length, 200);
        }
      });
    });

    describe('after a restart', () => {
      it('pending callbacks are tried again; expired ones are marked failed', async () => {
        const now = Date.now();
        const row = (id: string, expS: number) => ({ connection: 'acme', webhook_id: id, callback: `${cb.url}/webhooks/${id}/verify?code=r&expires_at=${expS}`, status: 'pending', attempts: 2, last_error: 'HTTP 503', received_at: now, verified_at: null, updated_at: now });
        await t.rt.store.db.insertInto('fourme_verifications').values([row('1400', Math.floor(now / 1000) + 600), row('1401', Math.floor(now / 1000) - 10)]).execute();
        cb.hits.length = 0;
        const resumed = await resumeHandshakes(t.rt.store, async (c) => { const conn = await t.rt.connections.resolve(c); return fourmeEndpoints(conn.name, conn.config); });
        expect(resumed).toBe(1);
        const status = async (id: string) => (await api('GET', '/4me/connections/acme')).body.webhooks.find((w: any) => w.webhook_id === id)?.status;
        await waitFor(async () => (await status('1400')) === 'verified');
        expect(await status('1401')).toBe('failed');
        expect(cb.hits.filter((h) => h.startsWith('/webhooks/1400/'))).toHaveLength(1);
        expect(cb.hits.filter((h) => h.startsWith('/webhooks/1401/'))).toHaveLength(0);
      });
    });

    describe('the callback goes through the SSRF guard', () => {
      it('is not opened on a loopback origin unless the connection allows private networks', async () => {
        await t.rt.connections.create({ name: 'guarded', type: '4me', config: { account: 'guarded', domain: '4me.com', base_url: cb.url }, secrets: { client_id: 'c', client_secret: 's' } });
        await t.rt.recipes.apply({ name: 'guarded-r', trigger: { type: '4me.webhook', connection: 'guarded', webhook: 1300 }, steps: [{ id: 'a', action: 'transform', with: {} }] });
        const saved = [...handshakeTiming.delaysMs];
        handshakeTiming.delaysMs = [0, 5000];
        try {
          cb.hits.length = 0;
          const token = await fourmeToken(t.rt.store, 'guarded');
          const r = await post(token, { webhook_id: 1300, event: 'webhook.verify', account: 'https://guarded.4me.com', object_id: 1300, payload: { callback: `${cb.url}/webhooks/1300/verify?code=x` } });
          expect(r.status).toBe(200);
          const row = async () => (await api('GET', '/4me/connections/guarded')).body.webhooks[0];
          await waitFor(async () => (await row())?.attempts >= 1);
          expect((await row()).status).toBe('pending');
          expect((await row()).last_error).toMatch(/private|loopback|refused|not allowed/i);
          expect(cb.hits).toHaveLength(0);
        } finally {
          handshakeTiming.delaysMs = saved;
        }
      });
    });

    describe('the delivery log stays bounded', () => {
      it('keeps the newest rows per connection and drops rows past the retention', async () => {
        const now = Date.now();
        const rows = Array.from({ length: 30 }, (_, i) => ({ connection: 'bounded', received_at: now - (30 - i) * 1000, delivery_id: `b-${i}`, jti: null, webhook_id: '1', event: 'task.update', recipe: null, outcome: 'ignored', reason: 'x', job_id: null }));
        await t.rt.store.db.insertInto('fourme_deliveries').values([{ ...rows[0]!, delivery_id: 'ancient', received_at: now - 40 * 86_400_000 }, ...rows]).execute();
        const res = await pruneInbound(t.rt.store, { ...t.rt.settings, fourmeLogRows: 10 }, now);
        expect(res.log).toBeGreaterThanOrEqual(21);
        const left = await t.rt.store.db.selectFrom('fourme_deliveries').select('delivery_id').where('connection', '=', 'bounded').orderBy('id').execute();
        expect(left.map((r) => r.delivery_id)).toEqual(rows.slice(20).map((r) => r.delivery_id));
      });
    });

    describe('the API behind `hookflow 4me url`', () => {
      it('GET /api/v1/4me/connections/{name} answers the webhook URL', async () => {
        const r = await api('GET', '/4me/connections/acme');
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ name: 'acme', webhook_url: `${t.rt.settings.publicUrl}/hooks/${hook}` });
        expect((await api('GET', '/4me/connections/nope')).status).toBe(404);
      });
    });

    describe('a genuine 4me-signed token (public fixture)', () => {
      it('is refused as stale by a policy with max_age_seconds (it has no exp, iat 2021) before any callback is opened', async () => {
        await t.rt.connections.create({ name: 'wdc', type: '4me', config: { account: 'wdc', domain: '4me-staging.com', base_url: cb.url, private_network: true }, secrets: { client_id: 'c', client_secret: 's' } });
        const p = REAL.policy;
        await t.rt.recipes.apply({ name: 'wdc-real', trigger: { type: '4me.webhook', connection: 'wdc', webhook: 1, policy: { jwt_alg: p.jwtAlg, public_key: p.publicKeyPem, audience: p.jwtAudience, max_age_seconds: 86_400 } }, steps: [{ id: 'a', action: 'transform', with: {} }] });
        const wdc = await fourmeToken(t.rt.store, 'wdc');
        const r = await post(wdc, REAL.body, { link: REAL.headers.link, 'x-4me-delivery': REAL.headers['x-4me-delivery'] });
        expect(r).toMatchObject({ status: 401, body: { error: { code: 'HF_ERR_SIGNATURE_STALE' } } });
      });
    });
  });
}

