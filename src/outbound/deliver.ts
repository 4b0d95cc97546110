/**
 * @module outbound/deliver
 * One HTTP delivery attempt, with no bookkeeping: the subscription worker here and the 4me
 * sandbox's webhooks both call it. Any 2xx is success; redirects are not followed (a 3xx is a
 * failure, per Standard Webhooks) so a receiver cannot bounce us to an address the guard refused.
 */
import { EventEmitter } from 'node:events';
import type { Agent, Dispatcher } from 'undici';
import { assertUrlAllowed, guardedDispatcher, displayUrl, type PrivateAccess } from '../security/index.js';
import { parseRetryAfter } from './retry.js';

export interface DeliveryTarget {
  url: string;
  /** Same opt-in as connections: loopback and private ranges are refused unless allowed. */
  allowPrivate: PrivateAccess;
  timeoutMs: number;
  headers?: Record<string, string>;
}

export interface OutboundMessage {
  /** The `webhook-id`: one per event and receiver, the same on every retry. */
  id: string;
  type: string;
  /** The body as sent when unsigned (JSON text). */
  body: string;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Turns a message into the bytes and headers of one attempt (signatures carry the attempt time). */
export interface Signer {
  sign(msg: OutboundMessage, nowMs: number): SignedRequest | Promise<SignedRequest>;
}

export interface DeliveryResult {
  ok: boolean;
  status: number | null;
  /** The first 20 KB of the response body. */
  response: string | null;
  durationMs: number;
  error: string | null;
  retryAfterMs?: number;
  /** 410 Gone: the receiver asks us to stop. */
  gone: boolean;
}

export const RESPONSE_LIMIT = 20 * 1024;
const USER_AGENT = 'Hookflow-Webhooks/1.0';

/** Reads at most RESPONSE_LIMIT bytes; events rather than an async iterator, which cost more than the read itself. */
function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(parts).subarray(0, RESPONSE_LIMIT).toString('utf8'));
    const onData = (chunk: Buffer) => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_LIMIT) {
        body.off('data', onData);
        body.off('end', done);
        body.on('error', () => undefined);
        body.destroy();
        done();
      }
    };
    body.on('data', onData);
    body.once('end', done);
    body.once('error', reject);
  });
}

interface Route {
  url: URL;
  /** `url`'s origin and path as strings: undici's top-level request() re-read them from the URL object (slow getters) every call. */
  origin: string;
  path: string;
  auth: Record<string, string>;
  dispatcher: Agent;
}

/**
 * What a target's URL resolves to before any request: the checked URL (literal addresses are
 * judged here, names again at connect time by the dispatcher), Basic auth from its userinfo, and
 * the guarded pool. The same for every delivery to the target, so it is worked out once: per
 * target object, or per settings for callers that build a new target each time.
 */
const routes = new WeakMap<DeliveryTarget, Route>();
const routesByKey = new Map<string, Route>();

function route(target: DeliveryTarget): Route {
  let r = routes.get(target);
  // A shutdown (or a test) may have closed the shared pools since; guardedDispatcher makes a new one.
  if (r && !r.dispatcher.closed && !r.dispatcher.destroyed) return r;
  const key = `${target.timeoutMs} ${JSON.stringify(target.allowPrivate)} ${target.url}`;
  r = routesByKey.get(key);
  if (!r || r.dispatcher.closed || r.dispatcher.destroyed) {
    let url = assertUrlAllowed(target.url, target.allowPrivate);
    const auth: Record<string, string> = {};
    if (url.username || url.password) {
      // 4me-style `https://user:pass@host/hook`: sent as Basic auth, never as part of the URL.
      auth.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
      url = new URL(url.href);
      url.username = '';
      url.password = '';
    }
    const t = target.timeoutMs;
    const dispatcher = guardedDispatcher({ allowPrivate: target.allowPrivate, connectTimeoutMs: t, headersTimeoutMs: t, bodyTimeoutMs: t });
    r = { url, origin: url.origin, path: `${url.pathname}${url.search}`, auth, dispatcher };
    if (routesByKey.size >= 10_000) routesByKey.clear();
    routesByKey.set(key, r);
  }
  routes.set(target, r);
  return r;
}

/**
 * The whole attempt's time limit. undici accepts an EventEmitter as its signal; one emitter and
 * one timer cost far less than AbortSignal.timeout (an EventTarget with a weakly held timer).
 */
class Deadline extends EventEmitter {
  reason: Error | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.#timer = setTimeout(() => {
      this.reason = Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' });
      this.emit('abort');
    }, ms);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

export async function deliver(target: DeliveryTarget, msg: OutboundMessage, signer: Signer, now: () => number = Date.now): Promise<DeliveryResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  let r: Route;
  try {
    r = route(target);
  } catch (e) {
    return { ok: false, status: null, response: null, durationMs: 0, error: (e as Error).message, gone: false };
  }
  const { url, origin, path, auth, dispatcher } = r;
  const signed = await signer.sign(msg, now());
  const t = target.timeoutMs;
  const deadline = new Deadline(t);
  try {
    const res = await dispatcher.request({
      origin, path, method: 'POST', body: signed.body, signal: deadline,
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...target.headers, ...auth, ...signed.headers },
    });
    const response = await readCapped(res.body);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return {
      ok, status: res.statusCode, response, durationMs: took(), gone: res.statusCode === 410,
      error: ok ? null : `HTTP ${res.statusCode}`,
      retryAfterMs: ok ? undefined : parseRetryAfter(res.headers['retry-after'], now()),
    };
  } catch (e) {
    const err = e as Error & { code?: string };
    const timedOut = err.name === 'TimeoutError' || err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT' || err.code === 'UND_ERR_CONNECT_TIMEOUT';
    const reason = timedOut ? `no answer within ${t} ms` : err.message;
    return { ok: false, status: null, response: null, durationMs: took(), error: `${displayUrl(url)}: ${reason}`, gone: false };
  } finally {
    deadline.clear();
  }
}
