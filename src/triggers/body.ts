/**
 * @module triggers/body
 * Turns an inbound body into trigger data: JSON, form-encoded with bracket keys, or text.
 * The raw bytes stay with the request for signature checks; this only reads them.
 */
import { HookflowError } from '../errors.js';

// Keys that would reach Object.prototype if assigned: dropped, never merged.
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

// Senders repeat one Content-Type; the last answer is kept (this runs two or three times per event).
let lastType: string | undefined;
let lastMedia = '';

export function mediaType(contentType: string | undefined): string {
  if (contentType === lastType && contentType !== undefined) return lastMedia;
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  lastType = contentType;
  lastMedia = media;
  return media;
}

/** `application/json` or any `+json` media type. */
export function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** JSON.parse, with a malformed body answered as HF_ERR_BODY_MALFORMED. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HookflowError('HF_ERR_BODY_MALFORMED', { format: 'JSON', reason: (e as Error).message });
  }
}

export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (raw.length === 0 && type === '') return null;
  if (isJsonType(type)) return parseJson(raw.toString('utf8'));
  if (type === 'application/x-www-form-urlencoded') return parseForm(raw.toString('utf8'));
  if (type.startsWith('text/') || type === '') return raw.toString('utf8');
  throw new HookflowError('HF_ERR_CONTENT_TYPE', { type });
}

/** `payload[team][id]=372` becomes `{payload:{team:{id:"372"}}}`; `a[]=1&a[]=2` an array. */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) setPath(out, splitKey(key), value);
  return out;
}

export function splitKey(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) return [key];
  const parts = [m[1]!];
  for (const seg of m[2]!.matchAll(/\[([^[\]]*)\]/g)) parts.push(seg[1]!);
  return parts;
}

export function setPath(target: Record<string, unknown>, parts: string[], value: unknown): void {
  if (parts.some((p) => FORBIDDEN.has(p))) return;
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const nextIsArray = !last && parts[i + 1] === '';
    if (Array.isArray(node)) {
      if (last) { node.push(value); return; }
      const child = nextIsArray ? [] : {};
      node.push(child);
      node = child as Record<string, unknown>;
      continue;
    }
    if (last) {
      node[part] = value;
      return;
    }
    const existing = node[part];
    if (existing === null || typeof existing !== 'object') node[part] = nextIsArray ? [] : {};
    node = node[part] as Record<string, unknown>;
  }
}
