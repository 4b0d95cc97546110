/**
 * @module server/hooks/lane
 * The inbound door's fast lane. A plain delivery — `POST /hooks/{token}` with a Content-Length
 * within the body limit, no query string, no percent-encoding, no chunked body, while the server
 * is not closing — is read and answered on node:http directly, without Fastify's request and reply
 * objects, routing, content-type lookup and hook chain (about 6–8 µs a request here, a twentieth
 * of an accepted event's cost). It runs the route's own code (`deliver`), the same depth scan,
 * and the same error mapping (`errorAnswer`), so an answer is byte for byte the route's.
 * Every other request — and anything the lane is unsure of — goes to Fastify, whose route stays
 * the one `app.inject()` reaches. `test/hooks-lane.test.ts` sends the same requests both ways.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { InboundDelivery } from '../../triggers/inbound.js';
import { errorAnswer } from '../errors.js';

/** Filled in by the hooks plugin once its routes exist; the server's request listener reads it. */
export interface LaneSlot { handle: ((req: IncomingMessage, res: ServerResponse) => boolean) | null }

type Log = { error(o: object, m: string): void; warn(o: object, m: string): void };

export interface LaneOptions {
  bodyLimit: number;
  maxParamLength: number;
  log: Log;
  closing(): boolean;
  /** The content-type parser's depth scan: the JSON verdict, or a throw (too deep). */
  scan(body: Buffer, contentType: string | undefined): boolean | undefined;
  deliver(token: string, delivery: InboundDelivery): Promise<{ code: number; body: unknown }>;
}

const PREFIX = '/hooks/';
const DIGITS = /^\d{1,15}$/;
const EMPTY = Buffer.alloc(0);
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The token of a request the lane takes, or null for one it leaves to Fastify: not a POST to
 * `/hooks/{token}`, a query string or %-escape (Fastify parses and decodes those), a token
 * longer than the router's limit, a body without a Content-Length (chunked) or over the body
 * limit (Fastify's 413), or the server closing (Fastify's 503).
 */
export function laneToken(method: string | undefined, url: string | undefined, h: IncomingHttpHeaders, o: Pick<LaneOptions, 'bodyLimit' | 'maxParamLength' | 'closing'>): string | null {
  if (method !== 'POST' || url === undefined || !url.startsWith(PREFIX)) return null;
  if (url.includes('?') || url.includes('%')) return null;
  const token = url.slice(PREFIX.length, url.endsWith('/') ? url.length - 1 : url.length);
  if (token.length === 0 || token.length > o.maxParamLength || token.includes('/')) return null;
  const cl = h['content-length'];
  if (h['transfer-encoding'] !== undefined || cl === undefined || !DIGITS.test(cl) || Number(cl) > o.bodyLimit || o.closing()) return null;
  return token;
}

/** The lane's request handler: true when it took the request, false to leave it to Fastify. */
export function hooksLane(o: LaneOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const limits = { bodyLimit: o.bodyLimit, maxParamLength: o.maxParamLength };
  return (req, res) => {
    const token = laneToken(req.method, req.url, req.headers, o);
    if (token === null) return false;
    const url = req.url!;
    const h = req.headers;
    const length = Number(h['content-length']);
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (c: Buffer): void => { chunks.push(c); received += c.length; };
    const onEnd = (): void => {
      req.off('data', onData);
      // node:http frames the body by its Content-Length: 'end' comes after exactly that many bytes.
      void answer(length === 0 ? EMPTY : Buffer.concat(chunks, received));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    // A sender gone mid-body: nothing was accepted and no one is left to answer.
    req.once('error', () => { req.off('data', onData); req.off('end', onEnd); });

    const answer = async (body: Buffer): Promise<void> => {
      const contentType = h['content-type'];
      try {
        // Fastify runs no parser for a body-less request without a Content-Type; the route then sees no verdict.
        const jsonValid = length === 0 && contentType === undefined ? undefined : o.scan(body, contentType);
        const delivery: InboundDelivery = {
          rawBody: body, headers: h, query: {}, remoteAddress: req.socket.remoteAddress ?? '',
          method: 'POST', contentType, jsonValid,
        };
        const { code, body: out } = await o.deliver(token, delivery);
        if (typeof out === 'string') write(res, code, out, 'text/plain; charset=utf-8');
        else write(res, code, JSON.stringify(out), JSON_TYPE);
      } catch (e) {
        const a = errorAnswer(e, limits, { method: 'POST', url, headers: h }, o.log);
        write(res, a.status, a.payload, JSON_TYPE, a.headers);
      }
    };
    return true;
  };
}

/** Writes one whole answer, unless the sender is gone or an answer was already started. */
function write(res: ServerResponse, status: number, text: string, type: string, headers?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const length = Buffer.byteLength(text);
  res.writeHead(status, headers ? { ...headers, 'content-type': type, 'content-length': length } : { 'content-type': type, 'content-length': length });
  res.end(text);
}
