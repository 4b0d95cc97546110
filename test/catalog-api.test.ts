import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';

const ADMIN = 'hf_test_admin_token';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`catalog and save-time checks over the API on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let viewer = '';
    const call = (method: string, url: string, payload?: unknown, token = ADMIN, type?: string) => app.inject({
      method: method as 'GET', url, headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

    beforeAll(async () => {
      t = await testRuntime(dialect, {}, false);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
      await call('POST', '/api/v1/users', { username: 'vera', roles: ['viewer'] });
      viewer = (await call('POST', '/api/v1/tokens', { username: 'vera', role: 'viewer' })).json().token as string;
    });
    afterAll(async () => { await app?.close(); await t?.close(); });

    it('serves the catalog to a viewer: actions, triggers and connection types with schemas', async () => {
      const r = await call('GET', '/api/v1/catalog', undefined, viewer);
      expect(r.statusCode, r.body).toBe(200);
      const c = r.json() as { actions: Array<{ name: string; input: { properties?: object } }>; triggers: Array<{ type: string; config: object }>; connection_types: Array<{ type: string; auth?: Array<{ type: string; secrets: string[] }> }> };
      const names = c.actions.map((a) => a.name);
      expect(names).toEqual(expect.arrayContaining(['transform', 'if', 'wait', 'fail', 'http.request', 'human.action', '4me.task.complete', 'workflowgen.operation']));
      expect(names).not.toContain('4me.query');
      expect(c.actions.find((a) => a.name === 'http.request')!.input.properties).toHaveProperty('url');
      expect(c.triggers.map((x) => x.type).sort()).toEqual(['4me.webhook', 'callable', 'http.poll', 'operation', 'schedule', 'webhook']);
      expect(c.connection_types.find((x) => x.type === 'http')!.auth!.find((a) => a.type === 'header')!.secrets).toEqual(['token']);
    });

    it('PUT refuses an invalid recipe with 422 HF_ERR_RECIPE_INVALID and every problem with path and line', async () => {
      const yaml = ['name: broken', 'trigger:', '  type: webhook', 'steps:', '  - id: a', '    action: transfrom', '  - id: b', '    action: http.request', '    connection: nowhere',
        '    with:', '      url: "{{ steps.zzz.url }}"', ''].join('\n');
      const r = await call('PUT', '/api/v1/recipes/broken', yaml, ADMIN, 'application/yaml');
      expect(r.statusCode).toBe(422);
      const e = r.json().error;
      expect(e.code).toBe('HF_ERR_RECIPE_INVALID');
      expect(e.details).toEqual([
        { path: '/steps/0/action', line: 6, message: 'unknown action "transfrom"; did you mean "transform"?' },
        { path: '/steps/1/connection', line: 9, message: 'connection "nowhere" does not exist; create the http connection first' },
        { path: '/steps/1/with/url', line: 11, message: 'steps.zzz is not an earlier step here (earlier steps: a)' },
      ]);
      expect((await call('GET', '/api/v1/recipes/broken')).statusCode).toBe(404);
      // The same answer from validate, which stores nothing; a valid body answers 200.
      const v = await call('POST', '/api/v1/recipes/broken/validate', yaml, ADMIN, 'application/yaml');
      expect(v.statusCode).toBe(422);
      expect(v.json().error.details).toEqual(e.details);
      const ok = await call('POST', '/api/v1/recipes/fine/validate', { trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: { x: 1 } }] });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await call('GET', '/api/v1/recipes/fine')).statusCode).toBe(404);
    });

    it('checks connections on create and update: config schema, and the secrets the auth type needs', async () => {
      const noToken = await call('POST', '/api/v1/connections', { name: 'api', type: 'http', config: { base_url: 'https://api.example.com', auth: { type: 'header', header: 'X-Api-Key' } } });
      expect(noToken.statusCode).toBe(422);
      expect(noToken.json().error).toMatchObject({ code: 'HF_ERR_CONNECTION_INVALID' });
      expect(noToken.json().error.details).toEqual(['header auth needs the secret token (or secret headers)']);
      const ok = await call('POST', '/api/v1/connections', { name: 'api', type: 'http', config: { base_url: 'https://api.example.com', auth: { type: 'header', header: 'X-Api-Key' } }, secrets: { token: 'k-123456' } });
      expect(ok.statusCode, ok.body).toBe(201);
      const drop = await call('PATCH', '/api/v1/connections/api', { secrets: { token: null } });
      expect(drop.statusCode).toBe(422);
      expect(drop.json().error.details.join(' ')).toMatch(/token/);
      const fourme = await call('POST', '/api/v1/connections', { name: 'wdc', type: '4me', config: { account: 'wdc', auth: { type: 'personal_access_token' } } });
      expect(fourme.json().error.details).toEqual(['personal_access_token auth needs the secret token']);
      const typo = await call('POST', '/api/v1/connections', { name: 'wdc', type: '4me', config: { acount: 'wdc' }, secrets: { client_id: 'a', client_secret: 'b' } });
      expect(typo.json().error.details).toEqual(expect.arrayContaining(['config.acount unknown field "acount"']));
      // The recipe that names the connection saves once it exists with the right type.
      const recipe = { trigger: { type: 'webhook' }, steps: [{ id: 'get', action: 'http.request', connection: 'api', with: { url: '/items' } }] };
      expect((await call('PUT', '/api/v1/recipes/uses-api', recipe)).statusCode).toBe(201);
    });

    it('lets each trigger type write and remove its own rows when a recipe is applied with another type', async () => {
      await t.rt.connections.create({ name: 'acct', type: '4me', config: { account: 'wdc' }, secrets: { client_id: 'a', client_secret: 'b' } });
      const steps = [{ id: 'a', action: 'transform', with: {} }];
      const rows = async () => ({
        schedules: (await t.rt.store.db.selectFrom('schedules').select('recipe').where('recipe', '=', 'moving').execute()).length,
        routes: (await t.rt.store.db.selectFrom('fourme_routes').select('recipe').where('recipe', '=', 'moving').execute()).length,
        webhook: (await t.rt.store.db.selectFrom('endpoints').select('token').where('kind', '=', 'recipe').where('owner', '=', 'moving').execute()).length,
      });
      await t.rt.recipes.apply({ name: 'moving', trigger: { type: 'schedule', cron: '0 8 * * *' }, steps });
      expect(await rows()).toEqual({ schedules: 1, routes: 0, webhook: 0 });
      await t.rt.recipes.apply({ name: 'moving', trigger: { type: '4me.webhook', connection: 'acct', webhook: 12 }, steps });
      expect(await rows()).toEqual({ schedules: 0, routes: 1, webhook: 0 });
      await t.rt.recipes.apply({ name: 'moving', trigger: { type: 'webhook' }, steps });
      expect(await rows()).toEqual({ schedules: 0, routes: 0, webhook: 1 });
    });
  });
}
