/**
 * @module connectors/fourme/auth
 * The bearer token of a 4me connection: a personal access token as given, or an OAuth client
 * credentials token from `https://oauth.<domain>/token`, cached per process until shortly before it
 * expires and fetched again when 4me answers 401 (a token revoked or rotated early).
 */
import { HookflowError } from '../../errors.js';
import { rememberSecrets, safeFetch } from '../../security/index.js';
import type { Connection } from './types.js';
import type { FourmeEndpoints } from './config.js';

interface Cached { token: string; expiresAt: number }

const tokens = new Map<string, Promise<Cached>>();
// Renew a minute early so a token never expires between our check and 4me's.
const MARGIN_MS = 60_000;

function cacheKey(conn: Connection, ep: FourmeEndpoints): string {
  return `${conn.name}\n${ep.oauthUrl}\n${String(conn.secrets.client_id)}\n${String(conn.secrets.client_secret)}`;
}

async function fetchToken(conn: Connection, ep: FourmeEndpoints): Promise<Cached> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: String(conn.secrets.client_id ?? ''), client_secret: String(conn.secrets.client_secret ?? '') }).toString();
  const res = await safeFetch(ep.oauthUrl, {
    method: 'POST', allowPrivate: ep.allowPrivate, timeoutMs: ep.timeoutMs, maxRedirects: 0,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', [ep.accountHeader]: ep.account },
    body,
  });
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* reported below */ }
  if (res.statusCode !== 200 || typeof json.access_token !== 'string') {
    // RFC 6749 §5.2: `error` and `error_description` name the problem without echoing the secret.
    const reason = json.error ? `${String(json.error)}${json.error_description ? `: ${String(json.error_description)}` : ''}` : `HTTP ${res.statusCode}`;
    throw new HookflowError('HF_ERR_FOURME_AUTH', { name: conn.name, reason }, { retryable: res.statusCode >= 500 || res.statusCode === 429 });
  }
  const expiresIn = Number(json.expires_in ?? 3600);
  rememberSecrets(json.access_token);
  return { token: json.access_token, expiresAt: Date.now() + expiresIn * 1000 - MARGIN_MS };
}

/** `fresh` drops the cached token first (after a 401). */
export async function bearerToken(conn: Connection, ep: FourmeEndpoints, fresh = false): Promise<string> {
  if (ep.authType === 'personal_access_token') {
    if (!conn.secrets.token) throw new HookflowError('HF_ERR_FOURME_AUTH', { name: conn.name, reason: 'the secret token is not set' });
    return String(conn.secrets.token);
  }
  const key = cacheKey(conn, ep);
  let hit = tokens.get(key);
  if (hit && !fresh) {
    const c = await hit.catch(() => null);
    if (c && c.expiresAt > Date.now()) return c.token;
  }
  hit = fetchToken(conn, ep);
  tokens.set(key, hit);
  hit.catch(() => tokens.delete(key));
  return (await hit).token;
}

/** Every 4me call carries the token and the account it acts in. */
export async function authHeaders(conn: Connection, ep: FourmeEndpoints, fresh = false): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await bearerToken(conn, ep, fresh)}`, [ep.accountHeader]: ep.account };
}
