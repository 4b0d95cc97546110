import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSecretKey, SecretBox } from './secrets.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips JSON values', () => {
    const value = { client_id: 'abc', client_secret: 's3cr3t', scopes: ['a', 'b'], n: 1 };
    expect(box.open(box.seal(value))).toEqual(value);
    expect(box.open<string>(box.seal('plain'))).toBe('plain');
  });

  it('uses a fresh IV each time and never shows the plaintext', () => {
    const a = box.seal('same-secret');
    expect(a).toMatch(/^v1:/);
    expect(a).not.toBe(box.seal('same-secret'));
    expect(Buffer.from(a.slice(3), 'base64').toString('latin1')).not.toContain('same-secret');
  });

  it('detects a flipped byte anywhere', () => {
    const sealed = box.seal({ token: 'xyz' });
    const raw = Buffer.from(sealed.slice(3), 'base64');
    for (const i of [0, 12, 28, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[i] = bad[i]! ^ 1;
      expect(() => box.open('v1:' + bad.toString('base64'))).toThrow(expect.objectContaining({ code: 'HF_ERR_CONFIG' }));
    }
  });

  it('binds the value to its AAD', () => {
    const sealed = box.seal({ password: 'p' }, 'connection:crm');
    expect(box.open(sealed, 'connection:crm')).toEqual({ password: 'p' });
    expect(() => box.open(sealed, 'connection:other')).toThrow(/cannot decrypt/);
    expect(() => box.open(sealed)).toThrow(/cannot decrypt/);
  });

  it('refuses a different key, garbage and truncated values', () => {
    const sealed = box.seal('x');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/cannot decrypt/);
    expect(() => box.open('not sealed')).toThrow(/cannot decrypt/);
    expect(() => box.open('v1:AAAA')).toThrow(/cannot decrypt/);
  });

  it('refuses a key of the wrong size and a non-JSON value', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(expect.objectContaining({ code: 'HF_ERR_CONFIG' }));
    expect(() => box.seal(undefined)).toThrow(expect.objectContaining({ code: 'HF_ERR_VALIDATION' }));
  });
});

describe('loadSecretKey', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-key-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses a valid HOOKFLOW_SECRET_KEY and writes no file', () => {
    const key = randomBytes(32);
    expect(loadSecretKey({ envValue: key.toString('base64'), dataDir: dir }).equals(key)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'secret.key'))).toBe(false);
  });

  it.each(['', 'short', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), '!'.repeat(44)])(
    'rejects the env key %j', (envValue) => {
      expect(() => loadSecretKey({ envValue, dataDir: dir }))
        .toThrow(expect.objectContaining({ code: 'HF_ERR_CONFIG', message: expect.stringContaining('HOOKFLOW_SECRET_KEY') }));
    });

  it('creates <dataDir>/secret.key with mode 0600 and reuses it', () => {
    const dataDir = path.join(dir, 'nested', 'data');
    const first = loadSecretKey({ dataDir });
    const file = path.join(dataDir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first).toHaveLength(32);
    expect(loadSecretKey({ dataDir }).equals(first)).toBe(true);
    expect(fs.readdirSync(dataDir)).toEqual(['secret.key']);
  });

  it('adopts the key of a process that won the race to create the file', () => {
    const theirs = randomBytes(32);
    const realLink = fs.linkSync;
    const spy = vi.spyOn(fs, 'linkSync').mockImplementation((from, to) => {
      fs.writeFileSync(to, theirs.toString('base64'), { mode: 0o600 });
      realLink(from, to);
    });
    try {
      expect(loadSecretKey({ dataDir: dir }).equals(theirs)).toBe(true);
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(dir)).toEqual(['secret.key']);
  });

  it('refuses a corrupt key file rather than replacing it', () => {
    fs.writeFileSync(path.join(dir, 'secret.key'), 'garbage');
    expect(() => loadSecretKey({ dataDir: dir })).toThrow(expect.objectContaining({ code: 'HF_ERR_CONFIG' }));
    expect(fs.readFileSync(path.join(dir, 'secret.key'), 'utf8')).toBe('garbage');
  });
});
