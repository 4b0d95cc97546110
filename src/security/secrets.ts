/**
 * @module security/secrets
 * Connection secrets at rest: AES-256-GCM with a fresh IV per value. The `v1:` prefix leaves room
 * for a later format (key rotation) without guessing what an old value is.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HookflowError } from '../errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'v1:';

function decodeKey(text: string, name: string): Buffer {
  const t = text.trim();
  // Buffer.from(…, 'base64') silently skips junk, so check the alphabet and length ourselves.
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(t) ? Buffer.from(t, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new HookflowError('HF_ERR_CONFIG', {
      name,
      reason: `must be base64 of exactly ${KEY_BYTES} bytes (for example from \`openssl rand -base64 32\`)`,
    });
  }
  return key;
}

/**
 * HOOKFLOW_SECRET_KEY when set, else `<dataDir>/secret.key`, created on first start. A bad env value
 * is an error, never a silent fallback: secrets sealed with the file key would not open later.
 */
export function loadSecretKey(opts: { envValue?: string; dataDir: string }): Buffer {
  if (opts.envValue !== undefined) return decodeKey(opts.envValue, 'HOOKFLOW_SECRET_KEY');
  const file = path.join(opts.dataDir, 'secret.key');
  const existing = readKeyFile(file);
  if (existing) return existing;
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  // Write a complete temp file and hard-link it into place: the link fails if another process won
  // the race, and nobody can ever read a half-written key.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, key.toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return readKeyFile(file) ?? decodeKey('', file);
    // Filesystems without hard links (some network mounts): an exclusive create still never clobbers.
    try { fs.writeFileSync(file, key.toString('base64') + '\n', { flag: 'wx', mode: 0o600 }); } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file) ?? decodeKey('', file);
      throw e2;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return key;
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HookflowError('HF_ERR_CONFIG', { name: file, reason: `cannot be read: ${(e as Error).message}` });
  }
  return decodeKey(text, file);
}

function cannotDecrypt(reason: string, cause?: unknown): HookflowError {
  return new HookflowError('HF_ERR_CONFIG', { name: 'secret', reason: `cannot decrypt: ${reason}` }, { cause });
}

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new HookflowError('HF_ERR_CONFIG', { name: 'secret key', reason: `must be ${KEY_BYTES} bytes` });
    this.#key = Buffer.from(key);
  }

  /** A keyed MAC (HMAC-SHA256 under a key derived for `label`): compares secrets without revealing them. */
  mac(value: string, label: string): string {
    const k = Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `hookflow mac ${label}`, 32));
    return createHmac('sha256', k).update(value, 'utf8').digest('base64url');
  }

  /** `aad` (e.g. the connection name) binds the value to its record: moved elsewhere, it will not open. */
  seal(plain: unknown, aad?: string): string {
    const json = JSON.stringify(plain);
    if (json === undefined) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'a secret must be a JSON value' });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
  }

  open<T = unknown>(sealed: string, aad?: string): T {
    if (typeof sealed !== 'string' || !sealed.startsWith(PREFIX)) throw cannotDecrypt('not a v1 sealed value');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw cannotDecrypt('value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    let json: string;
    try {
      json = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (e) {
      throw cannotDecrypt('wrong HOOKFLOW_SECRET_KEY, tampered value, or value sealed for another record', e);
    }
    return JSON.parse(json) as T;
  }
}
