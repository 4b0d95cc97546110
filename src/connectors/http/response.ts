/**
 * @module connectors/http/response
 * Reads a response as JSON, text or binary. JSON and text are read up to a limit (the step output
 * is kept in the database); binary goes to the store chunk by chunk and the step keeps a reference.
 */
import { HookflowError } from '../../errors.js';
import { displayUrl, readUpTo } from '../../security/index.js';
import { writeBlob, type BlobRef } from './blobs.js';
import type { CallResult } from './client.js';
import type { Store } from '../../store/types.js';

export type ResponseType = 'auto' | 'json' | 'text' | 'binary';

/** Binary bodies may be much larger than a step's JSON output. */
const BINARY_LIMIT = 1024 * 1024 * 1024;

export async function readBody(res: CallResult, type: ResponseType = 'auto', limit: number, store?: Store): Promise<unknown> {
  const ct = String(res.headers['content-type'] ?? '') || null;
  if (type === 'binary') {
    if (!store) throw new HookflowError('HF_ERR_INTERNAL', { reason: 'a binary response needs the store' });
    return writeBlob(store, res.body, ct, BINARY_LIMIT) as Promise<BlobRef>;
  }
  const bytes = await readUpTo(res.body, limit);
  if (!bytes) throw new HookflowError('HF_ERR_HTTP_TOO_LARGE', { url: displayUrl(new URL(res.url)), limit }, { details: { hint: 'read it with response_type: binary' } });
  const text = bytes.toString('utf8');
  const wantJson = type === 'json' || (type === 'auto' && /[/+]json\b/i.test(ct ?? ''));
  if (!wantJson || text === '') return text;
  try {
    return JSON.parse(text);
  } catch (e) {
    if (type === 'auto') return text;
    throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: displayUrl(new URL(res.url)), reason: `the body is not JSON: ${(e as Error).message}` });
  }
}
