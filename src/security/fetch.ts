/**
 * @module security/fetch
 * The one way connectors should call out: URL check, guarded connection pool, overall deadline, and
 * redirects re-checked hop by hop (a public server may answer `302 Location: http://169.254.169.254/`).
 */
import { request, type Dispatcher } from 'undici';
import { HookflowError, isHookflowError } from '../errors.js';
import { guardedDispatcher, type GuardOptions } from './dispatcher.js';
import { assertUrlAllowed } from './ssrf.js';

type HeaderMap = Record<string, string | string[] | undefined>;

export interface SafeFetchOptions extends Partial<GuardOptions> {
  method?: Dispatcher.HttpMethod;
  headers?: HeaderMap;
  body?: string | Buffer | Uint8Array | Dispatcher.DispatchOptions['body'];
  /** Deadline for the whole exchange, redirects and reading the body included. Default 30 s. */
  timeoutMs?: number;
  /** The caller's own cancellation (job canceled); passed through untouched. */
  signal?: AbortSignal;
  /** Default 5; 0 returns the 3xx answer itself. */
  maxRedirects?: number;
}

export type SafeResponse = Dispatcher.ResponseData & { url: string; redirects: number };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// What the fetch standard drops when a redirect leaves the origin: credentials must not follow.
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

/** Origin and path only: query strings often carry API keys, and this text lands in step errors. */
export function displayUrl(u: URL): string {
  return u.origin + u.pathname;
}

/**
 * A response body read whole while it stays within `limit` bytes; null once it passed the limit,
 * and the rest is not read (the body is destroyed), so a huge answer never fills memory.
 */
export async function readUpTo(body: AsyncIterable<unknown> & { destroy(): unknown }, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += (c as Buffer).byteLength;
    if (size > limit) {
      body.destroy();
      return null;
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function without(headers: HeaderMap, drop: (name: string) => boolean): HeaderMap {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !drop(k.toLowerCase())));
}

export async function safeFetch(url: string | URL, opts: SafeFetchOptions = {}): Promise<SafeResponse> {
  const { allowPrivate = false, timeoutMs = 30_000, maxRedirects = 5, signal } = opts;
  const dispatcher = guardedDispatcher({ ...opts, allowPrivate });
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let current = assertUrlAllowed(url, allowPrivate);
  let method = opts.method ?? 'GET';
  let headers = opts.headers ?? {};
  let body = opts.body;
  for (let hop = 0; ; hop++) {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(current, { dispatcher, method, headers, body, signal: combined });
    } catch (e) {
      throw asRequestError(e, current, signal, deadline, timeoutMs);
    }
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode) || typeof location !== 'string') return { ...res, url: current.href, redirects: hop };
    const replayable = body == null || typeof body === 'string' || body instanceof Uint8Array;
    if (maxRedirects === 0 || (!replayable && (res.statusCode === 307 || res.statusCode === 308))) {
      return { ...res, url: current.href, redirects: hop };
    }
    await res.body.dump();
    if (hop >= maxRedirects) {
      throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: displayUrl(current), reason: `more than ${maxRedirects} redirects` });
    }
    const next = assertUrlAllowed(new URL(location, current), allowPrivate);
    if (next.origin !== current.origin) headers = without(headers, (k) => CREDENTIAL_HEADERS.has(k));
    if (res.statusCode === 303 ? method !== 'HEAD' : (res.statusCode <= 302 && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = without(headers, (k) => k.startsWith('content-'));
    }
    current = next;
  }
}

function asRequestError(e: unknown, url: URL, signal: AbortSignal | undefined, deadline: AbortSignal, timeoutMs: number): unknown {
  if (isHookflowError(e) || signal?.aborted) return e;
  if (deadline.aborted) {
    return new HookflowError('HF_ERR_HTTP_REQUEST', { url: displayUrl(url), reason: `no answer within ${timeoutMs} ms` }, { retryable: true, cause: e });
  }
  const reason = e instanceof Error ? e.message : String(e);
  return new HookflowError('HF_ERR_HTTP_REQUEST', { url: displayUrl(url), reason }, { retryable: true, cause: e });
}
