/**
 * @module connectors/http/oauth
 * OAuth2 tokens for connections. Client credentials: cached per process until a minute before
 * expiry. Authorization code: the token pair is kept sealed in the connection's secrets, refreshed
 * before expiry or once after a 401, and a rotated refresh token is written back at once (RFC 9700
 * §4.14: the old one may already be dead). One refresh at a time per connection and process.
 */
import { createHash } from 'node:crypto';
import { HookflowError, isHookflowError } from '../../errors.js';
import { rememberSecrets } from '../../security/index.js';
import { httpConfig, type AuthConfig } from './config.js';
import { hop, transportFor } from './transport.js';
import type { Connection } from './auth.js';

export interface Token {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  /** Epoch ms; absent when the server gave no expires_in. */
  expires_at?: number;
  scope?: string;
}

/** Renew this long before the server's expiry, so a token never dies in flight. */
const EARLY_MS = 60_000;
const cache = new Map<string, Token>();
const inflight = new Map<string, Promise<Token>>();

function fingerprint(conn: Connection): string {
  const a = conn.config.auth as AuthConfig;
  // A changed client, token URL or secret must not reuse a token cached for the old settings.
  return `${conn.name}:${createHash('sha256').update(JSON.stringify([a.token_url, a.client_id, conn.secrets.client_secret])).digest('base64url')}`;
}

const fresh = (t: Token | undefined, now = Date.now()): t is Token => !!t && (t.expires_at === undefined || t.expires_at - EARLY_MS > now);

/** Where a refreshed token pair is written back (the connection service). */
export type TokenSaver = { update(name: string, patch: { secrets?: Record<string, unknown> }): Promise<unknown> };

export async function oauthToken(conn: Connection, force: boolean, saver?: TokenSaver): Promise<Token> {
  const key = fingerprint(conn);
  const auth = conn.config.auth as AuthConfig;
  const stored = auth.type === 'oauth2_authorization_code' ? (conn.secrets.oauth_token as Token | undefined) : undefined;
  const known = newest(cache.get(key), stored);
  if (!force && fresh(known)) return known;
  let p = inflight.get(key);
  if (!p) {
    p = (auth.type === 'oauth2_client_credentials' ? clientCredentials(conn) : refresh(conn, known, saver))
      .then((t) => { cache.set(key, t); return t; })
      .finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}

function newest(a: Token | undefined, b: Token | undefined): Token | undefined {
  if (!a || !b) return a ?? b;
  return (a.expires_at ?? 0) >= (b.expires_at ?? 0) ? a : b;
}

async function clientCredentials(conn: Connection): Promise<Token> {
  const auth = conn.config.auth as AuthConfig;
  const params: Record<string, string> = { grant_type: 'client_credentials', ...(auth.extra_params ?? {}) };
  if (auth.scopes?.length) params.scope = auth.scopes.join(' ');
  return tokenRequest(conn, params);
}

async function refresh(conn: Connection, current: Token | undefined, saver: TokenSaver | undefined): Promise<Token> {
  if (!current?.refresh_token) {
    if (!current) throw new HookflowError('HF_ERR_OAUTH_NOT_AUTHORIZED', { name: conn.name });
    throw new HookflowError('HF_ERR_OAUTH_TOKEN', { name: conn.name, reason: 'the token expired and the server gave no refresh token; authorize again' });
  }
  const t = await tokenRequest(conn, { grant_type: 'refresh_token', refresh_token: current.refresh_token });
  const next = { ...t, refresh_token: t.refresh_token ?? current.refresh_token };
  // Without a saver the rotated pair would be lost and the next refresh would use a dead token.
  if (!saver) throw new HookflowError('HF_ERR_INTERNAL', { reason: 'an OAuth2 refresh needs the connection service to keep the new token' });
  await saver.update(conn.name, { secrets: { oauth_token: next } });
  return next;
}

/** POSTs a form to the token endpoint with the connection's transport and client authentication. */
export async function tokenRequest(conn: Connection, params: Record<string, string>): Promise<Token> {
  const auth = conn.config.auth as AuthConfig;
  const secret = String(conn.secrets.client_secret ?? '');
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const form = new URLSearchParams(params);
  if (auth.client_auth === 'body') {
    form.set('client_id', auth.client_id ?? '');
    form.set('client_secret', secret);
  } else {
    // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined.
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(auth.client_id ?? '')}:${enc(secret)}`).toString('base64')}`;
  }
  const t = transportFor(httpConfig(conn.config), conn.secrets);
  const deadline = AbortSignal.timeout(t.totalMs);
  let status = 0;
  let text = '';
  try {
    const res = await hop(new URL(auth.token_url ?? ''), t, { method: 'POST', headers, body: form.toString(), signal: deadline }, deadline);
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    if (isHookflowError(e) && e.code === 'HF_ERR_SSRF_BLOCKED') throw e;
    throw new HookflowError('HF_ERR_OAUTH_TOKEN', { name: conn.name, reason: (e as Error).message }, { retryable: true, cause: e });
  }
  let body: Record<string, unknown> = {};
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { body = Object.fromEntries(new URLSearchParams(text)); }
  if (status < 200 || status >= 300 || typeof body.access_token !== 'string') {
    // invalid_grant (revoked or expired refresh token) will not heal by retrying; a 5xx may.
    const reason = `token endpoint answered ${status}${body.error ? ` ${String(body.error)}` : ''}`;
    throw new HookflowError('HF_ERR_OAUTH_TOKEN', { name: conn.name, reason }, { retryable: status >= 500 || status === 429 });
  }
  const expiresIn = Number(body.expires_in);
  rememberSecrets([body.access_token, body.refresh_token]);
  return {
    access_token: body.access_token,
    ...(typeof body.refresh_token === 'string' ? { refresh_token: body.refresh_token } : {}),
    token_type: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expires_at: Date.now() + expiresIn * 1000 } : {}),
    ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
  };
}

/** Forgets cached tokens of a connection (after a new authorization). */
export function forgetTokens(name: string): void {
  for (const k of [...cache.keys()]) if (k.startsWith(`${name}:`)) cache.delete(k);
}
