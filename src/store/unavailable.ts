/**
 * @module store/unavailable
 * The one place that tells "the store cannot be reached right now" from every other database
 * error. Such errors answer 503 HF_ERR_STORE_UNAVAILABLE with Retry-After (the sender retries and
 * loses nothing: nothing was acknowledged), and background loops back off instead of failing work.
 * Anything else (a constraint, a bug in a statement) stays HF_ERR_INTERNAL.
 */
import { HookflowError, isHookflowError } from '../errors.js';

/** Seconds a client is asked to wait before retrying while the store is unavailable. */
export const RETRY_AFTER_SECONDS = 2;

const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
// 57P01 admin_shutdown (restart, pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now
// (starting up or shutting down), 53300 too_many_connections; class 08 is connection exceptions.
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
// pg's own messages for a socket that ended, a connect or query that timed out, a client that is gone.
const PG_MESSAGES = /Connection terminated|connection timeout|timeout expired|Query read timeout|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)|terminating connection/i;
// SQLite: busy past busy_timeout, or the file cannot be read or written right now.
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL)/;

export function isStoreUnavailable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    // A coded error already says what it is (an HTTP step's ECONNREFUSED is not the store's).
    if (isHookflowError(cur)) return cur.code === 'HF_ERR_STORE_UNAVAILABLE';
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NODE_CODES.has(code) || PG_CODES.has(code) || /^08/.test(code) || SQLITE_CODES.test(code)) return true;
    }
    const msg = (cur as { message?: unknown }).message;
    if (typeof msg === 'string' && PG_MESSAGES.test(msg)) return true;
    if (cur instanceof AggregateError && cur.errors.some((x) => isStoreUnavailable(x))) return true;
  }
  return false;
}

/** The answer for a connection-class error; the cause is kept for the log. */
export function storeUnavailable(e: unknown): HookflowError {
  if (isHookflowError(e) && e.code === 'HF_ERR_STORE_UNAVAILABLE') return e;
  const reason = e instanceof Error ? e.message || (e as { code?: string }).code || e.name : String(e);
  return new HookflowError('HF_ERR_STORE_UNAVAILABLE', { reason }, { retryAfter: RETRY_AFTER_SECONDS, retryable: true, cause: e });
}
