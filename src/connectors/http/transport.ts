/**
 * @module connectors/http/transport
 * One hop of an outbound call with a connection's transport settings: guarded pool (SSRF check at
 * connect time), client certificate, timeouts, optional proxy. Redirects are followed in
 * `client.ts`, hop by hop, so every Location is checked again.
 */
import { createHash } from 'node:crypto';
import { ProxyAgent, request, type Dispatcher } from 'undici';
import { HookflowError, isHookflowError } from '../../errors.js';
import { assertUrlAllowed, displayUrl, guardedDispatcher, guardedLookup, type PrivateAccess } from '../../security/index.js';
import type { HttpConfig } from './config.js';

export interface Transport {
  allowPrivate: PrivateAccess;
  dispatcher: Dispatcher;
  /** Overall deadline of one call, redirects and body included. */
  totalMs: number;
  /** Set when a proxy resolves names: targets are then checked by our own lookup first. */
  proxied: boolean;
}

const proxies = new Map<string, ProxyAgent>();

/** The transport a connection's config and secrets describe (cached pools, keyed by settings). */
export function transportFor(config: HttpConfig, secrets: Record<string, unknown>): Transport {
  const allowPrivate = config.private_network ?? false;
  const s = secrets as Record<string, string | undefined>;
  const cert = config.tls?.cert ?? s.tls_cert;
  const ca = config.tls?.ca ?? s.tls_ca;
  const tls = cert || ca ? { cert, key: s.tls_key, passphrase: s.tls_passphrase, ca } : undefined;
  const t = config.timeouts ?? {};
  const totalMs = t.total_ms ?? 30_000;
  const opts = { allowPrivate, connectTimeoutMs: t.connect_ms, headersTimeoutMs: t.headers_ms, bodyTimeoutMs: Math.min(totalMs, 300_000), tls };
  if (!config.proxy_url) return { allowPrivate, dispatcher: guardedDispatcher(opts), totalMs, proxied: false };
  const key = createHash('sha256').update(JSON.stringify([config.proxy_url, opts])).digest('base64url');
  let agent = proxies.get(key);
  if (!agent) {
    // The proxy itself is the connection owner's choice (often on the LAN); the targets are not, see preflight.
    agent = new ProxyAgent({
      uri: config.proxy_url, requestTls: tls, headersTimeout: t.headers_ms ?? 30_000, bodyTimeout: opts.bodyTimeoutMs,
      connectTimeout: t.connect_ms ?? 10_000,
    } as ProxyAgent.Options);
    proxies.set(key, agent);
  }
  return { allowPrivate, dispatcher: agent, totalMs, proxied: true };
}

/**
 * Through a proxy the proxy resolves the target, so our connect-time guard never sees it: resolve
 * the name ourselves and refuse private answers. A rebinding DNS answer between our lookup and the
 * proxy's stays possible; proxies that must not reach the LAN should enforce that themselves too.
 */
export async function preflight(url: URL, t: Transport): Promise<void> {
  assertUrlAllowed(url, t.allowPrivate);
  if (!t.proxied) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => guardedLookup(t.allowPrivate)(host, { all: true }, (err) => (err ? reject(err) : resolve())));
}

export interface HopOptions {
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: Dispatcher.DispatchOptions['body'];
  signal: AbortSignal;
}

export async function hop(url: URL, t: Transport, o: HopOptions, deadline: AbortSignal, callerSignal?: AbortSignal): Promise<Dispatcher.ResponseData> {
  try {
    await preflight(url, t);
    return await request(url, { dispatcher: t.dispatcher, method: o.method, headers: o.headers, body: o.body ?? null, signal: o.signal });
  } catch (e) {
    if (isHookflowError(e) || callerSignal?.aborted) throw e;
    const reason = deadline.aborted ? `no answer within ${t.totalMs} ms` : timeoutReason(e);
    throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: displayUrl(url), reason }, { retryable: true, cause: e });
  }
}

function timeoutReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'no response headers within the headers timeout';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'could not connect within the connect timeout';
  if (code === 'UND_ERR_BODY_TIMEOUT') return 'the body stalled beyond the body timeout';
  return e instanceof Error ? e.message : String(e);
}

export async function closeProxies(): Promise<void> {
  const all = [...proxies.values()];
  proxies.clear();
  await Promise.all(all.map((a) => a.close()));
}
