/**
 * @module triggers/fourme-body
 * A 4me delivery's body in any of its forms, as one object: current JSON; the legacy form-encoded
 * body with bracket keys; the JSON rendering of that form with flat keys (`"payload[team][id]"`,
 * as the Webhooks API document shows it) normalised to nested objects; and `{"jwt":"…"}` from a
 * webhook policy, whose `data` claim is read here only to route (it is verified before use).
 */
import { decodeJwt } from 'jose';
import { HookflowError } from '../errors.js';
import { isJsonType, mediaType, parseForm, parseJson, setPath, splitKey } from './body.js';

export interface ParsedDelivery {
  /** The delivery object (for a JWT: the unverified `data` claim). */
  data: Record<string, unknown>;
  jwt: string | null;
}

/** Flat bracket keys anywhere at the top level become nested objects; other keys stay. */
export function nestFlatKeys(o: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(o).some((k) => k.includes('['))) return o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (!k.includes('[')) { if (!(k in out) || typeof out[k] !== 'object') out[k] = v; continue; }
    setPath(out, splitKey(k), v);
  }
  return out;
}

function malformed(reason: string): HookflowError {
  return new HookflowError('HF_ERR_BODY_MALFORMED', { format: '4me webhook', reason });
}

export function parseDelivery(raw: Buffer, contentType: string | undefined): ParsedDelivery {
  const type = mediaType(contentType);
  let body: unknown;
  if (type === 'application/x-www-form-urlencoded') {
    body = parseForm(raw.toString('utf8'));
  } else if (isJsonType(type) || type === '' || type === 'text/plain') {
    body = parseJson(raw.toString('utf8'));
  } else {
    throw new HookflowError('HF_ERR_CONTENT_TYPE', { type });
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw malformed('the body is not an object');
  const o = body as Record<string, unknown>;
  if (typeof o.jwt === 'string') {
    let claims: Record<string, unknown>;
    try { claims = decodeJwt(o.jwt) as Record<string, unknown>; } catch { throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'the jwt field is not a JWT' }); }
    const data = claims.data;
    if (!data || typeof data !== 'object') throw new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason: 'the JWT has no data claim' });
    return { data: nestFlatKeys(data as Record<string, unknown>), jwt: o.jwt };
  }
  return { data: nestFlatKeys(o), jwt: null };
}

/** `Link: <u1>; rel="canonical", <u2>; rel="resource"` → `{canonical: u1, resource: u2}`. */
export function parseLinks(header: string | string[] | undefined): Record<string, string> {
  const text = Array.isArray(header) ? header.join(', ') : header ?? '';
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(m[2] ?? '')?.[1];
    if (rel) for (const r of rel.trim().split(/\s+/)) if (!(r in out)) out[r] = m[1]!;
  }
  return out;
}

/** `NG1lLmNvbS9XZWJob29rLzk0NQ` → `{domain: '4me.com', type: 'Webhook', id: '945'}`; null if not one. */
export function decodeNodeId(nodeId: unknown): { domain: string; type: string; id: string } | null {
  if (typeof nodeId !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(nodeId)) return null;
  const m = /^([^/]+)\/([A-Za-z]+)\/(\d+)$/.exec(Buffer.from(nodeId, 'base64url').toString('utf8'));
  return m ? { domain: m[1]!, type: m[2]!, id: m[3]! } : null;
}

export function encodeNodeId(domain: string, type: string, id: number | string): string {
  return Buffer.from(`${domain}/${type}/${id}`).toString('base64url');
}
