/**
 * @module connectors/http/config
 * The `type: http` connection's typed view, which every HTTP call reads (its schemas are in
 * `catalog.ts`). Any other connection type may carry the same `auth`, `base_url`, `tls`... fields.
 */
import type { PrivateAccess } from '../../security/index.js';

export const AUTH_TYPES = ['none', 'basic', 'bearer', 'header', 'query', 'custom', 'oauth2_authorization_code', 'oauth2_client_credentials'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export interface AuthConfig {
  type: AuthType;
  /** basic: the user name when it is not secret (else `secrets.username`). */
  username?: string;
  /** header/query: the one header or parameter that carries `secrets.token`. */
  header?: string;
  param?: string;
  prefix?: string;
  // OAuth2
  authorization_url?: string;
  token_url?: string;
  client_id?: string;
  scopes?: string[];
  extra_params?: Record<string, string>;
  /** PKCE S256; on by default (RFC 9700 recommends it for confidential clients too). */
  pkce?: boolean;
  /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
  client_auth?: 'basic' | 'body';
}

export interface HttpConfig {
  base_url?: string;
  headers?: Record<string, string>;
  auth?: AuthConfig;
  timeouts?: { connect_ms?: number; headers_ms?: number; total_ms?: number };
  proxy_url?: string;
  private_network?: PrivateAccess;
  tls?: { cert?: string; ca?: string };
  /** The request "test connection" sends; it must answer 2xx (or one of expect_status). */
  test?: { method?: string; path: string; expect_status?: number[] };
}

/**
 * Beyond the catalog's schema and the auth type's required secrets (checked for every type in
 * `catalog/check-connection.ts`): what only the HTTP type knows.
 */
export function httpConnectionProblems(config: Record<string, unknown>, secrets: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const auth = (config as HttpConfig).auth;
  if (auth?.type === 'header' && secrets.token !== undefined && !auth.header) problems.push('config.auth.header is required: it names the header that carries the secret token');
  if (auth?.type === 'query' && secrets.token !== undefined && !auth.param) problems.push('config.auth.param is required: it names the query parameter that carries the secret token');
  if (typeof secrets.tls_key === 'string' && !(config as HttpConfig).tls?.cert && typeof secrets.tls_cert !== 'string') problems.push('a TLS key needs a certificate (config.tls.cert)');
  return problems;
}

/** The HTTP view of any connection's config (missing fields are simply absent). */
export function httpConfig(config: Record<string, unknown> | undefined): HttpConfig {
  return (config ?? {}) as HttpConfig;
}
