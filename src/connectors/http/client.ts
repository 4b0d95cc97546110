/**
 * @module connectors/http/client
 * One HTTP call with a connection: URL from the base URL, default headers, auth, body, redirects
 * followed hop by hop (each Location re-checked by the SSRF guard, credentials dropped when the
 * origin changes), and one retry with a fresh OAuth2 token after a 401.
 */
import type { Dispatcher } from 'undici';
import { Readable } from 'node:stream';
import { HookflowError } from '../../errors.js';
import { assertUrlAllowed, displayUrl } from '../../security/index.js';
import { httpConfig } from './config.js';
import { sentCredentials, sign, type Connection } from './auth.js';
import { encodeBody, type BodyType } from './body.js';
import { hop, transportFor } from './transport.js';
import type { Store } from '../../store/types.js';
import type { ActionServices } from '../../engine/actions.js';

/**
 * What a call needs from the runtime, passed by the caller (the action's context, the poller, the
 * test-request API): the store for binary bodies, the connection service for rotated OAuth2 tokens.
 */
export interface HttpIo {
  store?: Store;
  connections?: ActionServices['connections'];
  /** Bytes a JSON or text response may have. */
  responseLimit?: number;
}

export interface CallSpec {
  method?: string;
  url: string;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
  body_type?: BodyType;
  /** follow (default): up to max_redirects; none: the 3xx answer is the response. */
  redirects?: 'follow' | 'none';
  max_redirects?: number;
  timeout_ms?: number;
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  url: string;
  redirects: Array<{ status: number; url: string }>;
  /** Milliseconds from sending to the response headers. */
  headers_ms: number;
  started: number;
  /** What the auth added to the request, so echoes of it can be scrubbed from step data. */
  credentials: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What the connection's auth put on the request: none of it may reach another origin. */
interface AddedAuth { headers: Set<string>; params: string[]; inBody: boolean }
const CREDENTIALS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

export function resolveUrl(conn: Connection | undefined, spec: CallSpec): URL {
  const base = httpConfig(conn?.config).base_url;
  let url: URL;
  try {
    // "items" joins a base of "https://x/api/v1" as "https://x/api/v1/items", which is what people mean.
    url = base && !/^https?:\/\//i.test(spec.url) ? new URL(spec.url.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`) : new URL(spec.url);
  } catch {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: `${spec.url.slice(0, 200)} is not a URL${base ? '' : ' (relative URLs need a connection with base_url)'}` });
  }
  for (const [k, v] of Object.entries(spec.query ?? {})) {
    if (v === undefined || v === null) continue;
    for (const x of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(x));
  }
  return url;
}

export async function call(conn: Connection | undefined, spec: CallSpec, signal?: AbortSignal, extraHeaders: Record<string, string> = {}, io: HttpIo = {}): Promise<CallResult> {
  const config = httpConfig(conn?.config);
  const t = transportFor(config, conn?.secrets ?? {});
  const totalMs = spec.timeout_ms ?? t.totalMs;
  const deadline = AbortSignal.timeout(totalMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const method = (spec.method ?? 'GET').toUpperCase();
  for (let attempt = 0; ; attempt++) {
    const url = resolveUrl(conn, spec);
    assertUrlAllowed(url, t.allowPrivate);
    const headers: Record<string, string> = { ...lower(config.headers), ...extraHeaders, ...lower(spec.headers) };
    const before = { headers: { ...headers }, query: url.search };
    const sig = await sign(conn, url, headers, attempt > 0, io.connections);
    const credentials = sentCredentials(headers, url, before);
    const added: AddedAuth = {
      headers: new Set(Object.keys(headers).filter((k) => before.headers[k] !== headers[k])),
      params: [...url.searchParams.keys()].filter((k) => !new URLSearchParams(before.query).has(k)),
      inBody: !!sig.bodyFields && Object.keys(sig.bodyFields).length > 0,
    };
    const body = await encodeBody(spec.body, spec.body_type, method, sig.bodyFields, io.store);
    if (body?.contentType && !headers['content-type']) headers['content-type'] = body.contentType;
    const res = await follow(url, method, headers, body?.make, { ...spec, timeout_ms: totalMs }, t, combined, deadline, signal, added);
    if (res.status === 401 && sig.oauth && attempt === 0) {
      await res.body.dump();
      continue;
    }
    return { ...res, credentials };
  }
}

async function follow(
  first: URL, firstMethod: string, firstHeaders: Record<string, string>, make: (() => Promise<unknown>) | undefined,
  spec: CallSpec, t: ReturnType<typeof transportFor>, signal: AbortSignal, deadline: AbortSignal, caller?: AbortSignal,
  added: AddedAuth = { headers: new Set(), params: [], inBody: false },
): Promise<CallResult> {
  const started = Date.now();
  const chain: Array<{ status: number; url: string }> = [];
  const max = spec.redirects === 'none' ? 0 : spec.max_redirects ?? 5;
  let [url, method, headers] = [first, firstMethod, firstHeaders];
  let sendBody = !!make;
  for (;;) {
    const body = sendBody && make ? ((await make()) as Dispatcher.DispatchOptions['body']) : undefined;
    const res = await hop(url, t, { method: method as Dispatcher.HttpMethod, headers, body, signal }, deadline, caller);
    const location = res.headers.location;
    const done = (): CallResult => ({ status: res.statusCode, headers: res.headers, body: res.body, url: url.href, redirects: chain, headers_ms: Date.now() - started, started, credentials: [] });
    if (!REDIRECTS.has(res.statusCode) || typeof location !== 'string' || max === 0) return done();
    // A stream or form cannot be re-sent: a 307/308 after one is answered as it is.
    if (sendBody && body instanceof Readable && (res.statusCode === 307 || res.statusCode === 308)) return done();
    const next = assertUrlAllowed(new URL(location, url), t.allowPrivate);
    const keepsBody = sendBody && (res.statusCode === 307 || res.statusCode === 308);
    // Custom auth fields inside a body that must be re-sent unchanged cannot be taken out: stop here.
    if (next.origin !== url.origin && keepsBody && added.inBody) return done();
    await res.body.dump();
    chain.push({ status: res.statusCode, url: displayUrl(url) });
    if (chain.length > max) throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: displayUrl(first), reason: `more than ${max} redirects` });
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIALS.has(k) && !added.headers.has(k)));
      for (const p of added.params) next.searchParams.delete(p);
      next.username = '';
      next.password = '';
      added = { headers: new Set(), params: [], inBody: false };
    }
    if (res.statusCode === 303 ? method !== 'HEAD' : res.statusCode <= 302 && method === 'POST') {
      method = 'GET';
      sendBody = false;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith('content-')));
    }
    url = next;
  }
}

export function lower(h: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = String(v);
  return out;
}
