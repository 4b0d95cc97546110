/**
 * @module connectors/http/auth
 * Signs a request with its connection's auth: basic, bearer, header, query, custom (headers,
 * query parameters and body fields), and OAuth2 through `oauth.ts`. Reads `config.auth` and the
 * secrets of any connection type, so http.request can call an API another connector lacks.
 */
import type { ActionContext } from '../../engine/actions.js';
import type { AuthConfig } from './config.js';
import { oauthToken, type TokenSaver } from './oauth.js';
import { authHeaders as fourmeAuthHeaders } from '../fourme/auth.js';
import { fourmeEndpoints } from '../fourme/config.js';

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

export type Connection = NonNullable<ActionContext['connection']>;

export interface Signature {
  /** Fields merged into a JSON or form body (custom auth). */
  bodyFields?: Record<string, unknown>;
  /** True when the request carries an OAuth2 token: a 401 is worth one refresh and retry. */
  oauth: boolean;
}

/** The credential values a signature put on the wire (e.g. a base64 basic header), for scrubbing echoes. */
export function sentCredentials(headers: Record<string, string>, url: URL, before: { headers: Record<string, string>; query: string }): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) if (before.headers[k] !== v) out.push(v, v.replace(/^(Basic|Bearer)\s+/i, ''));
  for (const [k, v] of url.searchParams) if (!new URLSearchParams(before.query).has(k)) out.push(v);
  return out;
}

function setAll(into: Record<string, string>, from: unknown): void {
  for (const [k, v] of Object.entries((from ?? {}) as Record<string, unknown>)) into[k.toLowerCase()] = String(v);
}

function setParams(url: URL, from: unknown): void {
  for (const [k, v] of Object.entries((from ?? {}) as Record<string, unknown>)) url.searchParams.set(k, String(v));
}

/** Mutates `url` and `headers`; `forceRefresh` asks OAuth2 for a new token (after a 401). */
export async function sign(conn: Connection | undefined, url: URL, headers: Record<string, string>, forceRefresh = false, saver?: TokenSaver): Promise<Signature> {
  if (!conn) return { oauth: false };
  if (conn.type === '4me') {
    // A 4me connection signs like the 4me connector: bearer token (OAuth or personal) and account header.
    Object.assign(headers, lowerKeys(await fourmeAuthHeaders(conn, fourmeEndpoints(conn.name, conn.config), forceRefresh)));
    return { oauth: true };
  }
  const auth = (conn.config.auth ?? {}) as Partial<AuthConfig>;
  const s = conn.secrets as Record<string, any>;
  switch (auth.type) {
    case 'basic': {
      const user = auth.username ?? s.username ?? '';
      headers.authorization = `Basic ${Buffer.from(`${user}:${s.password ?? s.api_key ?? ''}`).toString('base64')}`;
      break;
    }
    case 'bearer':
      headers.authorization = `Bearer ${s.token}`;
      break;
    case 'header':
      setAll(headers, s.headers);
      if (auth.header && s.token !== undefined) headers[auth.header.toLowerCase()] = `${auth.prefix ?? ''}${s.token}`;
      break;
    case 'query':
      setParams(url, s.params);
      if (auth.param && s.token !== undefined) url.searchParams.set(auth.param, String(s.token));
      break;
    case 'custom':
      setAll(headers, s.headers);
      setParams(url, s.params);
      return { oauth: false, bodyFields: s.body && typeof s.body === 'object' ? s.body : undefined };
    case 'oauth2_authorization_code':
    case 'oauth2_client_credentials': {
      const token = await oauthToken(conn, forceRefresh, saver);
      headers.authorization = `${/^bearer$/i.test(token.token_type ?? 'Bearer') ? 'Bearer' : token.token_type} ${token.access_token}`;
      return { oauth: true };
    }
  }
  return { oauth: false };
}

/** Every secret string of a connection, for scrubbing answers and errors (OAuth2 tokens included). */
export function secretStrings(conn: Connection | undefined, extra: string[] = []): string[] {
  const out: string[] = [...extra];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') { if (v.length >= 4) out.push(v); } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(conn?.secrets);
  return out;
}
