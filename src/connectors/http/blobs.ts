/**
 * @module connectors/http/blobs
 * Binary bodies in the store, in 256 KiB chunks: a download is written as it arrives and read back
 * as a stream, so neither direction holds a whole file in memory. A blob is visible only once
 * `complete`: a crash mid-write leaves a row no step ever referenced.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Store } from '../../store/types.js';
import { HookflowError } from '../../errors.js';

const CHUNK = 256 * 1024;

export interface BlobRef {
  blob_id: string;
  size: number;
  content_type: string | null;
}

export async function writeBlob(store: Store, source: AsyncIterable<Uint8Array>, contentType: string | null, limit: number): Promise<BlobRef> {
  const id = randomUUID();
  await store.db.insertInto('blobs').values({ id, size: 0, content_type: contentType, complete: 0, created_at: Date.now() }).execute();
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (!pendingBytes) return;
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await store.db.insertInto('blob_chunks').values({ blob_id: id, seq: seq++, data }).execute();
  };
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > limit) throw new HookflowError('HF_ERR_HTTP_TOO_LARGE', { url: 'the response', limit });
      pending.push(Buffer.from(chunk));
      pendingBytes += chunk.byteLength;
      if (pendingBytes >= CHUNK) await flush();
    }
    await flush();
  } catch (e) {
    await store.db.deleteFrom('blobs').where('id', '=', id).execute();
    throw e;
  }
  await store.db.updateTable('blobs').set({ size, complete: 1 }).where('id', '=', id).execute();
  return { blob_id: id, size, content_type: contentType };
}

export async function blobInfo(store: Store, id: string): Promise<BlobRef> {
  const row = await store.db.selectFrom('blobs').selectAll().where('id', '=', id).where('complete', '=', 1).executeTakeFirst();
  if (!row) throw new HookflowError('HF_ERR_BLOB_NOT_FOUND', { id });
  return { blob_id: row.id, size: Number(row.size), content_type: row.content_type };
}

/** Streams a blob's bytes, one chunk query at a time. */
export function readBlob(store: Store, id: string): Readable {
  async function* chunks() {
    for (let seq = 0; ; seq++) {
      const row = await store.db.selectFrom('blob_chunks').select('data').where('blob_id', '=', id).where('seq', '=', seq).executeTakeFirst();
      if (!row) return;
      yield Buffer.from(row.data);
    }
  }
  return Readable.from(chunks());
}

export function isBlobRef(v: unknown): v is BlobRef {
  return !!v && typeof v === 'object' && typeof (v as BlobRef).blob_id === 'string';
}
