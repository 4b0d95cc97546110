/**
 * @module connectors/fourme/client
 * One GraphQL call to 4me: validated against the introspected schema before it is sent, signed,
 * throttled by the `X-RateLimit-*` / `X-CostLimit-*` headers of earlier answers so we slow down
 * before 4me refuses, a 429 or 503 waited out per `Retry-After` (without one, as 4me's Ruby SDK
 * does: 5 minutes for a 429, doubling from 2 s for a 503), a 401 answered with one new token, and
 * 4me's own error messages turned into step errors.
 */
import { HookflowError } from '../../errors.js';
import { safeFetch, makeScrubber } from '../../security/index.js';
import { fourmeEndpoints, type FourmeEndpoints } from './config.js';
import { authHeaders } from './auth.js';
import { checkQuery } from './schema.js';
import type { Connection } from './types.js';

export interface GqlOptions {
  signal?: AbortSignal;
  operationName?: string;
  /** Skip schema validation (introspection itself, and the connection test). */
  raw?: boolean;
}

export interface GqlResult { data: Record<string, unknown>; cost: number | null }

interface Budget { remaining: number; resetAt: number }
const budgets = new Map<string, { rate?: Budget; cost?: Budget }>();
// Waits longer than this become a retryable step error, so a worker is not held for an hour.
const MAX_INLINE_WAIT_MS = 30_000;
const MAX_BUSY = 3;
// code4me/4me-sdk-ruby: a throttled answer without Retry-After means "very busy, wait 5 minutes";
// a failed one is retried after 2, 4, 8 ... seconds.
const THROTTLED_DEFAULT_MS = 300_000;
const BACKOFF_START_MS = 2000;

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
});

function num(h: unknown): number | null {
  const v = Array.isArray(h) ? h[0] : h;
  const n = typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

function resetAt(v: number | null): number {
  if (v === null) return Date.now() + 60_000;
  // 4me sends epoch seconds; a small number would be "seconds from now".
  return v > 1e9 ? v * 1000 : Date.now() + v * 1000;
}

function remember(key: string, h: Record<string, unknown>): number | null {
  const b = budgets.get(key) ?? {};
  const rr = num(h['x-ratelimit-remaining']);
  if (rr !== null) b.rate = { remaining: rr, resetAt: resetAt(num(h['x-ratelimit-reset'])) };
  const cr = num(h['x-costlimit-remaining']);
  if (cr !== null) b.cost = { remaining: cr, resetAt: resetAt(num(h['x-costlimit-reset'])) };
  budgets.set(key, b);
  return num(h['x-costlimit-cost']);
}

/** Before a call: if the last answer said the budget is spent, wait for its reset. */
async function throttle(key: string, signal?: AbortSignal): Promise<void> {
  const b = budgets.get(key);
  if (!b) return;
  const now = Date.now();
  const waits = [b.rate, b.cost].filter((x): x is Budget => !!x && x.remaining <= 0 && x.resetAt > now).map((x) => x.resetAt - now);
  if (!waits.length) return;
  const ms = Math.max(...waits);
  if (ms > MAX_INLINE_WAIT_MS) throw new HookflowError('HF_ERR_FOURME_RATE_LIMITED', { seconds: Math.ceil(ms / 1000) }, { retryable: true, retryAfter: Math.ceil(ms / 1000) });
  await sleep(ms, signal);
}

/** `Retry-After` as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(h: unknown): number | null {
  const v = Array.isArray(h) ? h[0] : h;
  if (typeof v !== 'string' || !v.trim()) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : null;
}

/** How long to wait before asking again after a 429 or 503 (the `attempt`-th in a row). */
export function busyWaitMs(status: number, retryAfter: number | null, attempt: number): number {
  if (retryAfter !== null) return retryAfter;
  return status === 429 ? THROTTLED_DEFAULT_MS : BACKOFF_START_MS * 2 ** (attempt - 1);
}

export function messagesOf(errors: unknown): string {
  if (!Array.isArray(errors)) return String(errors);
  return errors.map((e) => {
    const m = (e as { message?: unknown }).message;
    const p = (e as { path?: unknown }).path;
    return `${Array.isArray(p) && p.length ? `${p.join('.')}: ` : ''}${String(m ?? JSON.stringify(e))}`;
  }).join('; ');
}

export async function gql(conn: Connection, query: string, variables: Record<string, unknown> = {}, opts: GqlOptions = {}): Promise<GqlResult> {
  const ep = fourmeEndpoints(conn.name, conn.config);
  if (!opts.raw) await checkQuery(conn, query);
  return send(conn, ep, query, variables, opts);
}

export async function send(conn: Connection, ep: FourmeEndpoints, query: string, variables: Record<string, unknown>, opts: GqlOptions): Promise<GqlResult> {
  const key = `${conn.name}\n${ep.graphqlUrl}\n${ep.account}`;
  const body = JSON.stringify({ query, variables, ...(opts.operationName ? { operationName: opts.operationName } : {}) });
  let fresh = false;
  let busy = 0;
  for (;;) {
    await throttle(key, opts.signal);
    const headers = await authHeaders(conn, ep, fresh);
    const scrub = makeScrubber([headers.authorization!.slice(7)]);
    const res = await safeFetch(ep.graphqlUrl, {
      method: 'POST', allowPrivate: ep.allowPrivate, timeoutMs: ep.timeoutMs, signal: opts.signal, maxRedirects: 0,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body,
    });
    // A 429's Retry-After is the wait; its budget headers would hold every later call until the window resets.
    const cost = res.statusCode === 429 || res.statusCode === 503 ? null : remember(key, res.headers);
    const text = await res.body.text();
    if (res.statusCode === 401 && !fresh && ep.authType === 'oauth_client_credentials') { fresh = true; continue; }
    if (res.statusCode === 429 || res.statusCode === 503) {
      busy++;
      const ms = busyWaitMs(res.statusCode, retryAfterMs(res.headers['retry-after']), busy);
      if (busy < MAX_BUSY && ms <= MAX_INLINE_WAIT_MS) { await sleep(ms, opts.signal); continue; }
      // Longer waits go back to the job's retry, so a worker is not held.
      if (res.statusCode === 429) throw new HookflowError('HF_ERR_FOURME_RATE_LIMITED', { seconds: Math.ceil(ms / 1000) }, { retryable: true, retryAfter: Math.ceil(ms / 1000) });
      throw new HookflowError('HF_ERR_HTTP_STATUS', { status: 503, url: ep.graphqlUrl }, { retryable: true, retryAfter: Math.ceil(ms / 1000), details: { body: scrub(text.slice(0, 2000)) } });
    }
    let json: { data?: Record<string, unknown> | null; errors?: unknown } = {};
    try { json = JSON.parse(text) as typeof json; } catch { /* status decides below */ }
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new HookflowError('HF_ERR_FOURME_AUTH', { name: conn.name, reason: String(scrub(json.errors ? messagesOf(json.errors) : `HTTP ${res.statusCode}`)) });
    }
    if (res.statusCode >= 300 || !json || (json.data == null && !json.errors)) {
      throw new HookflowError('HF_ERR_HTTP_STATUS', { status: res.statusCode, url: ep.graphqlUrl }, { retryable: res.statusCode >= 500, details: { body: scrub(text.slice(0, 2000)) } });
    }
    if (Array.isArray(json.errors) && json.errors.length) {
      throw new HookflowError('HF_ERR_FOURME_GRAPHQL', { messages: messagesOf(json.errors) }, { details: { errors: json.errors } });
    }
    return { data: json.data ?? {}, cost };
  }
}

/**
 * A mutation's payload `errors{path message}` (4me answers HTTP 200 with them): thrown as a step
 * error carrying 4me's own messages, so the task note says what 4me refused.
 */
export function payloadOrThrow(data: Record<string, unknown>, mutation: string): Record<string, unknown> {
  const payload = (data[mutation] ?? null) as Record<string, unknown> | null;
  if (!payload) throw new HookflowError('HF_ERR_FOURME_MUTATION', { mutation, messages: 'no payload returned' });
  const errors = payload.errors;
  if (Array.isArray(errors) && errors.length) {
    throw new HookflowError('HF_ERR_FOURME_MUTATION', { mutation, messages: messagesOf(errors) }, { details: { errors } });
  }
  return payload;
}

/** Test only: forget throttling state. */
export function resetBudgets(): void {
  budgets.clear();
}
