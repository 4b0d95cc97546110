// Browser sessions on the server: the cookie's flags, sealing (the token never appears in it),
// CSRF on unsafe methods, roles enforced for cookie requests, revoked tokens, tampering, sign-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from '../../../test/runtime-helpers.js';
import { buildApp } from '../app.js';

const ADMIN = 'hf_test_admin_token';

describe('browser session cookie', () => {
  let t: TestRuntime;
  let app: FastifyInstance;
  let viewer: string;

  const signIn = async (token: string) => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { token } });
    const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
    const value = (name: string) => set.find((c) => c.startsWith(`${name}=`))?.split(';')[0]!.slice(name.length + 1) ?? '';
    return { r, set, session: value('hookflow_session'), csrf: value('hookflow_csrf') };
  };
  const cookie = (s: { session: string; csrf: string }) => `hookflow_session=${s.session}; hookflow_csrf=${s.csrf}`;

  beforeAll(async () => {
    t = await testRuntime('sqlite', {}, false);
    await t.rt.users.bootstrapAdmin(ADMIN);
    await t.rt.users.create({ username: 'vic', roles: ['viewer'] });
    viewer = (await t.rt.users.createToken('vic', 'viewer')).token;
    app = await buildApp(t.rt);
  });
  afterAll(async () => { await app?.close(); await t?.close(); });

  it('refuses a wrong token and sets HttpOnly, SameSite=Strict cookies for a right one', async () => {
    const bad = await signIn('nope');
    expect(bad.r.statusCode).toBe(401);
    expect(bad.set).toEqual([]);
    const s = await signIn(ADMIN);
    expect(s.r.statusCode).toBe(200);
    expect(s.r.json()).toMatchObject({ role: 'admin', csrf: s.csrf });
    const sessionCookie = s.set.find((c) => c.startsWith('hookflow_session='))!;
    expect(sessionCookie).toMatch(/; HttpOnly/);
    expect(sessionCookie).toMatch(/; SameSite=Strict/);
    expect(sessionCookie).toMatch(/; Path=\//);
    expect(s.set.find((c) => c.startsWith('hookflow_csrf='))).not.toMatch(/HttpOnly/);
    expect(s.session).not.toContain(ADMIN);
    expect(Buffer.from(s.session, 'base64url').toString('latin1')).not.toContain(ADMIN);
  });

  it('authenticates reads by cookie; writes need the matching CSRF header', async () => {
    const s = await signIn(ADMIN);
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: cookie(s) } });
    expect(me.statusCode).toBe(200);
    const write = (csrf?: string) => app.inject({ method: 'POST', url: '/api/v1/recipes/validate', headers: { cookie: cookie(s), ...(csrf === undefined ? {} : { 'x-hookflow-csrf': csrf }) }, payload: {} });
    const none = await write();
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('HF_ERR_FORBIDDEN');
    expect((await write('x'.repeat(s.csrf.length))).statusCode).toBe(403);
    expect((await write(s.csrf)).statusCode).toBe(200);
    // Another session's CSRF value does not fit this session.
    const other = await signIn(ADMIN);
    expect((await write(other.csrf)).statusCode).toBe(403);
  });

  it('enforces the role of the token behind the cookie', async () => {
    const s = await signIn(viewer);
    expect(s.r.json().role).toBe('viewer');
    const h = { cookie: cookie(s), 'x-hookflow-csrf': s.csrf };
    expect((await app.inject({ method: 'GET', url: '/api/v1/recipes', headers: h })).statusCode).toBe(200);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/recipes/x', headers: h, payload: { trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: {} }] } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: h })).statusCode).toBe(403);
  });

  it('ignores a tampered cookie and signs out by clearing both cookies', async () => {
    const s = await signIn(ADMIN);
    const flipped = s.session.slice(0, -2) + (s.session.endsWith('A') ? 'B' : 'A') + s.session.slice(-1);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `hookflow_session=${flipped}` } })).statusCode).toBe(401);
    // A malformed %-escape is no session either: 401, not a server error.
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: 'hookflow_session=%E0%A4%A' } })).statusCode).toBe(401);
    const out = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: cookie(s), 'x-hookflow-csrf': s.csrf } });
    expect(out.statusCode).toBe(204);
    const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []);
    expect(cleared.some((c) => c.startsWith('hookflow_session=;') && c.includes('Max-Age=0'))).toBe(true);
    expect(cleared.some((c) => c.startsWith('hookflow_csrf=;') && c.includes('Max-Age=0'))).toBe(true);
  });
});
