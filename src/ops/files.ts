/**
 * @module ops/files
 * FILE parameters: content sent as base64, or a `file://` URL that must lie inside one of the
 * allowed folders (HOOKFLOW_OPS_FILE_FOLDERS, symlinks resolved first so a link cannot lead out)
 * and under the size limit. Either way the file is copied into the data dir, so a job never
 * depends on a path someone else may change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { HookflowError } from '../errors.js';

export interface StoredFile {
  name: string;
  contentType: string | null;
  size: number;
  description: string | null;
  updatedAt: string | null;
  /** Where Hookflow keeps its copy. */
  path: string;
}

export interface FileLimits {
  dataDir: string;
  folders: string[];
  maxSize: number;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;

export class OpsFiles {
  constructor(private readonly limits: FileLimits) {}

  async store(param: string, v: Record<string, unknown>, fail: (reason: string) => HookflowError): Promise<StoredFile> {
    const { maxSize } = this.limits;
    let source: string | null = null;
    let bytes: Buffer | null = null;
    let name = typeof v.name === 'string' && v.name ? v.name : null;
    if (typeof v.content === 'string') {
      // Decoded size is known from the text's length: refuse before allocating the buffer.
      if (Math.floor((v.content.length * 3) / 4) - 2 > maxSize) throw tooLarge(name ?? param, Math.floor((v.content.length * 3) / 4), maxSize);
      if (!BASE64.test(v.content)) throw fail('fileValue.content must be base64');
      bytes = Buffer.from(v.content, 'base64');
      if (bytes.length > maxSize) throw tooLarge(name ?? param, bytes.length, maxSize);
    } else if (typeof v.url === 'string') {
      source = this.#allowedPath(v.url);
      const st = await fs.promises.stat(source);
      if (!st.isFile()) throw new HookflowError('HF_ERR_OPS_FILE_URL', { url: v.url, reason: 'it is not a file' });
      if (st.size > maxSize) throw tooLarge(name ?? path.basename(source), st.size, maxSize);
      name ??= path.basename(source);
    } else {
      throw fail('fileValue needs content (base64) or url (file://); upload is not supported');
    }
    if (!name) throw fail('fileValue.name is required with content');
    const dir = path.join(this.limits.dataDir, 'ops-files', randomUUID());
    await fs.promises.mkdir(dir, { recursive: true });
    const target = path.join(dir, safeName(name));
    if (bytes) await fs.promises.writeFile(target, bytes);
    else await fs.promises.copyFile(source!, target);
    const size = bytes ? bytes.length : (await fs.promises.stat(target)).size;
    return {
      name, contentType: typeof v.contentType === 'string' ? v.contentType : null, size,
      description: typeof v.description === 'string' ? v.description : null,
      updatedAt: typeof v.updatedAt === 'string' ? v.updatedAt : null, path: target,
    };
  }

  #allowedPath(url: string): string {
    const refuse = (reason: string) => new HookflowError('HF_ERR_OPS_FILE_URL', { url, reason });
    if (!url.startsWith('file://')) throw refuse('only file:// URLs are accepted');
    let p: string;
    try {
      p = fs.realpathSync(fileURLToPath(url));
    } catch (e) {
      throw refuse((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : 'it is not a local file path');
    }
    if (this.limits.folders.length === 0) throw refuse('no folders are allowed (set HOOKFLOW_OPS_FILE_FOLDERS)');
    const inside = this.limits.folders.some((f) => {
      let root: string;
      try { root = fs.realpathSync(f); } catch { return false; }
      const rel = path.relative(root, p);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
    if (!inside) throw refuse('it is outside the allowed folders');
    return p;
  }
}

function tooLarge(name: string, size: number, limit: number): HookflowError {
  return new HookflowError('HF_ERR_OPS_FILE_TOO_LARGE', { name, size, limit });
}

function safeName(name: string): string {
  const base = path.basename(name).replace(/[^A-Za-z0-9._ -]/g, '_').replace(/^\.+/, '_');
  return base.slice(0, 120) || 'file';
}
