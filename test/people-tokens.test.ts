// People and tokens on both dialects: a token never outranks its user's current role, disabling or
// deleting a user ends its tokens and browser sessions at once, sign-out ends the session on the
// server, tokens are listed (never their values), revoked, and expire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';

const ADMIN = 'hf_test_admin_token';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`people and tokens on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) =>
      app.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(payload ? { payload } : {}) });
    const newUser = async (username: string, roles: string[], role = roles[0]!) => {
      expect((await call('POST', '/users', ADMIN, { username, roles })).statusCode).toBe(201);
      const r = await call('POST', '/tokens', ADMIN, { username, role });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { token: string; id: number };
    };
    const signIn = async (token: string) => {
      const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { token } });
      expect(r.statusCode, r.body).toBe(200);
      const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
      const v = (n: string) => set.find((c) => c.startsWith(`${n}=`))!.split(';')[0]!.slice(n.length + 1);
      return { cookie: `hookflow_session=${v('hookflow_session')}; hookflow_csrf=${v('hookflow_csrf')}`, csrf: v('hookflow_csrf') };
    };
    const viaCookie = (s: { cookie: string }) => app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });

    beforeAll(async () => {
      t = await testRuntime(dialect, {}, false);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
    });
    afterAll(async () => { await app?.close(); await t?.close(); });

    it('a demoted admin\'s token drops to the user\'s current role and cannot mint its way back', async () => {
      const ann = await newUser('ann', ['admin']);
      expect((await call('GET', '/users', ann.token)).statusCode).toBe(200);
      expect((await call('PATCH', '/users/ann', ADMIN, { roles: ['editor'] })).statusCode).toBe(200);
      const me = await call('GET', '/me', ann.token);
      expect(me.json().role).toBe('editor');
      expect((await call('GET', '/users', ann.token)).statusCode).toBe(403);
      const mint = await call('POST', '/users', ann.token, { username: 'ann2', roles: ['admin'] });
      expect(mint.statusCode).toBe(403);
      expect(mint.json().error.code).toBe('HF_ERR_FORBIDDEN');
      expect((await call('POST', '/tokens', ann.token, { role: 'admin' })).statusCode).toBe(403);
      expect((await call('PATCH', '/users/ann', ann.token, { roles: ['admin'] })).statusCode).toBe(403);
      // An editor may mint an editor token for itself, not one for anybody else.
      expect((await call('POST', '/tokens', ann.token, { role: 'editor', name: 'mine' })).statusCode).toBe(201);
      expect((await call('POST', '/tokens', ann.token, { role: 'viewer', username: 'admin' })).statusCode).toBe(403);
      // An admin cannot raise their own role above what the token carries either.
      await newUser('root2', ['admin']);
      const weak = (await call('POST', '/tokens', ADMIN, { username: 'root2', role: 'viewer' })).json().token as string;
      expect((await call('GET', '/me', weak)).json().role).toBe('viewer');
    });

    it('disabling a user ends its tokens and browser sessions at once; enabling does not revive them', async () => {
      const bob = await newUser('bob', ['editor']);
      const s = await signIn(bob.token);
      expect((await viaCookie(s)).statusCode).toBe(200);
      const off = await call('PATCH', '/users/bob', ADMIN, { disabled: true });
      expect(off.json()).toMatchObject({ username: 'bob', disabled: true });
      const denied = await call('GET', '/me', bob.token);
      expect(denied.statusCode).toBe(401);
      expect(denied.json().error.code).toBe('HF_ERR_UNAUTHENTICATED');
      expect((await viaCookie(s)).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url: '/api/v1/session', payload: { token: bob.token } })).statusCode).toBe(401);
      expect((await call('POST', '/tokens', ADMIN, { username: 'bob', role: 'viewer' })).statusCode).toBe(409);
      await call('PATCH', '/users/bob', ADMIN, { disabled: false });
      expect((await call('GET', '/me', bob.token)).statusCode).toBe(401);
      expect((await viaCookie(s)).statusCode).toBe(401);
    });

    it('deleting a user ends its tokens, keeps its history resolvable, and never removes the last admin', async () => {
      const cy = await newUser('cy', ['viewer']);
      const s = await signIn(cy.token);
      const id = (await t.rt.users.get('cy')).id;
      expect((await call('DELETE', '/users/cy', ADMIN)).statusCode).toBe(204);
      expect((await call('GET', '/me', cy.token)).statusCode).toBe(401);
      expect((await viaCookie(s)).statusCode).toBe(401);
      expect((await call('GET', '/users', ADMIN)).json().items.map((u: { username: string }) => u.username)).not.toContain('cy');
      expect((await t.rt.users.getById(id)).display_name).toBe('cy');
      expect((await call('DELETE', '/users/cy', ADMIN)).statusCode).toBe(404);
      // The name is free again.
      expect((await call('POST', '/users', ADMIN, { username: 'cy' })).statusCode).toBe(201);
      // Only "admin" and "root2" are enabled admins now (ann was demoted): one may go, the other not.
      expect((await call('DELETE', '/users/root2', ADMIN)).statusCode).toBe(204);
      for (const r of [await call('DELETE', '/users/admin', ADMIN), await call('PATCH', '/users/admin', ADMIN, { disabled: true }), await call('PATCH', '/users/admin', ADMIN, { roles: ['viewer'] })]) {
        expect(r.statusCode, r.body).toBe(409);
        expect(r.json().error.code).toBe('HF_ERR_CONFLICT');
      }
      expect((await call('GET', '/me', ADMIN)).json().role).toBe('admin');
    });

    it('signing out ends the session on the server: the replayed cookie is refused', async () => {
      const s = await signIn(ADMIN);
      expect((await viaCookie(s)).statusCode).toBe(200);
      const out = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: s.cookie, 'x-hookflow-csrf': s.csrf } });
      expect(out.statusCode).toBe(204);
      const replay = await viaCookie(s);
      expect(replay.statusCode).toBe(401);
      expect(replay.json().error.code).toBe('HF_ERR_UNAUTHENTICATED');
      expect((await call('GET', '/me', ADMIN)).statusCode).toBe(200);
    });

    it('lists tokens without their values, revokes them with their sessions, and expires them', async () => {
      const dee = await newUser('dee', ['viewer']);
      const other = await newUser('eve', ['viewer']);
      expect((await call('GET', '/me', dee.token)).statusCode).toBe(200);
      const all = await call('GET', '/tokens', ADMIN);
      expect(all.statusCode).toBe(200);
      const items = all.json().items as Array<Record<string, unknown>>;
      expect(items.map((i) => i.user)).toEqual(expect.arrayContaining(['admin', 'dee', 'eve']));
      const mine = items.find((i) => i.id === dee.id)!;
      expect(Object.keys(mine).sort()).toEqual(['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'role', 'user']);
      expect(mine.last_used_at).toEqual(expect.any(String));
      expect(all.body).not.toContain(dee.token);
      const rows = await t.rt.store.db.selectFrom('api_tokens').select('token_hash').execute();
      for (const r of rows) expect(all.body).not.toContain(r.token_hash);
      // Others see only their own, and cannot revoke another's.
      const own = (await call('GET', '/tokens', dee.token)).json().items as Array<{ user: string }>;
      expect(own.map((i) => i.user)).toEqual(['dee']);
      expect((await call('DELETE', `/tokens/${other.id}`, dee.token)).statusCode).toBe(404);
      expect((await call('GET', '/me', other.token)).statusCode).toBe(200);
      // Revoking a token ends the sessions signed in with it.
      const s = await signIn(dee.token);
      expect((await call('DELETE', `/tokens/${dee.id}`, dee.token)).statusCode).toBe(204);
      expect((await call('GET', '/me', dee.token)).statusCode).toBe(401);
      expect((await viaCookie(s)).statusCode).toBe(401);
      expect((await call('DELETE', `/tokens/${other.id}`, ADMIN)).statusCode).toBe(204);
      expect((await call('GET', '/me', other.token)).statusCode).toBe(401);
      // expires_in: works until then, 401 after.
      const short = await call('POST', '/tokens', ADMIN, { username: 'admin', role: 'viewer', expires_in: 1 });
      expect(short.json().expires_at).toEqual(expect.any(String));
      const tok = short.json().token as string;
      expect((await call('GET', '/me', tok)).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const late = await call('GET', '/me', tok);
      expect(late.statusCode).toBe(401);
      expect(late.json().error.code).toBe('HF_ERR_UNAUTHENTICATED');
      expect((await call('POST', '/tokens', ADMIN, { username: 'admin', role: 'viewer', expires_in: 0 })).statusCode).toBe(400);
    });

    it('writes last_used_at at most once a minute per token', async () => {
      const { token, id } = await t.rt.users.createToken('admin', 'viewer', 'touch');
      const used = async () => (await t.rt.store.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
      expect(await used()).toBeNull();
      await call('GET', '/me', token);
      const first = Number(await used());
      expect(first).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 5));
      await call('GET', '/me', token);
      expect(Number(await used())).toBe(first);
      await t.rt.store.db.updateTable('api_tokens').set({ last_used_at: first - 61_000 }).where('id', '=', id).execute();
      await call('GET', '/me', token);
      expect(Number(await used())).toBeGreaterThan(first - 61_000);
    });

    it('lets only admins open a connection to private networks', async () => {
      const ed = await newUser('ed', ['editor']);
      for (const private_network of [true, ['127.0.0.0/8']]) {
        const r = await call('POST', '/connections', ed.token, { name: 'p', type: 'http', config: { private_network } });
        expect(r.statusCode).toBe(403);
        expect(r.json().error.code).toBe('HF_ERR_FORBIDDEN');
      }
      expect((await call('POST', '/connections', ed.token, { name: 'pub', type: 'http', config: { private_network: false } })).statusCode).toBe(201);
      expect((await call('PATCH', '/connections/pub', ed.token, { config: { private_network: true } })).statusCode).toBe(403);
      expect((await call('PATCH', '/connections/pub', ADMIN, { config: { private_network: true } })).statusCode).toBe(200);
      // An editor may change other settings of a connection an admin opened.
      expect((await call('PATCH', '/connections/pub', ed.token, { config: { private_network: true, base_url: 'http://127.0.0.1:9' } })).statusCode).toBe(200);
    });

    it('documents the routes in the OpenAPI document', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      expect(doc.paths['/api/v1/tokens']).toHaveProperty('get');
      expect(doc.paths['/api/v1/tokens']).toHaveProperty('post');
      expect(doc.paths['/api/v1/tokens/{id}']).toHaveProperty('delete');
      expect(doc.paths['/api/v1/users/{username}']).toHaveProperty('patch');
      expect(doc.paths['/api/v1/users/{username}']).toHaveProperty('delete');
    });
  });
}
