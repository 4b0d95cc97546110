/**
 * @module connectors/http/body
 * Request bodies: JSON, form, multipart, raw text, or binary from an earlier step (a stored blob,
 * streamed, or base64). A body is made by a factory because a stream can be sent only once and a
 * call may be sent twice (after an OAuth2 refresh).
 */
import { FormData } from 'undici';
import type { Readable } from 'node:stream';
import { HookflowError } from '../../errors.js';
import { isBlobRef, readBlob, blobInfo } from './blobs.js';
import type { Store } from '../../store/types.js';

export type BodyType = 'json' | 'form' | 'multipart' | 'text' | 'binary';
export type BodyValue = string | Buffer | Readable | FormData;

export interface EncodedBody {
  contentType?: string;
  make(): Promise<BodyValue>;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function asBytes(v: unknown): Buffer | null {
  if (isObj(v) && typeof v.base64 === 'string') return Buffer.from(v.base64, 'base64');
  return null;
}

function formPairs(o: Record<string, unknown>): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) {
    for (const x of Array.isArray(v) ? v : [v]) p.append(k, typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x ?? ''));
  }
  return p;
}

function needStore(store: Store | undefined): Store {
  if (!store) throw new HookflowError('HF_ERR_INTERNAL', { reason: 'a stored body needs the store' });
  return store;
}

async function multipart(o: Record<string, unknown>, store: Store | undefined): Promise<FormData> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(o)) {
    if (isObj(v) && (isBlobRef(v) || typeof v.base64 === 'string' || typeof v.content === 'string')) {
      // undici's FormData takes Blobs only, so a file part is read whole; keep multipart uploads modest.
      const bytes = isBlobRef(v) ? await collect(readBlob(needStore(store), v.blob_id)) : asBytes(v) ?? Buffer.from(String(v.content));
      const type = String(v.content_type ?? 'application/octet-stream');
      fd.append(k, new Blob([new Uint8Array(bytes)], { type }), String(v.filename ?? k));
    } else {
      fd.append(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''));
    }
  }
  return fd;
}

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

/** `fields` (custom auth body fields) are merged into object bodies, and make a JSON body of their own otherwise. */
export async function encodeBody(body: unknown, type: BodyType | undefined, method: string, fields?: Record<string, unknown>, store?: Store): Promise<EncodedBody | undefined> {
  if ((body === undefined || body === null) && fields && !['GET', 'HEAD'].includes(method)) body = {};
  if (body === undefined || body === null) return undefined;
  const kind: BodyType = type ?? (typeof body === 'string' ? 'text' : isBlobRef(body) ? 'binary' : 'json');
  const merged = isObj(body) && fields && kind !== 'binary' && kind !== 'text' ? { ...body, ...fields } : body;
  switch (kind) {
    case 'json': { const text = JSON.stringify(merged); return { contentType: 'application/json', make: async () => text }; }
    case 'text': { const text = String(body); return { contentType: 'text/plain; charset=utf-8', make: async () => text }; }
    case 'form': {
      if (!isObj(merged)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'a form body must be an object' });
      const text = formPairs(merged).toString();
      return { contentType: 'application/x-www-form-urlencoded', make: async () => text };
    }
    case 'multipart':
      if (!isObj(merged)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'a multipart body must be an object' });
      // FormData sets its own content type with the boundary.
      return { make: () => multipart(merged, store) };
    case 'binary': {
      if (isBlobRef(body)) {
        const s = needStore(store);
        const info = await blobInfo(s, body.blob_id);
        return { contentType: info.content_type ?? 'application/octet-stream', make: async () => readBlob(s, body.blob_id) };
      }
      const bytes = asBytes(body);
      if (!bytes) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'a binary body is a stored body {blob_id} or {base64}' });
      return { contentType: 'application/octet-stream', make: async () => bytes };
    }
  }
}
