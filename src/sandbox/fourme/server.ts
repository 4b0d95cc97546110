/**
 * @module sandbox/fourme/server
 * The emulator's HTTP face on one port: `/oauth/token`, `/graphql`, REST `/v1/webhooks`,
 * `/v1/webhook_policies` and `/v1/tasks`, the `webhook.verify` callback, and OIDC discovery for policies. Plain
 * node:http keeps it free of the server it is used to test.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { graphql } from 'graphql';
import nodemailer from 'nodemailer';
import { SandboxState, type Rec } from './state.js';
import { SandboxWebhooks } from './webhooks.js';
import { rootValue, schema } from './gql.js';
import { restWebhooks } from './rest.js';
import { restTasks } from './rest-tasks.js';

export interface SandboxConfig {
  port?: number;
  host?: string;
  account?: string;
  domain?: string;
  clients?: Array<{ id: string; secret: string }>;
  tokens?: string[];
  tokenTtlSeconds?: number;
  format?: 'json' | 'form';
  smtpUrl?: string;
  admins?: string[];
  rateLimit?: number;
  /** The account's custom URL, sent as `custom_url` in deliveries. */
  customUrl?: string;
}

export interface Sandbox {
  url: string;
  state: SandboxState;
  webhooks: SandboxWebhooks;
  me: Rec;
  /** Moves the sandbox clock (token expiry, retries, verification codes, JWT times). */
  advance(ms: number): void;
  /** The next `n` GraphQL calls answer 429 with `Retry-After: seconds` (none when `seconds` is null). */
  force429(n: number, seconds?: number | null): void;
  /** The next `n` GraphQL calls answer 503, with `Retry-After: seconds` unless it is null. */
  force503(n: number, seconds?: number | null): void;
  /** Hold GraphQL answers (after executing) until `release` is called: for crash tests. */
  hold(match: (query: string) => boolean): Promise<void>;
  release(): void;
  calls: Array<{ query: string; variables: unknown }>;
  close(): Promise<void>;
}

type Res = http.ServerResponse;
export function send(res: Res, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try { return JSON.parse(text) as Record<string, unknown>; } catch { return { __invalid: true }; }
}

export async function startSandbox(cfg: SandboxConfig = {}): Promise<Sandbox> {
  const state = new SandboxState(cfg.account ?? 'wdc', cfg.domain ?? '4me.com');
  const me = state.create('Person', { name: 'Sandbox Administrator', primaryEmail: 'admin@sandbox.example', disabled: false });
  const transport = cfg.smtpUrl ? nodemailer.createTransport(cfg.smtpUrl) : null;
  let url = '';
  const webhooks = new SandboxWebhooks(state, {
    format: cfg.format, xurrent: state.domain.includes('xurrent'), customUrl: cfg.customUrl ?? null, admins: cfg.admins ?? [String(me.primaryEmail)], publicUrl: () => url,
    mail: transport ? async (to, subject, text) => { await transport.sendMail({ from: `4me sandbox <noreply@${state.domain}>`, to: to.join(', '), subject, text }); } : undefined,
  });
  const clients = cfg.clients ?? [{ id: 'sandbox-client', secret: 'sandbox-secret' }];
  const pats = new Set(cfg.tokens ?? ['sandbox-token']);
  const issued = new Map<string, number>();
  const ttl = cfg.tokenTtlSeconds ?? 3600;
  const limit = cfg.rateLimit ?? 3600;
  let used = 0;
  let windowStart = state.now();
  let forced: { n: number; status: number; seconds: number | null } = { n: 0, status: 429, seconds: 1 };
  let holdMatch: ((q: string) => boolean) | null = null;
  let held: Array<() => void> = [];
  let holdSeen: (() => void) | null = null;
  const calls: Sandbox['calls'] = [];
  const root = rootValue(state, webhooks, () => me);

  const authed = (req: http.IncomingMessage): boolean => {
    const h = req.headers.authorization ?? '';
    if (h.startsWith('Bearer ')) {
      const t = h.slice(7);
      if (pats.has(t)) return true;
      const exp = issued.get(t);
      return exp !== undefined && exp > state.now();
    }
    if (h.startsWith('Basic ')) return pats.has(Buffer.from(h.slice(6), 'base64').toString().split(':')[0]!);
    return false;
  };
  const accountOk = (req: http.IncomingMessage) => (req.headers['x-4me-account'] ?? req.headers['x-xurrent-account']) === state.account;

  const server = http.createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://sandbox');
      const body = req.method === 'GET' ? {} : await readBody(req);
      if (u.pathname === '/oauth/token' && req.method === 'POST') {
        if (body.grant_type === undefined) return send(res, 400, { error: 'invalid_request', error_description: 'grant_type is missing' });
        if (body.grant_type !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'only client_credentials is supported' });
        const c = clients.find((x) => x.id === body.client_id);
        // 4me answers every token error 400 with RFC 6749's `error`/`error_description`.
        if (!c || c.secret !== body.client_secret) return send(res, 400, { error: 'invalid_client', error_description: 'client authentication failed' });
        const token = randomBytes(24).toString('base64url');
        issued.set(token, state.now() + ttl * 1000);
        return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: ttl }, { 'cache-control': 'no-store' });
      }
      const verify = /^\/webhooks\/(\d+)\/verify$/.exec(u.pathname);
      if (verify) {
        const hook = state.records.get('Webhook')?.get(Number(verify[1]));
        if (!hook || hook.verifyCode !== u.searchParams.get('code') || Number(hook.verifyExpires) * 1000 < state.now()) return send(res, 404, 'Verification failed', { 'content-type': 'text/plain' });
        hook.verified = true;
        hook.verifyCode = null;
        return send(res, 200, 'Verification successful', { 'content-type': 'text/plain' });
      }
      const oidc = /^\/webhook_policies\/([0-9a-f]+)\/(\.well-known\/openid-configuration|jwks)$/.exec(u.pathname);
      if (oidc) {
        const p = state.all('WebhookPolicy').find((x) => x.name === oidc[1]);
        const keys = p ? webhooks.policyKeys.get(p.id) : undefined;
        if (!p || !keys?.publicJwk) return send(res, 404, { message: 'Not found' });
        const iss = `https://${state.account}.${state.domain}/webhook_policies/${p.name}`;
        if (oidc[2] === 'jwks') return send(res, 200, { keys: [keys.publicJwk] }, { 'cache-control': 'max-age=3600' });
        return send(res, 200, { issuer: iss, jwks_uri: `${url}/webhook_policies/${p.name}/jwks`, id_token_signing_alg_values_supported: [String(p.jwtAlg).toUpperCase()] }, { 'cache-control': 'max-age=3600' });
      }
      if (!authed(req)) return send(res, 401, { message: 'Unauthorized' });
      if (!accountOk(req) && u.pathname === '/graphql') return send(res, 401, { errors: [{ message: 'Unknown or missing X-4me-Account' }] });
      if (u.pathname.startsWith('/v1/tasks')) return restTasks(state, webhooks, me, req.method ?? 'GET', u, body, res, url);
      if (u.pathname.startsWith('/v1/')) return restWebhooks(state, webhooks, me, req.method ?? 'GET', u, body, res, url);
      if (u.pathname !== '/graphql' || req.method !== 'POST') return send(res, 404, { message: 'Not found' });
      if (state.now() - windowStart > 3_600_000) { windowStart = state.now(); used = 0; }
      const reset = String(Math.floor((windowStart + 3_600_000) / 1000));
      const rate = { 'x-ratelimit-limit': String(limit), 'x-ratelimit-reset': reset, 'x-costlimit-limit': '5000', 'x-costlimit-reset': reset };
      if (forced.n > 0) {
        forced.n--;
        const retry: Record<string, string> = forced.seconds === null ? {} : { 'retry-after': String(forced.seconds) };
        if (forced.status === 503) return send(res, 503, 'Service Unavailable', { 'content-type': 'text/plain', ...retry });
        return send(res, 429, { errors: [{ message: 'Too Many Requests' }] }, { ...rate, 'x-ratelimit-remaining': '0', ...retry });
      }
      used++;
      const query = String(body.query ?? '');
      calls.push({ query, variables: body.variables });
      const result = await graphql({ schema, source: query, rootValue: root, variableValues: body.variables as Record<string, unknown> | undefined, operationName: body.operationName as string | undefined });
      if (holdMatch?.(query)) {
        holdMatch = null;
        holdSeen?.();
        await new Promise<void>((r) => held.push(r));
      }
      const errors = result.errors?.map((e) => ({ message: e.message, locations: e.locations, path: e.path, extensions: { code: e.originalError ? 'internalError' : 'undefinedField' } }));
      send(res, 200, { ...(result.data !== undefined ? { data: result.data } : {}), ...(errors ? { errors } : {}) },
        { ...rate, 'x-ratelimit-remaining': String(Math.max(0, limit - used)), 'x-costlimit-cost': '1', 'x-costlimit-remaining': String(Math.max(0, 5000 - used)), 'x-request-id': randomBytes(8).toString('hex') });
    })().catch((e: unknown) => { if (!res.headersSent) send(res, 500, { message: (e as Error).message }); });
  });
  await new Promise<void>((r) => server.listen(cfg.port ?? 0, cfg.host ?? '127.0.0.1', r));
  const addr = server.address() as { port: number };
  url = `http://${cfg.host ?? '127.0.0.1'}:${addr.port}`;
  webhooks.start();
  function release(): void { const h = held; held = []; holdMatch = null; for (const r of h) r(); }
  return {
    url, state, webhooks, me, calls,
    advance(ms) { state.offsetMs += ms; webhooks.tick(); },
    force429(n, seconds = 1) { forced = { n, status: 429, seconds }; },
    force503(n, seconds = 1) { forced = { n, status: 503, seconds }; },
    hold(match) { holdMatch = match; return new Promise<void>((r) => { holdSeen = r; }); },
    release,
    async close() {
      webhooks.stop();
      release();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
