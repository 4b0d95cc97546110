// Outbound subscription URIs with credentials (user:pass@ and a secret query value): never
// answered, never stored in clear, still used in full to deliver; the shown form sent back keeps them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitFor, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { createRuntime } from '../src/runtime.js';
import { loadSettings } from '../src/config/index.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';

const ADMIN = 'hf_test_admin_token';
const PASS = 'uri-Pa55word-9z';
const QS = 'uri-query-T0ken-7y';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`subscription URI credentials on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let rx: WebhookReceiver;
    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, ...(payload ? { payload } : {}) });
    const noSecret = (text: string, where: string) => { for (const s of [PASS, QS]) expect(text.includes(s), `${where} holds ${s}`).toBe(false); };

    beforeAll(async () => {
      t = await testRuntime(dialect);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
      rx = await startWebhookReceiver();
    });
    afterAll(async () => { await app?.close(); await t?.close(); await rx?.close(); });

    it('seals the URI credentials, shows ***, and delivers with them', async () => {
      const u = new URL(rx.url);
      const uri = `http://bob:${PASS}@127.0.0.1:${u.port}/hook?token=${QS}&keep=1`;
      const c = await call('POST', '/api/v1/webhooks', { event: 'recipe.stopped', uri, private_network: true });
      expect(c.statusCode, c.body).toBe(201);
      noSecret(c.body, 'create answer');
      expect(c.json().uri).toBe(`http://bob:***@127.0.0.1:${u.port}/hook?token=***&keep=1`);
      const id = c.json().id as string;
      noSecret((await call('GET', `/api/v1/webhooks/${id}`)).body, 'GET');
      noSecret((await call('GET', '/api/v1/webhooks')).body, 'list');

      await app.inject({ method: 'PUT', url: '/api/v1/recipes/r', headers: { authorization: `Bearer ${ADMIN}` }, payload: { name: 'r', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: {} }] } });
      await call('POST', '/api/v1/recipes/r/stop');
      await waitFor(async () => rx.requests.length >= 1);
      const got = rx.requests[0]!;
      expect(got.url).toBe(`/hook?token=${QS}&keep=1`);
      expect(got.headers.authorization).toBe(`Basic ${Buffer.from(`bob:${PASS}`).toString('base64')}`);

      // The shown form sent back with another change keeps the credentials.
      const p = await call('PATCH', `/api/v1/webhooks/${id}`, { uri: c.json().uri, description: 'crm' });
      expect(p.statusCode, p.body).toBe(200);
      await call('POST', '/api/v1/recipes/r/start');
      await call('POST', '/api/v1/recipes/r/stop');
      await waitFor(async () => rx.requests.length >= 2);
      expect(rx.requests[1]!.url).toBe(`/hook?token=${QS}&keep=1`);
      expect(rx.requests[1]!.headers.authorization).toBe(got.headers.authorization);

      if (dialect === 'sqlite') {
        const dir = t.env.HOOKFLOW_DATA_DIR!;
        for (const f of fs.readdirSync(dir).filter((n) => n.includes('.db'))) noSecret(fs.readFileSync(path.join(dir, f)).toString('latin1'), f);
      } else {
        const rows = await sql<{ r: string }>`SELECT row_to_json(x)::text AS r FROM webhooks x`.execute(t.rt.store.db);
        noSecret(rows.rows.map((r) => r.r).join('\n'), 'webhooks');
      }

      // A row an older Hookflow wrote, URI in clear, is sealed at the next start.
      await t.rt.store.db.updateTable('webhooks').set({ uri, uri_sealed: null }).where('id', '=', id).execute();
      const again = await createRuntime(loadSettings(t.env), { workers: false });
      await again.close();
      const row = await t.rt.store.db.selectFrom('webhooks').select(['uri', 'uri_sealed']).where('id', '=', id).executeTakeFirstOrThrow();
      noSecret(JSON.stringify(row), 'resealed row');
      expect(row.uri_sealed).toEqual(expect.any(String));
    });
  });
}
