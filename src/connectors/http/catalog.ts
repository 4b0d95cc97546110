/**
 * @module connectors/http/catalog
 * The HTTP connector's catalog entries: the `http.request` action, the `http` connection type with
 * each auth type and the secrets it needs, and the `http.poll` trigger.
 */
import { Type } from '@sinclair/typebox';
import type { Catalog } from '../../catalog/catalog.js';
import type { CatalogAuthType } from '../../catalog/types.js';
import { Any, Bool, Closed, Enum, Int, Obj, Opt, Str, d } from '../../catalog/fields.js';
import { TRIGGER_SCHEMAS } from '../../recipes/schema.js';
import { httpRequestAction } from './request.js';
import { AUTH_TYPES, httpConnectionProblems } from './config.js';

const Pagination = Closed({
  type: Enum(['link', 'cursor', 'page'], 'Type', '`link`: follow the Link header\'s rel=next; `cursor`: send the next cursor; `page`: count pages.'),
  items: Opt(Str('Items', 'JSONata over `{status, headers, body}` giving the page\'s items (default `body`).')),
  cursor: Opt(Str('Cursor', 'cursor: JSONata giving the next cursor; empty ends the pages.')),
  cursor_param: Opt(Str('Cursor parameter', 'cursor: the query parameter that sends it.')),
  page_param: Opt(Str('Page parameter', 'page: the query parameter of the page number (default `page`).')),
  start_page: Opt(Int('Start page', 'page: the first page number (default 1).')),
  page_size: Opt(Int('Page size', 'page: items per page, when known (a shorter page ends the pages).')),
  limit: Opt(Int('Limit', 'Items to collect at most (default 1000).', { minimum: 1 })),
  max_pages: Opt(Int('Max pages', 'Pages to fetch at most (default 100).', { minimum: 1 })),
}, 'Pagination', 'Fetch every page and answer their items together.');

export const RequestSchema = Closed({
  method: Opt(Str('Method', 'GET (default), POST, PUT, PATCH, DELETE, HEAD, ...')),
  url: Str('URL', 'Absolute, or relative to the connection\'s base_url.'),
  query: Opt(Obj('Query', 'Query parameters; a list value repeats the parameter.')),
  headers: Opt(Obj('Headers', 'Request headers (the connection\'s auth headers are added).')),
  body: Opt(Any('Body', 'An object (JSON, form, multipart), text, or a stored body `{blob_id}` / `{base64}`.')),
  body_type: Opt(Enum(['json', 'form', 'multipart', 'text', 'binary'], 'Body type', 'How the body is encoded (default: json for objects, text for strings).')),
  response_type: Opt(Enum(['auto', 'json', 'text', 'binary'], 'Response type', '`auto` reads JSON when the answer says so; `binary` stores the body and outputs a reference.')),
  accept_status: Opt(Type.Array(Type.Integer(), d('Accepted statuses', 'Non-2xx statuses that are not an error.'))),
  timeout_seconds: Opt(Type.Number(d('Timeout', 'Seconds for the whole request.', { exclusiveMinimum: 0 }))),
  timeout_ms: Opt(Int('Timeout (ms)', 'Milliseconds for the whole request (timeout_seconds is simpler).', { minimum: 1 })),
  redirects: Opt(Enum(['follow', 'none'], 'Redirects', '`follow` (default) or `none`: the 3xx answer is the response.')),
  max_redirects: Opt(Int('Max redirects', 'Redirects followed at most (default 5).', { minimum: 0 })),
  pagination: Opt(Pagination),
}, 'HTTP request', 'One call, or a paginated series.');

const RequestOutput = Type.Object({
  status: Int('Status', 'The HTTP status.'),
  headers: Obj('Headers', 'Response headers, lower-case.'),
  body: Opt(Any('Body', 'JSON, text, or a stored body `{blob_id, size, content_type}`.')),
  items: Opt(Type.Array(Type.Unknown(), d('Items', 'Paginated: every page\'s items.'))),
  pages: Opt(Int('Pages', 'Paginated: pages fetched.')),
  truncated: Opt(Bool('Truncated', 'Paginated: more pages were left.')),
  url: Str('URL', 'The final URL, after redirects, without credentials.'),
  redirects: Type.Array(Type.Object({ status: Int('Status', 'The redirect\'s status.'), url: Str('URL', 'Where it pointed.') }), d('Redirects', 'Each redirect followed.')),
}, d('Response', 'The answer.'));

export const HTTP_AUTH: CatalogAuthType[] = [
  { type: 'none', title: 'None', description: 'No credentials.', secrets: [] },
  { type: 'basic', title: 'Basic', description: 'HTTP Basic: `auth.username` (or secret `username`) and secret `password`.', secrets: ['password'], or_secrets: ['api_key'], optional_secrets: ['username'] },
  { type: 'bearer', title: 'Bearer token', description: '`Authorization: Bearer <token>`.', secrets: ['token'] },
  { type: 'header', title: 'Header', description: 'Secret `token` in the header `auth.header` (after `auth.prefix`), and/or a map of secret `headers`.', secrets: ['token'], or_secrets: ['headers'], optional_secrets: ['headers'] },
  { type: 'query', title: 'Query parameter', description: 'Secret `token` in the query parameter `auth.param`, and/or a map of secret `params`.', secrets: ['token'], or_secrets: ['params'], optional_secrets: ['params'] },
  { type: 'custom', title: 'Custom', description: 'Secret `headers`, `params` and `body` fields added to every request.', secrets: [], optional_secrets: ['headers', 'params', 'body'] },
  { type: 'oauth2_authorization_code', title: 'OAuth2 authorization code', description: 'A person authorizes once (PKCE); tokens are refreshed and kept sealed.', secrets: ['client_secret'], config: ['authorization_url', 'token_url', 'client_id'] },
  { type: 'oauth2_client_credentials', title: 'OAuth2 client credentials', description: 'Tokens from the token endpoint, cached until a minute before expiry.', secrets: ['client_secret'], config: ['token_url', 'client_id'] },
];

const StrMap = (title: string, description: string) => Type.Record(Type.String(), Type.String(), d(title, description));
const Url = (title: string, description: string) => Str(title, description, { pattern: '^https?://' });
const Ms = (title: string, description: string) => Int(title, description, { minimum: 1, maximum: 3_600_000 });

export const HttpConfigSchema = Closed({
  base_url: Opt(Url('Base URL', 'Relative step URLs join it.')),
  headers: Opt(StrMap('Headers', 'Sent with every request (not secret).')),
  auth: Opt(Closed({
    type: Enum(AUTH_TYPES, 'Auth type', 'How requests are authenticated; see the auth types below.'),
    username: Opt(Str('Username', 'basic: the user name when it is not secret.', { minLength: 1 })),
    header: Opt(Str('Header', 'header: the header that carries secret `token`.', { minLength: 1 })),
    param: Opt(Str('Parameter', 'query: the query parameter that carries secret `token`.', { minLength: 1 })),
    prefix: Opt(Str('Prefix', 'header: text before the token (e.g. `Token `).')),
    authorization_url: Opt(Url('Authorization URL', 'oauth2_authorization_code: where people authorize.')),
    token_url: Opt(Url('Token URL', 'OAuth2: the token endpoint.')),
    client_id: Opt(Str('Client id', 'OAuth2: the client id.', { minLength: 1 })),
    scopes: Opt(Type.Array(Type.String({ minLength: 1 }), d('Scopes', 'OAuth2: scopes asked for.'))),
    extra_params: Opt(StrMap('Extra parameters', 'OAuth2: extra token/authorize parameters.')),
    pkce: Opt(Bool('PKCE', 'oauth2_authorization_code: PKCE S256 (default on).')),
    client_auth: Opt(Enum(['basic', 'body'], 'Client auth', 'OAuth2: client credentials in a Basic header (default) or the body.')),
  }, 'Auth', 'The auth type and its non-secret settings.')),
  timeouts: Opt(Closed({
    connect_ms: Opt(Ms('Connect', 'Milliseconds to connect.')),
    headers_ms: Opt(Ms('Headers', 'Milliseconds until the response headers.')),
    total_ms: Opt(Ms('Total', 'Milliseconds for the whole request.')),
  }, 'Timeouts', 'Per-request limits.')),
  proxy_url: Opt(Url('Proxy', 'An HTTP proxy for every request.')),
  private_network: Opt(Type.Union([Type.Boolean(), Type.Array(Type.String({ minLength: 1 }))], d('Private network', 'Admins only: true, or CIDRs, lets requests reach private addresses.'))),
  tls: Opt(Closed({
    cert: Opt(Str('Client certificate', 'PEM of the client certificate (key in secret `tls_key`).', { minLength: 1 })),
    ca: Opt(Str('CA', 'PEM of extra certificate authorities to trust.', { minLength: 1 })),
  }, 'TLS', 'Client certificate and trusted CAs.')),
  test: Opt(Closed({
    method: Opt(Str('Method', 'Default GET.', { minLength: 1 })),
    path: Str('Path', 'URL or path the test request calls.', { minLength: 1 }),
    expect_status: Opt(Type.Array(Type.Integer(), d('Expected statuses', 'Statuses that pass (default any 2xx).'))),
  }, 'Test request', 'What "test connection" sends.')),
}, 'HTTP connection', 'Base URL, default headers, auth, timeouts, TLS.');

const HttpSecrets = Type.Object({
  username: Opt(Str('Username', 'basic: the user name, when secret.')),
  password: Opt(Str('Password', 'basic: the password.')),
  api_key: Opt(Str('API key', 'basic: used as the password when there is none.')),
  token: Opt(Str('Token', 'bearer, header, query: the token.')),
  headers: Opt(StrMap('Headers', 'header, custom: secret headers.')),
  params: Opt(StrMap('Parameters', 'query, custom: secret query parameters.')),
  body: Opt(Obj('Body fields', 'custom: fields merged into object bodies.')),
  client_secret: Opt(Str('Client secret', 'OAuth2: the client secret.')),
  tls_cert: Opt(Str('TLS certificate', 'PEM client certificate, when secret.')),
  tls_key: Opt(Str('TLS key', 'PEM client key.')),
  tls_passphrase: Opt(Str('TLS passphrase', 'The key\'s passphrase.')),
  tls_ca: Opt(Str('TLS CA', 'PEM CA, when secret.')),
}, { additionalProperties: true, ...d('Secrets', 'Sealed at rest, never shown.') });

export function registerHttp(catalog: Catalog): void {
  catalog.addAction({
    name: 'http.request', connector: 'http', run: httpRequestAction,
    title: 'HTTP request', description: 'Calls any HTTP API with a connection\'s auth. Non-2xx fails the step unless accepted; 408, 429 and 5xx are retried. Sends the step\'s Idempotency-Key.',
    input: RequestSchema, output: RequestOutput, connection_types: ['http', '4me', 'workflowgen'],
    examples: [{ value: { method: 'GET', url: '/items/{{ trigger.body.id }}' } }],
  });
  catalog.addConnectionType({
    type: 'http', title: 'HTTP', description: 'Any HTTP API: base URL, headers, auth, TLS, proxy; used by http.request and http.poll.',
    config: HttpConfigSchema, secrets: HttpSecrets, auth: HTTP_AUTH, default_auth: 'none', check: httpConnectionProblems,
    examples: [{ value: { base_url: 'https://api.example.com/v1', auth: { type: 'header', header: 'X-Api-Key' } } }],
  });
  catalog.addTrigger({
    type: 'http.poll', title: 'HTTP poll', description: 'Polls an HTTP API every interval; each new or changed item (by its dedup id and updated-at) starts a job.',
    config: TRIGGER_SCHEMAS['http.poll'], connection_types: ['http', '4me', 'workflowgen'],
    output: Type.Object({ item: Any('Item', 'The polled item.'), polled_at: Str('Polled at', 'ISO time of the poll.') }, d('Trigger', 'What `trigger` holds.')),
    examples: [{ value: { interval_seconds: 60, connection: 'crm', request: { url: '/items', query: { updated_since: '{{ since }}' } }, items: 'body.items', dedup: { id: 'id', updated_at: 'updated_at' } } }],
  });
}
