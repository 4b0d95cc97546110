/**
 * @module connectors/http/request
 * `http.request`: one call (or a paginated series) with any connection's auth. Non-2xx is a step
 * error unless listed in `accept_status`; 408, 429 and 5xx are retryable and carry Retry-After.
 * The step's idempotency key goes out as `Idempotency-Key`, so an API that honours it applies a
 * resumed step once. Each success records the step's inferred output schema.
 */
import type { ActionContext } from '../../engine/actions.js';
import { displayUrl, makeScrubber } from '../../security/index.js';
import { HookflowError } from '../../errors.js';
import { secretStrings, type Connection } from './auth.js';
import { call, type CallSpec, type HttpIo } from './client.js';
import { readBody, type ResponseType } from './response.js';
import { nextPage, pageItems, type Pagination } from './paginate.js';
import { inferSchema } from './infer.js';
import { saveStepSchema } from './step-schemas.js';

export interface RequestInput extends CallSpec {
  response_type?: ResponseType;
  accept_status?: number[];
  timeout_seconds?: number;
  pagination?: Pagination;
}

export interface RequestOutput {
  status: number;
  headers: Record<string, unknown>;
  body?: unknown;
  items?: unknown[];
  pages?: number;
  truncated?: boolean;
  url: string;
  redirects: Array<{ status: number; url: string }>;
}

export interface RequestRun { output: RequestOutput; timing: { headers_ms: number; total_ms: number } }

const DEFAULT_TEXT_LIMIT = 5 * 1024 * 1024;

/** Seconds from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(v: unknown, now = Date.now()): number | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}

async function once(conn: Connection | undefined, input: RequestInput, signal: AbortSignal | undefined, extra: Record<string, string>, scrub: (v: unknown) => unknown, io: HttpIo) {
  // Besides the stored secrets, what the auth derived from them (a basic header, an OAuth2 token).
  const spec: CallSpec = { ...input, timeout_ms: input.timeout_ms ?? (input.timeout_seconds ? input.timeout_seconds * 1000 : undefined) };
  const res = await call(conn, spec, signal, extra, io);
  if (res.credentials.length) scrub = makeScrubber([...secretStrings(conn), ...res.credentials]);
  const limit = io.responseLimit ?? DEFAULT_TEXT_LIMIT;
  const ok = (res.status >= 200 && res.status < 300) || !!input.accept_status?.includes(res.status);
  // An error body is only evidence for the step error: never stored as a blob.
  const body = await readBody(res, ok ? input.response_type : input.response_type === 'binary' ? 'text' : input.response_type, limit, io.store);
  const page = { status: res.status, headers: scrub(res.headers) as Record<string, unknown>, body: scrub(body), url: scrub(res.url) as string, redirects: res.redirects };
  if (!ok) {
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new HookflowError('HF_ERR_HTTP_STATUS', { status: res.status, url: displayUrl(new URL(res.url)) }, {
      details: { status: res.status, headers: page.headers, body: page.body }, retryable, retryAfter: retryable ? retryAfterSeconds(res.headers['retry-after']) : undefined,
    });
  }
  return { page, headers_ms: res.headers_ms, started: res.started };
}

export async function runRequest(conn: Connection | undefined, input: RequestInput, opts: { signal?: AbortSignal; idempotencyKey?: string; io?: HttpIo } = {}): Promise<RequestRun> {
  const io = opts.io ?? {};
  if (!input || typeof input.url !== 'string') throw new HookflowError('HF_ERR_VALIDATION', { reason: 'http.request needs with.url' });
  // Error details and outputs are scrubbed: a server may echo our own key back.
  const scrub = makeScrubber(secretStrings(conn));
  const extra: Record<string, string> = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {};
  const p = input.pagination;
  if (!p) {
    const r = await once(conn, input, opts.signal, extra, scrub, io);
    return { output: r.page, timing: { headers_ms: r.headers_ms, total_ms: Date.now() - r.started } };
  }
  const started = Date.now();
  const limit = p.limit ?? 1000;
  const maxPages = p.max_pages ?? 100;
  let spec: RequestInput = p.type === 'page' ? { ...input, query: { ...input.query, [p.page_param ?? 'page']: p.start_page ?? 1 } } : input;
  const items: unknown[] = [];
  let pageNo = p.start_page ?? 1;
  for (let pages = 1; ; pages++, pageNo++) {
    const r = await once(conn, spec, opts.signal, extra, scrub, io);
    const got = await pageItems(p, r.page);
    items.push(...got.slice(0, limit - items.length));
    const next = items.length >= limit || pages >= maxPages ? 'stop' : await nextPage(p, r.page, got, pageNo);
    if (next === null || next === 'stop') {
      const truncated = next === 'stop' && (await nextPage(p, r.page, got, pageNo).catch(() => null)) !== null;
      const output = { status: r.page.status, headers: r.page.headers, items, pages, truncated, url: r.page.url, redirects: r.page.redirects };
      return { output, timing: { headers_ms: r.headers_ms, total_ms: Date.now() - started } };
    }
    spec = next.url ? { ...spec, url: next.url, query: undefined } : { ...spec, query: { ...spec.query, ...next.query } };
  }
}

export async function httpRequestAction(raw: unknown, ctx: ActionContext): Promise<unknown> {
  const io: HttpIo = { store: ctx.store, connections: ctx.services.connections, responseLimit: ctx.services.responseLimit };
  const { output } = await runRequest(ctx.connection, raw as RequestInput, { signal: ctx.signal, idempotencyKey: ctx.idempotencyKey, io });
  await saveStepSchema(ctx.store, ctx.job.recipe, ctx.step.id, inferSchema(output));
  return output;
}
