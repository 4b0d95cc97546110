// Recipe verification secrets are write-only: answered as {"set": true} to every role (current
// version and old versions alike), sealed at rest, kept when the marker is applied back, and
// verification keeps working with the stored value. Both dialects.
import fs from 'node:fs';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { createRuntime } from '../src/runtime.js';
import { loadSettings } from '../src/config/index.js';

const ADMIN = 'hf_test_admin_token';
const S = { hmac: 'hmac-S3cret-value', basic: 'basic-P4ssword', header: 'header-T0ken-xyz', query: 'query-S3cret-abc', jwt: 'jwt-hs-secret-of-at-least-32-bytes!!', whsec: `whsec_${Buffer.from('standard-webhooks-key-32-bytes!!').toString('base64')}`, fourme: 'fourme-Secret-q1', fourmeBasic: 'fourme-B4sic-pw', policy: 'policy-hs-secret-of-32-bytes-long!' };
const VERIFY: Record<string, object> = {
  hmac: { type: 'hmac', header: 'X-Sig', secret: S.hmac, prefix: 'sha256=' },
  basic: { type: 'basic', username: 'u', password: S.basic },
  header: { type: 'header_token', header: 'X-Token', token: S.header },
  query: { type: 'query_secret', param: 'key', secret: S.query },
  jwt: { type: 'jwt', algorithms: ['HS256'], secret: S.jwt },
  whsec: { type: 'standard_webhooks', secrets: [S.whsec] },
};

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`recipe secrets on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let viewer: string;
    const h = (token = ADMIN) => ({ authorization: `Bearer ${token}` });
    const put = async (recipe: Record<string, unknown>) => {
      const r = await app.inject({ method: 'PUT', url: `/api/v1/recipes/${recipe.name as string}`, headers: h(), payload: recipe });
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json() as { trigger_url: string; version: number };
    };
    const noSecret = (text: string, where: string) => { for (const v of Object.values(S)) expect(text.includes(v), `${where} holds ${v}`).toBe(false); };

    beforeAll(async () => {
      t = await testRuntime(dialect, {}, false);
      await t.rt.users.bootstrapAdmin(ADMIN);
      await t.rt.users.create({ username: 'vi', roles: ['viewer'] });
      viewer = (await t.rt.users.createToken('vi', 'viewer')).token;
      app = await buildApp(t.rt);
    });
    afterAll(async () => { await app?.close(); await t?.close(); });

    it('answers every verification secret as {"set": true}, to admins and viewers, and stores none in clear', async () => {
      for (const [k, verify] of Object.entries(VERIFY)) {
        await put({ name: `v-${k}`, trigger: { type: 'webhook', verify }, steps: [{ id: 's', action: 'transform', with: {} }] });
        for (const tok of [ADMIN, viewer]) {
          const r = await app.inject({ method: 'GET', url: `/api/v1/recipes/v-${k}`, headers: h(tok) });
          expect(r.statusCode).toBe(200);
          noSecret(r.body, `GET v-${k}`);
          const v = r.json().definition.trigger.verify;
          const field = k === 'whsec' ? v.secrets[0] : v.secret ?? v.password ?? v.token;
          expect(field).toEqual({ set: true });
        }
      }
      const c = await app.inject({ method: 'POST', url: '/api/v1/connections', headers: h(), payload: { name: 'fm', type: '4me', config: { account: 'wdc', domain: '4me.qa', auth: { type: 'personal_access_token' } }, secrets: { token: 'pat-123456' } } });
      expect(c.statusCode, c.body).toBe(201);
      await put({ name: 'v-4me', trigger: { type: '4me.webhook', connection: 'fm', secret: S.fourme, basic: { username: 'u', password: S.fourmeBasic }, policy: { jwt_alg: 'hs256', secret: S.policy } }, steps: [{ id: 's', action: 'transform', with: {} }] });
      const fm = await app.inject({ method: 'GET', url: '/api/v1/recipes/v-4me', headers: h(viewer) });
      noSecret(fm.body, 'GET v-4me');
      expect(fm.json().definition.trigger).toMatchObject({ secret: { set: true }, basic: { username: 'u', password: { set: true } }, policy: { secret: { set: true } } });
      const all = await app.inject({ method: 'GET', url: '/api/v1/recipes', headers: h(viewer) });
      noSecret(all.body, 'recipe list');
      if (dialect === 'sqlite') {
        const dir = t.env.HOOKFLOW_DATA_DIR!;
        for (const f of fs.readdirSync(dir).filter((n) => n.includes('.db'))) noSecret(fs.readFileSync(path.join(dir, f)).toString('latin1'), f);
      } else {
        const rows = await sql<{ r: string }>`SELECT row_to_json(x)::text AS r FROM recipe_versions x`.execute(t.rt.store.db);
        noSecret(rows.rows.map((r) => r.r).join('\n'), 'recipe_versions');
      }
    });

    it('keeps verifying with the stored secret, also after the marker is applied back', async () => {
      const { trigger_url } = await put({ name: 'signed', trigger: { type: 'webhook', verify: VERIFY.hmac }, steps: [{ id: 's', action: 'transform', with: {} }] });
      const send = (secret: string) => {
        const body = JSON.stringify({ n: 1 });
        return app.inject({ method: 'POST', url: new URL(trigger_url).pathname, headers: { 'content-type': 'application/json', 'x-sig': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` }, payload: body });
      };
      expect((await send(S.hmac)).statusCode).toBe(200);
      expect((await send('wrong')).statusCode).toBe(401);
      // What the API answered, sent back with a change elsewhere: a new version, same secret.
      const shown = (await app.inject({ method: 'GET', url: '/api/v1/recipes/signed', headers: h() })).json().definition;
      const again = await put({ ...shown, description: undefined, steps: [{ id: 's', action: 'transform', with: { x: 1 } }] });
      expect(again.version).toBe(2);
      expect((await send(S.hmac)).statusCode).toBe(200);
      // The same definition with the marker is no change at all.
      const same = await app.inject({ method: 'PUT', url: '/api/v1/recipes/signed', headers: h(), payload: { ...shown, steps: [{ id: 's', action: 'transform', with: { x: 1 } }] } });
      expect(same.json().version).toBe(2);
      // As YAML too.
      const yaml = `name: signed\ntrigger:\n  type: webhook\n  verify:\n    type: hmac\n    header: X-Sig\n    prefix: sha256=\n    secret: { set: true }\nsteps:\n  - id: s\n    action: transform\n    with: { x: 2 }\n`;
      const y = await app.inject({ method: 'PUT', url: '/api/v1/recipes/signed', headers: { ...h(), 'content-type': 'application/yaml' }, payload: yaml });
      expect(y.statusCode, y.body).toBe(200);
      expect(y.json().version).toBe(3);
      expect((await send(S.hmac)).statusCode).toBe(200);
      // A new secret replaces the old one.
      await put({ name: 'signed', trigger: { type: 'webhook', verify: { ...VERIFY.hmac, secret: 'rotated-S3cret' } }, steps: [{ id: 's', action: 'transform', with: {} }] });
      expect((await send('rotated-S3cret')).statusCode).toBe(200);
      expect((await send(S.hmac)).statusCode).toBe(401);
      // Old versions do not show old secrets; the versions list's hashes do not derive from them in the clear.
      for (let v = 1; v <= 4; v++) {
        const r = await app.inject({ method: 'GET', url: `/api/v1/recipes/signed/versions/${v}`, headers: h(viewer) });
        expect(r.statusCode).toBe(200);
        noSecret(r.body, `version ${v}`);
        expect(r.json().definition.trigger.verify.secret).toEqual({ set: true });
      }
      // Rolling back to version 1 brings its secret back (the server still has it).
      await app.inject({ method: 'POST', url: '/api/v1/recipes/signed/rollback', headers: h(), payload: { version: 1 } });
      expect((await send(S.hmac)).statusCode).toBe(200);
    });

    it('seals secrets that an older version stored in clear, at start', async () => {
      await put({ name: 'legacy', trigger: { type: 'webhook', verify: VERIFY.basic }, steps: [{ id: 's', action: 'transform', with: {} }] });
      const plain = JSON.stringify({ name: 'legacy', trigger: { type: 'webhook', verify: VERIFY.basic }, steps: [{ id: 's', action: 'transform', with: {} }] });
      await t.rt.store.db.updateTable('recipe_versions').set({ definition: plain }).where('recipe', '=', 'legacy').execute();
      const read = async () => (await t.rt.store.db.selectFrom('recipe_versions').select('definition').where('recipe', '=', 'legacy').executeTakeFirstOrThrow()).definition;
      expect(await read()).toContain(S.basic);
      const again = await createRuntime(loadSettings(t.env), { workers: false });
      await again.close();
      expect(await read()).not.toContain(S.basic);
      expect((await t.rt.recipes.definition('legacy')).recipe.trigger).toMatchObject({ verify: { password: S.basic } });
    });

    it('refuses a marker where nothing is stored', async () => {
      const r = await app.inject({ method: 'PUT', url: '/api/v1/recipes/fresh', headers: h(), payload: { name: 'fresh', trigger: { type: 'webhook', verify: { type: 'hmac', header: 'X', secret: { set: true } } }, steps: [{ id: 's', action: 'transform', with: {} }] } });
      expect(r.statusCode).toBe(422);
    });
  });
}
