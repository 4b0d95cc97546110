// The 4me connection's inbound side over the API: webhook URL, routed recipes, verification
// status, and "verify again" against the sandbox's webhook.verify callback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from '../../../test/dialects.js';
import { testRuntime, waitFor, type TestRuntime } from '../../../test/runtime-helpers.js';
import { buildApp } from '../app.js';
import { startSandbox, type Sandbox } from '../../sandbox/fourme/index.js';

const ADMIN = 'hf_test_admin_token';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`4me connection API on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let sb: Sandbox;
    let viewer: string;
    const call = (method: string, url: string, payload?: unknown, token = ADMIN) =>
      app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

    beforeAll(async () => {
      t = await testRuntime(dialect, {}, false);
      await t.rt.users.bootstrapAdmin(ADMIN);
      await t.rt.users.create({ username: 'vic', roles: ['viewer'] });
      viewer = (await t.rt.users.createToken('vic', 'viewer')).token;
      app = await buildApp(t.rt);
      sb = await startSandbox({ account: 'acme', domain: '4me.com' });
      await t.rt.connections.create({ name: 'acme', type: '4me', config: { account: 'acme', domain: '4me.com', base_url: sb.url, private_network: true }, secrets: { client_id: 'sandbox-client', client_secret: 'sandbox-secret' } });
      await t.rt.connections.create({ name: 'plain', type: 'http', config: { base_url: 'https://example.com' } });
      await t.rt.recipes.apply({ name: 'notes', trigger: { type: '4me.webhook', connection: 'acme', webhook: 12 }, steps: [{ id: 'a', action: 'transform', with: { ok: true } }] } as never);
    });
    afterAll(async () => { await app?.close(); await t?.close(); await sb?.close(); });

    it('shows the webhook URL and the recipes routed through it; 404 for other types', async () => {
      const r = await call('GET', '/api/v1/connections/acme/4me', undefined, viewer);
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body.webhook_url).toMatch(/\/hooks\/[A-Za-z0-9_-]{20,}$/);
      expect(body.routes).toEqual([{ recipe: 'notes', webhook_id: '12', webhook_node_id: null }]);
      expect(body.webhooks).toEqual([]);
      expect((await call('GET', '/api/v1/connections/plain/4me')).statusCode).toBe(404);
      expect((await call('GET', '/api/v1/connections/nope/4me')).statusCode).toBe(404);
    });

    it('tests the connection with its credentials', async () => {
      const r = await call('POST', '/api/v1/connections/acme/4me/test');
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ ok: true, account: 'acme' });
    });

    it('records a webhook.verify, shows its status, and verifies again on request (editors only)', async () => {
      const url = (await call('GET', '/api/v1/connections/acme/4me')).json().webhook_url as string;
      const hookRec = sb.state.create('Webhook', { event: 'request.note-added', uri: url, name: 'Notes', verified: false, verifyCode: 'code-1', verifyExpires: Math.floor(Date.now() / 1000) + 600 }, 12);
      const callback = `${sb.url}/webhooks/12/verify?code=code-1`;
      const res = await app.inject({ method: 'POST', url: new URL(url).pathname, headers: { 'content-type': 'application/json' }, payload: { webhook_id: 12, account: 'https://acme.4me.com', event: 'webhook.verify', object_id: 12, payload: { callback } } });
      expect(res.json()).toEqual({ status: 'verified', webhook_id: '12', verification: 'pending' });
      await waitFor(async () => (await call('GET', '/api/v1/connections/acme/4me')).json().webhooks[0]?.status === 'verified');
      // 4me re-arms the callback when asked to (the sandbox's code is single-use).
      Object.assign(hookRec, { verified: false, verifyCode: 'code-1' });
      expect((await call('POST', '/api/v1/connections/acme/4me/verify', {}, viewer)).statusCode).toBe(403);
      const again = await call('POST', '/api/v1/connections/acme/4me/verify', { webhook_id: '12' });
      expect(again.statusCode).toBe(200);
      expect(again.json().items).toEqual([{ webhook_id: '12', ok: true, attempts: 1, error: null, status: 'verified' }]);
      expect(hookRec.verified).toBe(true);
      const shown = (await call('GET', '/api/v1/connections/acme/4me')).json().webhooks[0];
      expect(shown).toMatchObject({ webhook_id: '12', status: 'verified', last_error: null });
      expect(shown.verified_at).toBeTruthy();
    });
  });
}
