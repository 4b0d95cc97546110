/**
 * @module outbound/deliver
 * One HTTP delivery attempt, with no bookkeeping: the subscription worker here and the 4me
 * sandbox's webhooks both call it. Any 2xx is success; redirects are not followed (a 3xx is a
 * failure, per Standard Webhooks) so a receiver cannot bounce us to an address the guard refused.
 */
import { request } from 'undici';
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

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_LIMIT) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(parts).subarray(0, RESPONSE_LIMIT).toString('utf8');
}

export async function deliver(target: DeliveryTarget, msg: OutboundMessage, signer: Signer, now: () => number = Date.now): Promise<DeliveryResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = assertUrlAllowed(target.url, target.allowPrivate);
  } catch (e) {
    return { ok: false, status: null, response: null, durationMs: 0, error: (e as Error).message, gone: false };
  }
  const auth: Record<string, string> = {};
  if (url.username || url.password) {
    // 4me-style `https://user:pass@host/hook`: sent as Basic auth, never as part of the URL.
    auth.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url = new URL(url.href);
    url.username = '';
    url.password = '';
  }
  const signed = await signer.sign(msg, now());
  const t = target.timeoutMs;
  const dispatcher = guardedDispatcher({ allowPrivate: target.allowPrivate, connectTimeoutMs: t, headersTimeoutMs: t, bodyTimeoutMs: t });
  try {
    const res = await request(url, {
      method: 'POST', dispatcher, body: signed.body, signal: AbortSignal.timeout(t),
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
  }
}
