/**
 * The 4me webhook trigger against the shared fixtures and sandbox-signed JWTs, on every dialect:
 * every body form, routing by webhook id and nodeID, policies for every algorithm, the attacks
 * (alg none, HS256 with the RSA public key, wrong issuer, wrong audience, tampered, expired)
 * refused with 401 and a code, and a repeated delivery answered with the first job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitFor, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { startSandbox, signDelivery, type Sandbox } from '../src/sandbox/fourme/index.js';
import { fourmeToken } from '../src/triggers/fourme-routes.js';

const FX = new URL('./fixtures', import.meta.url).pathname;
const fixture = (f: string) => fs.readFileSync(`${FX}/${f}`, 'utf8');
const FORM = fixture('4me-webhook-form-encoded.http');
const JSON_FX = JSON.parse(fixture('4me-webhook-json.json'));
const RULE_FX = JSON.parse(fixture('4me-automation-rule-payload.json'));
const VERIFY_FX = JSON.parse(fixture('4me-webhook-verify.json'));
const ALGS = ['hs256', 'hs384', 'hs512', 'rs256', 'rs384', 'rs512', 'es256', 'es384', 'es512'];

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`4me.webhook trigger on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let sb: Sandbox;
    let hook: string;
    let n = 0;
    const post = async (body: string | object, headers: Record<string, string> = {}, query = '') => {
      const r = await app.inject({ method: 'POST', url: `/hooks/${hook}${query}`, headers: { 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: r.statusCode, body: r.json() as Record<string, any> };
    };
    const recipe = async (name: string, trigger: Record<string, unknown>) => {
      await t.rt.recipes.apply({ name, trigger: { type: '4me.webhook', connection: 'mycompany', ...trigger }, steps: [{ id: 'noop', action: 'transform', with: { ok: true } }] });
    };
    const jobOf = (id: string) => t.rt.jobs.show(id);

    beforeAll(async () => {
      t = await testRuntime(dialect, {}, false);
      app = await buildApp(t.rt);
      sb = await startSandbox({ account: 'mycompany', domain: '4me.com' });
      await t.rt.connections.create({ name: 'mycompany', type: '4me', config: { account: 'mycompany', domain: '4me.com', base_url: sb.url, private_network: true }, secrets: { client_id: 'sandbox-client', client_secret: 'sandbox-secret' } });
      hook = await fourmeToken(t.rt.store, 'mycompany');
      await recipe('notes', { webhook: 945 });
      await recipe('automation', { webhook: 'NG1lLmNvbS9XZWJob29rLzEy', payload_schema: { properties: { text: { type: 'string' } } } });
    });
    afterAll(async () => { await app?.close(); await t?.close(); await sb?.close(); });

    it('parses the form-encoded fixture with bracket keys and the Link header', async () => {
      const [head, body] = FORM.split(/\r?\n\r?\n/);
      const link = /^Link: (.*)$/m.exec(head!)![1]!;
      const r = await post(body!.trim(), { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', link, 'user-agent': '4me/1.0 (https://developer.4me.com/v1/webhooks)' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const job = await jobOf(r.body.job_id);
      expect(job.recipe).toBe('notes');
      const tr = job.trigger as Record<string, any>;
      expect(tr).toMatchObject({ webhook_id: '945', event: 'request.note-added', account: 'https://mycompany.4me.com', object_id: '219', person_name: 'Howard Tanner' });
      expect(tr.payload.team.id).toBe('372');
      expect(tr.payload.member).toEqual({ id: '8529', name: 'Tom Edwards' });
      expect(tr.links).toEqual({ canonical: 'https://mycompany.4me.com/requests/219', resource: 'https://api.4me.com/v1/requests/219', related: 'https://api.4me.com/v1/requests/219/notes/3455' });
    });

    it('takes the JSON fixture, and the flat-key JSON rendering normalised to nested objects', async () => {
      const a = await post(JSON_FX);
      expect(a.status).toBe(200);
      expect((await jobOf(a.body.job_id)).trigger).toMatchObject({ webhook_nodeID: JSON_FX.webhook_nodeID, payload: { team: { id: 372 } } });
      const flat = { webhook_id: 945, account: 'https://mycompany.itrp.com', name: 'Note added', event: 'request.note-added', object_id: 219, person_id: 8543, person_name: 'Howard Tanner', 'payload[source]': 'self service', 'payload[member][name]': 'Tom Edwards', 'payload[member][id]': 8529, 'payload[status]': 'change_pending', 'payload[team][id]': 372, 'payload[team][name]': 'End-User Support, Houston' };
      const b = await post(flat);
      expect(b.status).toBe(200);
      expect((await jobOf(b.body.job_id)).trigger).toMatchObject({ payload: { source: 'self service', member: { id: 8529, name: 'Tom Edwards' }, team: { id: 372 } } });
    });

    it('routes an automation_rule delivery by nodeID; its expressions are trigger.payload.<name>', async () => {
      const r = await post(RULE_FX);
      expect(r.status).toBe(200);
      const job = await jobOf(r.body.job_id);
      expect(job.recipe).toBe('automation');
      expect((job.trigger as any).payload).toEqual(RULE_FX.payload);
      // An unrouted webhook is 200 ignored (4me disables a webhook that keeps failing), not a 404.
      const un = await post({ ...RULE_FX, webhook_id: 99, webhook_nodeID: 'NG1lLmNvbS9XZWJob29rLzk5' });
      expect(un.status).toBe(200);
      expect(un.body).toMatchObject({ status: 'ignored', reason: expect.stringContaining('webhook 99') });
    });

    it('answers webhook.verify by opening the callback, with no job', async () => {
      const before = (await t.rt.jobs.list({ limit: 100 } as never)).items.length;
      const hookRec = sb.state.create('Webhook', { event: 'automation_rule', uri: 'x', name: 'Automation webhook', verified: false, verifyCode: 'FThErZe2Rr8wVBns-7lalATP', verifyExpires: Math.floor(Date.now() / 1000) + 60 }, 12);
      const callback = `${sb.url}/webhooks/12/verify?code=FThErZe2Rr8wVBns-7lalATP&expires_at=1614686831`;
      const r = await post({ ...VERIFY_FX, payload: { callback } });
      expect(r).toEqual({ status: 200, body: { status: 'verified', webhook_id: '12', verification: 'pending' } });
      await waitFor(async () => hookRec.verified === true);
      const rows = await t.rt.store.db.selectFrom('fourme_verifications').selectAll().execute();
      await waitFor(async () => (await t.rt.store.db.selectFrom('fourme_verifications').select('status').executeTakeFirst())?.status === 'verified');
      expect(rows).toHaveLength(1);
      expect((await t.rt.jobs.list({ limit: 100 } as never)).items.length).toBe(before);
      // The fixture's own callback names mycompany.4me.com, which is the connection's account: allowed;
      // a callback elsewhere is refused before anything is fetched.
      const evil = await post({ ...VERIFY_FX, payload: { callback: 'http://169.254.169.254/webhooks/12/verify?code=x' } });
      expect(evil.status).toBe(401);
    });

    it('verifies sandbox-signed JWTs for every algorithm', async () => {
      for (const alg of ALGS) {
        const { rec, publicKeyPem, secret } = await (await import('../src/sandbox/fourme/policies.js')).createPolicy(sb.state, sb.webhooks.policyKeys, { jwtAlg: alg });
        const id = 1000 + ++n;
        await recipe(`jwt-${alg}`, { webhook: id, policy: { jwt_alg: alg, ...(publicKeyPem ? { public_key: publicKeyPem } : { secret: secret! }) } });
        const data = { ...JSON_FX, webhook_id: id, webhook_nodeID: undefined };
        const jwt = await signDelivery(sb.state, rec, sb.webhooks.policyKeys.get(rec.id)!, data, `d-${alg}`);
        const r = await post({ jwt });
        expect(r.status, `${alg}: ${JSON.stringify(r.body)}`).toBe(200);
        expect(((await jobOf(r.body.job_id)).trigger as any).verified_by).toBe('jwt');
      }
    });

    describe('attacks on an RS256 policy', () => {
      let policy: any;
      let keys: any;
      let pem: string;
      const data = (id: number) => ({ ...JSON_FX, webhook_id: id, webhook_nodeID: undefined });
      const sign = (id: number, o: Parameters<typeof signDelivery>[5] = {}) => signDelivery(sb.state, policy, keys, data(id), `a-${id}-${Math.random()}`, o);
      beforeAll(async () => {
        const made = await (await import('../src/sandbox/fourme/policies.js')).createPolicy(sb.state, sb.webhooks.policyKeys, { jwtAlg: 'rs256', jwtAudience: 'hookflow' });
        policy = made.rec; keys = sb.webhooks.policyKeys.get(made.rec.id); pem = made.publicKeyPem!;
        await recipe('rs', { webhook: 2001, policy: { jwt_alg: 'rs256', public_key: pem, audience: 'hookflow' } });
      });
      const refused = async (jwt: string, code = 'HF_ERR_SIGNATURE_INVALID') => {
        const r = await post({ jwt });
        expect(r.status, JSON.stringify(r.body)).toBe(401);
        expect(r.body.error.code).toBe(code);
      };
      it('accepts the genuine token, also with the Xurrent issuer form', async () => {
        expect((await post({ jwt: await sign(2001) })).status).toBe(200);
        expect((await post({ jwt: await sign(2001, { issuer: 'https://mycompany.xurrent.com' }) })).status).toBe(200);
      });
      it('refuses alg none', async () => refused(await sign(2001, { alg: 'none' })));
      it('refuses HS256 signed with the RSA public key as the secret', async () => refused(await sign(2001, { alg: 'hs256', key: new TextEncoder().encode(pem) })));
      it('refuses another account and another domain as issuer', async () => {
        await refused(await sign(2001, { issuer: 'https://othercompany.4me.com' }));
        await refused(await sign(2001, { issuer: 'https://mycompany.example.com' }));
      });
      it('refuses a wrong or missing audience', async () => {
        await refused(await sign(2001, { audience: 'someone-else' }));
        await refused(await sign(2001, { audience: null }));
      });
      it('refuses a tampered payload', async () => {
        const [h, p, s] = (await sign(2001)).split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
        claims.data.payload.status = 'completed';
        await refused(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
      });
      it('refuses an expired token with the stale code; no exp is fine', async () => {
        await refused(await sign(2001, { expiresIn: 5, nowS: Math.floor(Date.now() / 1000) - 600 }), 'HF_ERR_SIGNATURE_STALE'); // expires_in counts minutes: 5 min, signed 10 min ago
        expect((await post({ jwt: await sign(2001, { expiresIn: null }) })).status).toBe(200);
      });
      it('refuses a token for another webhook (sub) and an unsigned body where a policy is set', async () => {
        const forged = await new SignJWT({ data: data(2001) }).setProtectedHeader({ alg: 'RS256' }).setSubject('7').setIssuer('https://mycompany.4me.com').setAudience('hookflow').setIssuedAt().sign(keys.privateKey);
        await refused(forged);
        await refused(JSON.stringify(data(2001)) as never);
      });
      it('answers a repeated delivery with the first job and starts no second one', async () => {
        const jwt = await sign(2001);
        const a = await post({ jwt }, { 'x-4me-delivery': 'c0ffee00-0000-4000-8000-000000000001' });
        const b = await post({ jwt: await sign(2001) }, { 'x-4me-delivery': 'c0ffee00-0000-4000-8000-000000000001' });
        expect(a.status).toBe(200);
        expect(b).toEqual({ status: 200, body: { status: 'accepted', job_id: a.body.job_id, job_ids: [a.body.job_id], duplicate: true } });
        const c = await post({ jwt }); // same jti, no header: still the first delivery
        const d = await post({ jwt }, { 'x-4me-delivery': 'another-header' });
        expect(c.body).toMatchObject({ job_id: a.body.job_id, duplicate: true });
        expect(d.body).toMatchObject({ job_id: a.body.job_id, duplicate: true });
        const jobs = await t.rt.store.db.selectFrom('jobs').select('id').where('recipe', '=', 'rs').where('id', 'in', [a, b, c, d].map((x) => x.body.job_id)).execute();
        expect(jobs).toHaveLength(1);
      });
    });

    it('checks the secret query parameter and basic auth without a policy', async () => {
      await recipe('secret', { webhook: 3001, secret: 's3cr3t' });
      expect((await post({ ...JSON_FX, webhook_id: 3001, webhook_nodeID: undefined }, {}, '?secret=nope')).status).toBe(401);
      const ok = await post({ ...JSON_FX, webhook_id: 3001, webhook_nodeID: undefined }, {}, '?secret=s3cr3t');
      expect(ok.status).toBe(200);
      expect(JSON.stringify((await jobOf(ok.body.job_id)).trigger)).not.toContain('s3cr3t');
    });
  });
}
