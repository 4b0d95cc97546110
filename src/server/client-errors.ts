/**
 * @module server/client-errors
 * Errors Node's HTTP parser raises before a request reaches Fastify's router — a slow sender
 * past the header or request timeout, a malformed request line, headers over the size limit —
 * answered with the catalogue's `{"error":{code,message}}` like every other error, then the
 * socket is closed so a trickling sender holds nothing.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { HookflowError } from '../errors.js';

export interface ClientTimeouts { headersTimeoutMs: number; requestTimeoutMs: number }

/** Node options for the HTTP server: a slow sender is cut off after these, checked this often. */
export function serverTimeouts(t: ClientTimeouts) {
  return {
    headersTimeout: t.headersTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    // Node checks the two timeouts on this interval (default 30 s, longer than the timeouts).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(t.headersTimeoutMs / 4))),
  };
}

function toError(err: NodeJS.ErrnoException, t: ClientTimeouts): HookflowError {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new HookflowError('HF_ERR_REQUEST_TIMEOUT', { headers: t.headersTimeoutMs / 1000, request: t.requestTimeoutMs / 1000 });
  if (err.code === 'HPE_HEADER_OVERFLOW') return new HookflowError('HF_ERR_HEADERS_TOO_LARGE');
  return new HookflowError('HF_ERR_BAD_REQUEST', { reason: (err as { reason?: string }).reason ?? err.code ?? 'unreadable request' });
}

export function clientErrorHandler(t: ClientTimeouts) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    // Nothing sent yet on this socket: there is room for a whole answer.
    if (socket.writable && socket.bytesWritten === 0) {
      const he = toError(err, t);
      const body = JSON.stringify({ error: he.toJSON() });
      socket.write(`HTTP/1.1 ${he.status} ${http.STATUS_CODES[he.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}
