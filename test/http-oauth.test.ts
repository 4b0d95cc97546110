import { createHash, randomBytes } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitJob, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { startServer, type TestServer } from '../src/security/test-helpers.js';
import { runRequest } from '../src/connectors/http/request.js';

const ADMIN = 'hf_test_admin_token';
const CLIENT = { id: 'cid', secret: 'csecret-xyz' };

/** An OAuth2 provider: authorize (with PKCE), token (both grants, refresh with rotation), a protected API. */
function provider() {
  const codes = new Map<string, { challenge: string; redirect: string; scope: string }>();
  const access = new Map<string, number>(); // token → expires at
  const refresh = new Set<string>();
  const stats = { issued: 0, refreshed: 0, clientAuth: [] as string[] };
  let ttl = 3600;
  const issue = (withRefresh: boolean) => {
    const a = `at-${randomBytes(6).toString('hex')}`;
    access.set(a, Date.now() + ttl * 1000);
    stats.issued++;
    const body: Record<string, unknown> = { access_token: a, token_type: 'bearer', expires_in: ttl };
    if (withRefresh) { const r = `rt-${randomBytes(6).toString('hex')}`; refresh.add(r); body.refresh_token = r; }
    return body;
  };
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x');
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (u.pathname === '/authorize') {
        const code = `code-${randomBytes(6).toString('hex')}`;
        codes.set(code, { challenge: u.searchParams.get('code_challenge') ?? '', redirect: u.searchParams.get('redirect_uri') ?? '', scope: u.searchParams.get('scope') ?? '' });
        const back = new URL(u.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', u.searchParams.get('state')!);
        return res.writeHead(302, { location: back.href }).end();
      }
      if (u.pathname === '/token') {
        const f = new URLSearchParams(text);
        const basic = req.headers.authorization?.replace(/^Basic /, '');
        const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [f.get('client_id'), f.get('client_secret')];
        stats.clientAuth.push(basic ? 'basic' : 'body');
        if (id !== CLIENT.id || secret !== CLIENT.secret) return json(401, { error: 'invalid_client' });
        const grant = f.get('grant_type');
        if (grant === 'client_credentials') return json(200, issue(false));
        if (grant === 'authorization_code') {
          const c = codes.get(f.get('code') ?? '');
          codes.delete(f.get('code') ?? '');
          const pkceOk = c && createHash('sha256').update(f.get('code_verifier') ?? '').digest('base64url') === c.challenge;
          if (!c || !pkceOk || c.redirect !== f.get('redirect_uri')) return json(400, { error: 'invalid_grant' });
          return json(200, issue(true));
        }
        if (grant === 'refresh_token') {
          const r = f.get('refresh_token') ?? '';
          if (!refresh.delete(r)) return json(400, { error: 'invalid_grant' });
          stats.refreshed++;
          return json(200, issue(true)); // rotated
        }
        return json(400, { error: 'unsupported_grant_type' });
      }
      const tok = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      const exp = access.get(tok);
      if (!exp || exp < Date.now()) return json(401, { error: 'invalid_token' });
      return json(200, { hello: 'world', n: 1 });
    });
  };
  return {
    handler, stats,
    setTtl: (s: number) => { ttl = s; },
    revokeAccess: () => access.clear(),
    revokeRefresh: () => refresh.clear(),
  };
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`OAuth2 connections on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let server: TestServer;
    let p: ReturnType<typeof provider>;
    const auth = { authorization: `Bearer ${ADMIN}` };
    const createConn = async (name: string, authCfg: Record<string, unknown>) => {
      const r = await app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth, payload: {
        name, type: 'http', config: { base_url: `${server.url}/api`, private_network: true, auth: { client_id: CLIENT.id, token_url: `${server.url}/token`, ...authCfg } },
        secrets: { client_secret: CLIENT.secret },
      } });
      expect(r.statusCode, r.body).toBe(201);
    };

    beforeAll(async () => {
      p = provider();
      server = await startServer(p.handler);
      t = await testRuntime(dialect, { HOOKFLOW_PUBLIC_URL: 'https://hookflow.example' });
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
    });
    afterAll(async () => { await app?.close(); await t?.close(); await server?.close(); });

    it('client credentials: cached token, refreshed once after a 401, basic or body client auth', async () => {
      await createConn('cc', { type: 'oauth2_client_credentials', scopes: ['read'] });
      const before = p.stats.issued;
      const conn = await t.rt.connections.resolve('cc');
      expect((await runRequest(conn, { url: 'things' })).output.status).toBe(200);
      expect((await runRequest(conn, { url: 'things' })).output.status).toBe(200);
      expect(p.stats.issued - before).toBe(1);
      p.revokeAccess();
      expect((await runRequest(conn, { url: 'things' })).output.status).toBe(200);
      expect(p.stats.issued - before).toBe(2);
      expect(p.stats.clientAuth.at(-1)).toBe('basic');
      await createConn('cc-body', { type: 'oauth2_client_credentials', client_auth: 'body' });
      expect((await runRequest(await t.rt.connections.resolve('cc-body'), { url: 'things' })).output.status).toBe(200);
      expect(p.stats.clientAuth.at(-1)).toBe('body');
    });

    it('refuses an oauth2 connection without its required fields', async () => {
      const r = await app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth, payload: { name: 'bad', type: 'http', config: { auth: { type: 'oauth2_authorization_code' } } } });
      expect(r.statusCode).toBe(422);
      expect(r.json().error.code).toBe('HF_ERR_CONNECTION_INVALID');
      expect(r.json().error.message).toMatch(/authorization_url/);
    });

    it('authorization code with PKCE and state; tokens sealed, refreshed before expiry and after a 401; revoked refresh fails', async () => {
      await createConn('ac', { type: 'oauth2_authorization_code', authorization_url: `${server.url}/authorize`, scopes: ['read', 'write'], extra_params: { prompt: 'consent' } });
      const start = await app.inject({ method: 'GET', url: '/api/v1/connections/ac/oauth/authorize', headers: auth });
      expect(start.statusCode, start.body).toBe(200);
      const authUrl = new URL(start.json().authorization_url);
      expect(Object.fromEntries(authUrl.searchParams)).toMatchObject({
        response_type: 'code', client_id: 'cid', redirect_uri: 'https://hookflow.example/oauth/callback', scope: 'read write', prompt: 'consent', code_challenge_method: 'S256',
      });
      const redirect = await app.inject({ method: 'GET', url: '/api/v1/connections/ac/oauth/authorize?redirect=true', headers: auth });
      expect(redirect.statusCode).toBe(302);
      // The browser: the provider redirects back to our callback with code and state.
      const consent = await fetch(authUrl, { redirect: 'manual' });
      const back = new URL(consent.headers.get('location')!);
      expect(back.pathname).toBe('/oauth/callback');
      // The second authorize call replaced the pending state: the first one is now refused.
      const stale = await app.inject({ method: 'GET', url: `/oauth/callback${back.search}` });
      expect(stale.statusCode).toBe(400);
      expect(stale.json().error.code).toBe('HF_ERR_OAUTH_STATE');
      const second = await fetch(redirect.headers.location as string, { redirect: 'manual' });
      const back2 = new URL(second.headers.get('location')!);
      const cb = await app.inject({ method: 'GET', url: `/oauth/callback${back2.search}` });
      expect(cb.statusCode, cb.body).toBe(200);
      expect(cb.json()).toMatchObject({ status: 'authorized', connection: 'ac' });
      expect((await app.inject({ method: 'GET', url: `/oauth/callback${back2.search}` })).statusCode).toBe(400);
      const view = await app.inject({ method: 'GET', url: '/api/v1/connections/ac', headers: auth });
      expect(view.json().secret_fields).toContain('oauth_token');
      expect(view.body).not.toMatch(/at-|rt-/);

      // A recipe step uses the token.
      await app.inject({ method: 'PUT', url: '/api/v1/recipes/oauth-call', headers: auth, payload: { trigger: { type: 'webhook' }, steps: [{ id: 'get', action: 'http.request', connection: 'ac', with: { url: 'things' } }] } });
      const hook = (await app.inject({ method: 'GET', url: '/api/v1/recipes/oauth-call', headers: auth })).json().trigger_url as string;
      const job = (await app.inject({ method: 'POST', url: new URL(hook).pathname, payload: {} })).json();
      const done = await waitJob(t.rt, job.job_id);
      expect(done.status).toBe('succeeded');
      expect(JSON.stringify(done)).not.toMatch(/at-[0-9a-f]{12}/);

      // Access revoked: one refresh after the 401, and the rotated refresh token is kept.
      const rt0 = ((await t.rt.connections.resolve('ac')).secrets.oauth_token as { refresh_token: string }).refresh_token;
      p.revokeAccess();
      const refreshed = p.stats.refreshed;
      expect((await runRequest(await t.rt.connections.resolve('ac'), { url: 'things' }, { io: { connections: t.rt.connections } })).output.status).toBe(200);
      expect(p.stats.refreshed).toBe(refreshed + 1);
      const rt1 = ((await t.rt.connections.resolve('ac')).secrets.oauth_token as { refresh_token: string }).refresh_token;
      expect(rt1).not.toBe(rt0);

      // Short-lived tokens are refreshed before they expire, without a 401 first.
      p.setTtl(30);
      p.revokeAccess();
      await runRequest(await t.rt.connections.resolve('ac'), { url: 'things' }, { io: { connections: t.rt.connections } });
      const n = p.stats.refreshed;
      expect((await runRequest(await t.rt.connections.resolve('ac'), { url: 'things' }, { io: { connections: t.rt.connections } })).output.status).toBe(200);
      expect(p.stats.refreshed).toBe(n + 1);
      p.setTtl(3600);

      // Refresh token revoked too: the step fails with a clear, non-retryable OAuth error.
      p.revokeAccess();
      p.revokeRefresh();
      const err = await runRequest(await t.rt.connections.resolve('ac'), { url: 'things' }, { io: { connections: t.rt.connections } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'HF_ERR_OAUTH_TOKEN', retryable: false });
      expect((err as Error).message).toMatch(/invalid_grant/);
    });
  });
}
