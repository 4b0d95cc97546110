/**
 * @module server/ui/session
 * Browser sessions: a session token of its own (an api_tokens row of kind `session`, child of the
 * API token the person signed in with), sealed (AES-256-GCM, key derived from HOOKFLOW_SECRET_KEY)
 * into an HttpOnly, SameSite=Strict cookie. Every request authenticates that token against the
 * store, so signing out, revoking the parent token, or disabling, demoting or deleting the user
 * ends the session at once in every `start` process behind a balancer; a replayed cookie is 401.
 *
 * CSRF: a request authenticated by the cookie that changes state must carry `X-Hookflow-CSRF`
 * equal to the csrf value sealed in the session (also sent as a readable cookie for the page to
 * copy): a cross-site form can neither set the header nor read the cookie. Bearer requests are
 * untouched.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import { loadSecretKey } from '../../security/index.js';

export const SESSION_COOKIE = 'hookflow_session';
export const CSRF_COOKIE = 'hookflow_csrf';
export const CSRF_HEADER = 'x-hookflow-csrf';
const TTL_MS = 12 * 3_600_000;
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Session { t: string; c: string; exp: number }

const keys = new WeakMap<Runtime, Buffer>();
function keyOf(rt: Runtime): Buffer {
  let k = keys.get(rt);
  if (!k) {
    const master = loadSecretKey({ envValue: rt.settings.secretKey, dataDir: rt.settings.dataDir });
    // A key of its own: a cookie can never be replayed as a connection-secret envelope or back.
    k = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'hookflow ui session v1', 32));
    keys.set(rt, k);
  }
  return k;
}

export function seal(rt: Runtime, s: Session): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(rt), iv);
  const body = Buffer.concat([c.update(JSON.stringify(s), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

export function unseal(rt: Runtime, value: string): Session | null {
  try {
    const raw = Buffer.from(value, 'base64url');
    if (raw.length < 29) return null;
    const d = createDecipheriv('aes-256-gcm', keyOf(rt), raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    const s = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')) as Session;
    return typeof s.t === 'string' && typeof s.c === 'string' && s.exp > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try { return decodeURIComponent(part.slice(i + 1).trim()); } catch { return undefined; } // malformed %-escapes: no cookie
    }
  }
  return undefined;
}

/**
 * The API token of a cookie session, or undefined when the request has no session cookie.
 * Throws for an unsafe method without the matching CSRF header.
 */
export function sessionToken(rt: Runtime, req: FastifyRequest): string | undefined {
  const v = readCookie(req, SESSION_COOKIE);
  if (!v) return undefined;
  const s = unseal(rt, v);
  if (!s) return undefined;
  if (!SAFE.has(req.method)) {
    const h = req.headers[CSRF_HEADER];
    const got = Buffer.from(typeof h === 'string' ? h : '');
    const want = Buffer.from(s.c);
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      throw new HookflowError('HF_ERR_FORBIDDEN', { role: 'session', action: `${req.method} ${req.url.split('?')[0]} without a matching X-Hookflow-CSRF header` });
    }
  }
  return s.t;
}

function secure(rt: Runtime, req: FastifyRequest): boolean {
  return req.protocol === 'https' || rt.settings.publicUrl.startsWith('https:');
}

function cookie(name: string, value: string, opts: { httpOnly: boolean; secure: boolean; maxAge: number }): string {
  return [`${name}=${encodeURIComponent(value)}`, 'Path=/', `Max-Age=${opts.maxAge}`, 'SameSite=Strict', ...(opts.httpOnly ? ['HttpOnly'] : []), ...(opts.secure ? ['Secure'] : [])].join('; ');
}

const me = { type: 'object', properties: { user: { type: 'object', additionalProperties: true }, role: { type: 'string' }, csrf: { type: 'string' }, expires_at: { type: 'string' } } } as const;

/** `POST /session` (token in, cookies out) and `DELETE /session`; outside bearer auth. */
export async function sessionRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.post('/session', {
    schema: {
      summary: 'Sign in for the browser: trade an API token for a session cookie (HttpOnly, SameSite=Strict)',
      body: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', minLength: 1, maxLength: 512 } } },
      response: { 200: me },
    },
  }, async (req: FastifyRequest, reply: FastifyReply) => {
    const { token } = req.body as { token: string };
    const p = await rt.users.authenticate(token);
    if (!p) throw new HookflowError('HF_ERR_UNAUTHENTICATED');
    const session = await rt.users.tokens.create(p.user.id, p.role, { name: 'browser session', kind: 'session', parentId: p.kind === 'api' ? p.tokenId : undefined, expiresIn: TTL_MS / 1000 });
    const csrf = randomBytes(18).toString('base64url');
    const exp = Date.now() + TTL_MS;
    const sec = secure(rt, req);
    void reply.header('set-cookie', [
      cookie(SESSION_COOKIE, seal(rt, { t: session.token, c: csrf, exp }), { httpOnly: true, secure: sec, maxAge: TTL_MS / 1000 }),
      cookie(CSRF_COOKIE, csrf, { httpOnly: false, secure: sec, maxAge: TTL_MS / 1000 }),
    ]).header('cache-control', 'no-store');
    return { user: p.user, role: p.role, csrf, expires_at: new Date(exp).toISOString() };
  });

  app.delete('/session', { schema: { summary: 'Sign out: end the session on the server and clear its cookies', response: { 204: { type: 'null' } } } }, async (req, reply) => {
    const v = readCookie(req, SESSION_COOKIE);
    const s = v ? unseal(rt, v) : null;
    if (s) await rt.users.tokens.endSession(s.t);
    const sec = secure(rt, req);
    return reply.header('set-cookie', [
      cookie(SESSION_COOKIE, '', { httpOnly: true, secure: sec, maxAge: 0 }),
      cookie(CSRF_COOKIE, '', { httpOnly: false, secure: sec, maxAge: 0 }),
    ]).code(204).send();
  });
}
