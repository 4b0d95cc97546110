/**
 * @module security/fetch-json
 * A small public JSON document (JWKS, OIDC discovery) through the guard: size-capped while
 * reading, so a hostile URL can neither reach the private network nor fill memory.
 */
import { HookflowError } from '../errors.js';
import { displayUrl, readUpTo, safeFetch } from './fetch.js';
import type { PrivateAccess } from './ssrf.js';

export interface JsonFetchOptions { allowPrivate?: PrivateAccess; timeoutMs?: number; maxBytes?: number }

export async function fetchJsonDocument(url: string | URL, opts: JsonFetchOptions = {}): Promise<unknown> {
  const { allowPrivate = false, timeoutMs = 5000, maxBytes = 256 * 1024 } = opts;
  const res = await safeFetch(url, { allowPrivate, timeoutMs, maxRedirects: 3, headers: { accept: 'application/json' } });
  const where = displayUrl(new URL(res.url));
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: where, reason: `answered ${res.statusCode}` });
  }
  const bytes = await readUpTo(res.body, maxBytes);
  if (!bytes) throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: where, reason: `document over ${maxBytes} bytes` });
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: where, reason: 'answer is not JSON' });
  }
}
