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
  /** Hookflow's copy, as an opaque id (`pathOf` finds it): the dataset never shows a server path. */
  id: string;
}

// One answer for a path that is missing, unreadable, not a file or outside the allowed folders:
// a caller must not learn from the error what exists on the server.
const NOT_ALLOWED = 'it is not a readable file inside the allowed folders';

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
      const st = await fs.promises.stat(source).catch(() => null);
      if (!st?.isFile()) throw new HookflowError('HF_ERR_OPS_FILE_URL', { url: v.url, reason: NOT_ALLOWED });
      if (st.size > maxSize) throw tooLarge(name ?? path.basename(source), st.size, maxSize);
      name ??= path.basename(source);
    } else {
      throw fail('fileValue needs content (base64) or url (file://); upload is not supported');
    }
    if (!name) throw fail('fileValue.name is required with content');
    const id = randomUUID();
    const target = this.pathOf(id, name);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    if (bytes) await fs.promises.writeFile(target, bytes);
    else await fs.promises.copyFile(source!, target).catch(() => { throw new HookflowError('HF_ERR_OPS_FILE_URL', { url: String(v.url), reason: NOT_ALLOWED }); });
    const size = bytes ? bytes.length : (await fs.promises.stat(target)).size;
    return {
      name, contentType: typeof v.contentType === 'string' ? v.contentType : null, size,
      description: typeof v.description === 'string' ? v.description : null,
      updatedAt: typeof v.updatedAt === 'string' ? v.updatedAt : null, id,
    };
  }

  /** Where the copy of a stored file lives in the data dir. */
  pathOf(id: string, name: string): string {
    return path.join(this.limits.dataDir, 'ops-files', path.basename(id), safeName(name));
  }

  #allowedPath(url: string): string {
    const refuse = (reason: string) => new HookflowError('HF_ERR_OPS_FILE_URL', { url, reason });
    if (!url.startsWith('file://')) throw refuse('only file:// URLs are accepted');
    if (this.limits.folders.length === 0) throw refuse('no folders are allowed (set HOOKFLOW_OPS_FILE_FOLDERS)');
    const within = (root: string, p: string) => {
      const rel = path.relative(root, p);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    };
    let asked: string;
    try { asked = path.resolve(fileURLToPath(url)); } catch { throw refuse(NOT_ALLOWED); }
    // A path outside every folder is refused before it is looked at, so its existence stays unknown;
    // symlinks are then resolved and checked again, so a link cannot lead out.
    if (!this.limits.folders.some((f) => within(f, asked))) throw refuse(NOT_ALLOWED);
    let p: string;
    try { p = fs.realpathSync(asked); } catch { throw refuse(NOT_ALLOWED); }
    const inside = this.limits.folders.some((f) => {
      let root: string;
      try { root = fs.realpathSync(f); } catch { return false; }
      return within(root, p);
    });
    if (!inside) throw refuse(NOT_ALLOWED);
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
