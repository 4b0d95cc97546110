/**
 * Outbound webhooks through the API and a real runtime: CRUD without secrets in answers, job
 * events end to end, test deliveries, the 4me-style JWT policy checked with jose against the
 * JWKS the server publishes, the verification link, resend and the attempt log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitFor, type TestRuntime } from './runtime-helpers.js';
import { signaturesThatVerify, startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';
import { buildApp } from '../src/server/app.js';

const ADMIN = 'hf_test_admin_token';
const ISSUER = 'http://hookflow.example';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`webhooks API on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let rx: WebhookReceiver;
    const call = async (method: string, url: string, payload?: object) => {
      const r = await app.inject({ method: method as never, url, headers: { authorization: `Bearer ${ADMIN}` }, payload });
      return { status: r.statusCode, body: r.body ? r.json() : null };
    };
    const bodies = (path = '/hook') => rx.requests.filter((r) => r.url === path).map((r) => JSON.parse(r.body));

    beforeAll(async () => {
      t = await testRuntime(dialect, { HOOKFLOW_PUBLIC_URL: ISSUER });
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
      rx = await startWebhookReceiver();
    });
    afterAll(async () => { await app?.close(); await t?.close(); await rx?.close(); });

    it('creates, shows, updates and deletes subscriptions; the secret is shown once', async () => {
      const c = await call('POST', '/api/v1/webhooks', { event: 'job.failed', uri: `${rx.url}?k=1`, private_network: true, description: 'crm', mail_exceptions_to: 'a@example.com, b@example.com' });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      expect(c.body).toMatchObject({ event: 'job.failed', status: 'active', disabled: false, mail_exceptions_to: ['a@example.com', 'b@example.com'], secret: expect.stringMatching(/^whsec_/) });
      const id = c.body.id as string;
      const shown = await call('GET', `/api/v1/webhooks/${id}`);
      expect(shown.body).not.toHaveProperty('secret');
      expect(JSON.stringify(shown.body)).not.toContain(c.body.secret.slice(6));
      expect((await call('GET', '/api/v1/webhooks')).body.items.map((w: { id: string }) => w.id)).toContain(id);
      expect((await call('PATCH', `/api/v1/webhooks/${id}`, { event: 'job.*', disabled: true })).body).toMatchObject({ event: 'job.*', status: 'disabled' });
      expect((await call('POST', '/api/v1/webhooks', { event: 'jobs.everything', uri: rx.url })).body.error.code).toBe('HF_ERR_WEBHOOK_EVENT');
      expect((await call('POST', '/api/v1/webhooks', { event: 'job.*', uri: rx.url })).body.error.code).toBe('HF_ERR_SSRF_BLOCKED');
      expect((await call('POST', '/api/v1/webhooks', { event: 'job.*', uri: 'ftp://x.example' })).status).toBe(400);
      expect((await call('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(204);
      expect((await call('GET', `/api/v1/webhooks/${id}`)).status).toBe(404);
      const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/webhooks', '/api/v1/webhooks/{id}/test', '/api/v1/webhooks/{id}/rotate-secret']));
    });

    it('delivers job.succeeded of a real job, signed, and answers 204 to a test', async () => {
      const c = await call('POST', '/api/v1/webhooks', { event: 'job.succeeded', uri: rx.url, private_network: true, recipe: 'greet' });
      await call('PUT', '/api/v1/recipes/greet', { name: 'greet', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: { hi: '{{ trigger.body.name }}' } }] });
      const { id: jobId } = await t.rt.queue.enqueue({ recipe: 'greet', recipe_version: 1, trigger: { body: { name: 'x' } } });
      t.rt.worker?.notify();
      await waitFor(async () => bodies().some((b) => b.data?.id === jobId));
      const r = rx.requests.find((q) => JSON.parse(q.body).data?.id === jobId)!;
      expect(signaturesThatVerify(c.body.secret, r)).toBe(1);
      expect(JSON.parse(r.body)).toMatchObject({ type: 'job.succeeded', data: { id: jobId, recipe: 'greet', status: 'succeeded' } });
      expect((await call('POST', `/api/v1/webhooks/${c.body.id}/test`)).status).toBe(204);
      await waitFor(async () => bodies().some((b) => b.data?.test === true && b.data.webhook_id === c.body.id));
      expect(bodies().find((b) => b.data?.test)).toMatchObject({ type: 'job.succeeded', data: { object_id: 12345 } });
      // The log, then a resend under the same webhook-id.
      await waitFor(async () => (await call('GET', `/api/v1/webhooks/${c.body.id}/attempts`)).body.items.length === 2);
      const log = (await call('GET', `/api/v1/webhooks/${c.body.id}/attempts`)).body.items;
      expect(log[0]).toMatchObject({ status_code: 200, attempt: 1, trigger: 'initial', next_attempt_at: null });
      const deliveries = (await call('GET', `/api/v1/webhooks/${c.body.id}/deliveries?status=succeeded`)).body.items;
      expect(deliveries).toHaveLength(2);
      const first = deliveries.find((d: { event_type: string }) => d.event_type === 'job.succeeded');
      expect((await call('POST', `/api/v1/webhooks/${c.body.id}/deliveries/${first.id}/resend`)).status).toBe(204);
      await waitFor(async () => rx.requests.filter((q) => q.headers['webhook-id'] === first.id).length === 2);
      expect((await call('POST', `/api/v1/webhooks/${c.body.id}/replay`, { since: new Date(0).toISOString() })).body).toEqual({ requeued: 0, created: 0 });
    });

    it('signs a 4me-style policy JWT that verifies against the served JWKS, and an HS256 one with the secret', async () => {
      const es = await call('POST', '/api/v1/webhooks', { event: 'recipe.stopped', uri: `${rx.url.replace('/hook', '/es')}`, private_network: true, webhook_policy: { jwt_alg: 'es512', jwt_audience: 'crm', jwt_claim_expires_in: 600 } });
      expect(es.status).toBe(201);
      expect(es.body.public_key_pem).toContain('BEGIN PUBLIC KEY');
      expect(es.body.webhook_policy).toMatchObject({ jwt_alg: 'es512', issuer: ISSUER, kid: expect.any(String) });
      const hs = await call('POST', '/api/v1/webhooks', { event: 'recipe.stopped', uri: `${rx.url.replace('/hook', '/hs')}`, private_network: true, webhook_policy: { jwt_alg: 'hs256' } });
      const discovery = (await app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json();
      expect(discovery).toMatchObject({ issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json` });
      const jwks = (await app.inject({ method: 'GET', url: new URL(discovery.jwks_uri).pathname })).json();
      expect(jwks.keys).toEqual([expect.objectContaining({ kid: es.body.webhook_policy.kid, use: 'sig', alg: 'ES512' })]);
      expect(JSON.stringify(jwks)).not.toContain('"d"');
      await t.rt.recipes.setEnabled('greet', false);
      await waitFor(async () => bodies('/es').length === 1 && bodies('/hs').length === 1);
      const esReq = rx.requests.find((r) => r.url === '/es')!;
      expect(signaturesThatVerify(es.body.secret, esReq)).toBe(1);
      const jwt = bodies('/es')[0].jwt as string;
      const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: ISSUER, audience: 'crm', algorithms: ['ES512'] });
      expect(protectedHeader).toMatchObject({ alg: 'ES512', typ: 'JWT', kid: es.body.webhook_policy.kid });
      expect(Object.keys(payload)).toEqual(['data', 'jti', 'sub', 'iss', 'nbf', 'iat', 'aud', 'exp']);
      expect(payload).toMatchObject({ sub: es.body.id, data: { type: 'recipe.stopped', data: { name: 'greet', enabled: false } }, jti: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(payload.exp! - payload.iat!).toBe(600);
      expect(payload.nbf).toBe(payload.iat);
      const hsJwt = bodies('/hs')[0].jwt as string;
      expect(decodeProtectedHeader(hsJwt)).toEqual({ alg: 'HS256', typ: 'JWT' });
      const key = new Uint8Array(Buffer.from(hs.body.secret.slice(6), 'base64'));
      await expect(jwtVerify(hsJwt, key, { issuer: ISSUER })).resolves.toBeTruthy();
      expect(Object.keys(decodeJwt(hsJwt))).toEqual(['data', 'jti', 'sub', 'iss', 'nbf', 'iat']);
    });

    it('activates a verifying subscription when the receiver GETs the link, once', async () => {
      const c = await call('POST', '/api/v1/webhooks', { event: '*', uri: rx.url.replace('/hook', '/verify-me'), private_network: true, verify: true });
      expect(c.body.status).toBe('pending_verification');
      await waitFor(async () => bodies('/verify-me').length === 1);
      const callback = new URL(bodies('/verify-me')[0].data.payload.callback);
      expect(callback.origin).toBe(ISSUER);
      const ok = await app.inject({ method: 'GET', url: callback.pathname + callback.search });
      expect([ok.statusCode, ok.body]).toEqual([200, 'Verification successful']);
      expect((await call('GET', `/api/v1/webhooks/${c.body.id}`)).body.status).toBe('active');
      const again = await app.inject({ method: 'GET', url: callback.pathname });
      expect([again.statusCode, again.json().error.code]).toEqual([404, 'HF_ERR_WEBHOOK_VERIFY_LINK']);
    });
  });
}
