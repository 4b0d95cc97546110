/**
 * @module triggers/webhook
 * The `webhook` trigger: from an authenticated inbound request to trigger data and a dedup key.
 * Order matters: the source address and the signature are checked on the raw bytes before the
 * body is parsed, so a forged request costs no parsing.
 */
import { checkIpAllowlist, verifyRequest, type InboundRequest } from '../verify/index.js';
import type { DedupKey } from '../recipes/index.js';
import type { WebhookTrigger } from '../recipes/types.js';
import { HookflowError } from '../errors.js';
import { isJsonType, mediaType, parseBody, parseJson } from './body.js';
import { isJson } from './json-check.js';
import { isoTime } from '../queue/iso.js';

export interface WebhookEvent {
  trigger: { body: unknown; headers: Record<string, unknown>; query: Record<string, unknown>; method: string; received_at: string };
  dedupKey: string | null;
  /**
   * `trigger` as JSON. A JSON body is spliced in as the bytes received instead of being
   * serialised again: for a 10 MB body that is one less 10 MB string and object walk.
   */
  triggerJson: string;
  /**
   * `trigger` itself when it reads exactly as `JSON.parse(triggerJson)` would, i.e. its body is
   * JSON (other bodies may hold what JSON changes); a job run by this process starts from it.
   */
  triggerValue?: WebhookEvent['trigger'];
}

const SENSITIVE = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

export async function acceptWebhook(def: WebhookTrigger, req: InboundRequest & { method: string; contentType?: string; jsonValid?: boolean }, opts: { recipe: string; bodyLimit: number; dedup?: DedupKey }): Promise<WebhookEvent> {
  const limit = Math.min(def.body_limit ?? opts.bodyLimit, opts.bodyLimit);
  if (req.rawBody.length > limit) throw new HookflowError('HF_ERR_BODY_TOO_LARGE', { limit });
  if (def.allow_ips) checkIpAllowlist(def.allow_ips, req);
  const verified = def.verify ? await verifyRequest(def.verify, req) : {};
  // A JSON body is decoded once and stored as the text received. When nothing reads it at accept
  // time it is only checked here; `trigger.body` parses it on demand (sample capture). Anything
  // else is parsed now.
  const text = isJsonType(mediaType(req.contentType)) ? req.rawBody.toString('utf8') : null;
  const lazy = text !== null && !opts.dedup && req.rawBody.length > 0 && (req.jsonValid ?? isJson(req.rawBody));
  const body: unknown = lazy ? undefined : text !== null ? parseJson(text) : parseBody(req.rawBody, req.contentType);
  const headers = storedHeaders(req.headers, def.verify?.type === 'header_token' ? def.verify.header.toLowerCase() : null);
  const query = { ...req.query };
  if (def.verify?.type === 'query_secret') delete query[def.verify.param ?? 'token'];
  const received_at = isoTime(Date.now());
  const trigger: WebhookEvent['trigger'] = lazy ? lazyTrigger(text!, headers, query, req.method, received_at) : { body, headers, query, method: req.method, received_at };
  let dedupKey: string | null = null;
  if (opts.dedup) {
    dedupKey = await opts.dedup.evaluate({ body, headers: req.headers, query });
  } else {
    dedupKey = verified.deliveryId ?? header(req.headers, 'webhook-id') ?? header(req.headers, 'x-4me-delivery') ?? null;
  }
  const rest = JSON.stringify({ headers, query, method: req.method, received_at });
  const bodyJson = text ?? JSON.stringify(body ?? null);
  const triggerJson = `{"body":${bodyJson},${rest.slice(1)}`;
  return { trigger, dedupKey, triggerJson, ...(text !== null ? { triggerValue: trigger } : {}) };
}

// The body text a lazy trigger parses on first read, under a symbol: no key JSON, Object.keys or
// an expression sees.
const LAZY = Symbol('lazy body');
// `value` stays undefined until the first read (JSON.parse never answers undefined).
type Lazy = { [LAZY]: { text: string; value: unknown } };
const BODY: PropertyDescriptor = {
  get(this: Lazy): unknown {
    const l = this[LAZY];
    if (l.value === undefined) l.value = JSON.parse(l.text);
    return l.value;
  },
  enumerable: true, configurable: true,
};

/**
 * A trigger whose `body` is parsed when first read. An own enumerable accessor (JSON and
 * `Object.keys` see `body` as before) defined with one shared getter: an object literal with a
 * getter is built in V8's dictionary mode, 0.7 µs here and slow to read, where this keeps one
 * shape (0.16 µs).
 */
function lazyTrigger(text: string, headers: Record<string, unknown>, query: Record<string, unknown>, method: string, received_at: string): WebhookEvent['trigger'] {
  const t = {} as WebhookEvent['trigger'] & Lazy;
  Object.defineProperty(t, 'body', BODY);
  t.headers = headers;
  t.query = query;
  t.method = method;
  t.received_at = received_at;
  t[LAZY] = { text, value: undefined };
  return t;
}

function header(h: InboundRequest['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Credentials the sender used to authenticate never become job data: the usual credential
 * headers, and `token`, the (lower-case) header a recipe's header_token verification reads.
 */
export function storedHeaders(h: InboundRequest['headers'], token: string | null = null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in h) out[k] = SENSITIVE.has(k) || k === token ? '[redacted]' : h[k];
  return out;
}
