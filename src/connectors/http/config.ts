/**
 * @module connectors/http/config
 * The `type: http` connection: its config and secrets schemas, and the typed view every HTTP call
 * reads. Any other connection type may carry the same `auth`, `base_url`, `tls`... fields; only
 * `http` is validated here, the others belong to their connectors.
 */
import { Ajv } from 'ajv';
import { HookflowError } from '../../errors.js';
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

const str = { type: 'string', minLength: 1 } as const;
const strMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const ms = { type: 'integer', minimum: 1, maximum: 3_600_000 } as const;
const url = { type: 'string', pattern: '^https?://' } as const;

const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    base_url: url,
    headers: strMap,
    auth: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { type: 'string', enum: [...AUTH_TYPES] },
        username: str, header: str, param: str, prefix: { type: 'string' },
        authorization_url: url, token_url: url, client_id: str,
        scopes: { type: 'array', items: str }, extra_params: strMap, pkce: { type: 'boolean' },
        client_auth: { type: 'string', enum: ['basic', 'body'] },
      },
    },
    timeouts: { type: 'object', additionalProperties: false, properties: { connect_ms: ms, headers_ms: ms, total_ms: ms } },
    proxy_url: url,
    private_network: { anyOf: [{ type: 'boolean' }, { type: 'array', items: str }] },
    tls: { type: 'object', additionalProperties: false, properties: { cert: str, ca: str } },
    test: {
      type: 'object', additionalProperties: false, required: ['path'],
      properties: { method: str, path: str, expect_status: { type: 'array', items: { type: 'integer' } } },
    },
  },
} as const;

const secretsSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    username: { type: 'string' }, password: { type: 'string' }, token: { type: 'string' },
    headers: strMap, params: strMap, body: { type: 'object' }, client_secret: { type: 'string' },
    tls_cert: { type: 'string' }, tls_key: { type: 'string' }, tls_passphrase: { type: 'string' }, tls_ca: { type: 'string' },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const checkConfig = ajv.compile(configSchema);
const checkSecrets = ajv.compile(secretsSchema);

/** What each auth type cannot work without (config fields; secrets are checked as "set"). */
const NEEDS: Partial<Record<AuthType, { config?: Array<keyof AuthConfig>; secrets?: string[] }>> = {
  oauth2_authorization_code: { config: ['authorization_url', 'token_url', 'client_id'], secrets: ['client_secret'] },
  oauth2_client_credentials: { config: ['token_url', 'client_id'], secrets: ['client_secret'] },
};

/**
 * Throws HF_ERR_CONNECTION_INVALID for a bad `type: http` connection. `secrets` are the merged
 * secrets the connection will hold (their values are never echoed in the error).
 */
export function validateHttpConnection(name: string, config: Record<string, unknown>, secrets: Record<string, unknown>): void {
  const problems: string[] = [];
  if (!checkConfig(config)) problems.push(...(checkConfig.errors ?? []).map((e) => `config${e.instancePath.replace(/\//g, '.')} ${e.message}${e.params.additionalProperty ? ` (${String(e.params.additionalProperty)})` : ''}`));
  if (!checkSecrets(secrets)) problems.push(...(checkSecrets.errors ?? []).map((e) => `secret ${e.instancePath.slice(1)} ${e.message}`));
  const auth = (config as HttpConfig).auth;
  const need = auth ? NEEDS[auth.type] : undefined;
  for (const k of need?.config ?? []) if (auth?.[k] === undefined) problems.push(`config.auth.${k} is required for ${auth?.type}`);
  for (const k of need?.secrets ?? []) if (secrets[k] === undefined) problems.push(`secret ${k} is required for ${auth?.type}`);
  if (typeof secrets.tls_key === 'string' && !(config as HttpConfig).tls?.cert && typeof secrets.tls_cert !== 'string') problems.push('a TLS key needs a certificate (config.tls.cert)');
  if (problems.length) throw new HookflowError('HF_ERR_CONNECTION_INVALID', { name, reason: problems.join('; ') }, { details: problems });
}

/** The HTTP view of any connection's config (missing fields are simply absent). */
export function httpConfig(config: Record<string, unknown> | undefined): HttpConfig {
  return (config ?? {}) as HttpConfig;
}
