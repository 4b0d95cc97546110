/**
 * @module server/errors
 * Maps every thrown error to the catalogue's `{"error":{code,message,details?}}` answer:
 * Hookflow's own, Fastify's (`FST_ERR_*`, also those raised before routing through
 * `frameworkErrors`) and any other carrying an HTTP status. No route answers Fastify's own body.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HookflowError, isHookflowError, type ErrorCode } from '../errors.js';
import { isStoreUnavailable, storeUnavailable } from '../store/unavailable.js';
import { scrubKnown } from '../security/index.js';

/** A Fastify (or plugin) error that has no case of its own is mapped by its status. */
const BY_STATUS: Record<number, ErrorCode> = {
  400: 'HF_ERR_BAD_REQUEST', 401: 'HF_ERR_UNAUTHENTICATED', 404: 'HF_ERR_NOT_FOUND', 405: 'HF_ERR_METHOD_NOT_ALLOWED',
  408: 'HF_ERR_REQUEST_TIMEOUT', 413: 'HF_ERR_BODY_TOO_LARGE', 414: 'HF_ERR_URI_TOO_LONG', 415: 'HF_ERR_CONTENT_TYPE',
  431: 'HF_ERR_HEADERS_TOO_LARGE', 503: 'HF_ERR_UNAVAILABLE',
};

export interface ErrorLimits { bodyLimit: number; maxParamLength?: number }

/** What the mapping reads of a request: Fastify's or node:http's (the /hooks lane's). */
export interface RequestLike { method: string; url: string; headers: IncomingHttpHeaders }

export function toHookflowError(err: unknown, limits: ErrorLimits, req?: RequestLike): HookflowError {
  if (isHookflowError(err)) return err;
  if (isStoreUnavailable(err)) return storeUnavailable(err);
  const { bodyLimit, maxParamLength } = limits;
  const e = err as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new HookflowError('HF_ERR_BODY_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE': return new HookflowError('HF_ERR_CONTENT_TYPE', { type: req?.headers['content-type'] ?? '(none)' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return new HookflowError('HF_ERR_BODY_MALFORMED', { format: 'JSON', reason: e.message });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return new HookflowError('HF_ERR_BAD_REQUEST', { reason: 'the Content-Length does not match the body' });
    case 'FST_ERR_VALIDATION': return new HookflowError('HF_ERR_VALIDATION', { reason: e.message }, { details: e.validation });
    case 'FST_ERR_BAD_URL': return new HookflowError('HF_ERR_BAD_REQUEST', { reason: 'the URL has an invalid percent-encoding' });
    case 'FST_ERR_MAX_PARAM_LENGTH': return tooLongParam(req, maxParamLength);
  }
  if (e instanceof SyntaxError && (e as { statusCode?: number }).statusCode === 400) {
    return new HookflowError('HF_ERR_BODY_MALFORMED', { format: 'JSON', reason: e.message });
  }
  const status = Number((e as { statusCode?: unknown })?.statusCode);
  const code = status >= 400 && status < 500 ? BY_STATUS[status] : undefined;
  if (code) {
    return new HookflowError(code, { reason: e.message, limit: status === 413 ? bodyLimit : maxParamLength, type: req?.headers['content-type'] ?? '(none)', method: req?.method, what: req ? `${req.method} ${req.url.split('?')[0]}` : 'This' });
  }
  return new HookflowError('HF_ERR_INTERNAL', { reason: 'see the server log' }, { cause: err });
}

/** A token longer than any issued is an unknown token, answered as that door answers one. */
function tooLongParam(req: RequestLike | undefined, limit: number | undefined): HookflowError {
  const url = req?.url ?? '';
  if (url.startsWith('/hooks/')) return new HookflowError('HF_ERR_HOOK_UNKNOWN');
  if (url.startsWith('/ops/')) return new HookflowError('HF_ERR_OPS_APP_UNKNOWN');
  return new HookflowError('HF_ERR_URI_TOO_LONG', { limit });
}

let lastOutageLog = 0;

/** An error's answer: status, headers and the catalogue's JSON body, secrets scrubbed. */
export interface ErrorAnswer { status: number; headers: Record<string, string>; payload: string }

export function errorAnswer(err: unknown, limits: ErrorLimits, req: RequestLike, log: { error(o: object, m: string): void; warn(o: object, m: string): void }): ErrorAnswer {
  const he = toHookflowError(err, limits, req);
  if (he.code === 'HF_ERR_INTERNAL') log.error({ err }, 'internal error');
  if (he.code === 'HF_ERR_STORE_UNAVAILABLE' && Date.now() - lastOutageLog > 1000) {
    // Once a second at most: an outage under load would otherwise log every refused request.
    lastOutageLog = Date.now();
    log.warn({ err: he.cause ?? err, url: req.url.split('?')[0] }, 'store unavailable; answering 503');
  }
  const headers: Record<string, string> = {};
  if ((he.status === 503 || he.status === 429) && he.retryAfter !== undefined) headers['retry-after'] = String(he.retryAfter);
  return { status: he.status, headers, payload: JSON.stringify({ error: scrubKnown(he.toJSON()) }) };
}

export function errorHandler(limits: ErrorLimits) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const a = errorAnswer(err, limits, req, req.log);
    for (const k in a.headers) void reply.header(k, a.headers[k]!);
    void reply.code(a.status).type('application/json').send(a.payload);
  };
}
