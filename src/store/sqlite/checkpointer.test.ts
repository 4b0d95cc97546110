import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Mutex } from '../mutex.js';
import { openSqlite } from './open.js';
import { FALLBACK_PAGES, startCheckpointer } from './checkpointer.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-ckpt-'));
  dirs.push(dir);
  return path.join(dir, 'hookflow.db');
}
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const autocheckpoint = (db: Database.Database): number => db.pragma('wal_autocheckpoint', { simple: true }) as number;

describe('SQLite checkpoints in a thread of their own', () => {
  it('keeps the log short under steady writes: the thread copies pages and starts the log over, the writer never checkpoints itself', async () => {
    const file = tempFile();
    const store = await openSqlite({ file });
    try {
      const { db, lock } = store.sqlite!;
      expect(autocheckpoint(db)).toBe(FALLBACK_PAGES);
      db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
      const ins = db.prepare('INSERT INTO filler (v) VALUES (?)');
      const row = 'x'.repeat(8_000);
      let maxWal = 0;
      // 48 MB through the log in batches, yielding between them as the server's group commits do.
      // Without the thread the writer would let the log reach FALLBACK_PAGES (64 MB) first.
      for (let b = 0; b < 600; b++) {
        await lock.run(() => db.transaction(() => { for (let i = 0; i < 10; i++) ins.run(row); })());
        maxWal = Math.max(maxWal, fs.statSync(`${file}-wal`).size);
        if (b % 20 === 0) await new Promise((r) => setTimeout(r, 25));
        else await tick();
      }
      expect((db.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n).toBe(6000);
      expect(maxWal).toBeLessThan(24 * 1024 * 1024);
      // The pages reached the database file itself: a checkpoint ran while the writer kept writing.
      expect(fs.statSync(file).size).toBeGreaterThan(40 * 1024 * 1024);
    } finally {
      await store.close();
    }
    // Closed cleanly: the data is all there for the next open.
    const again = new Database(file, { readonly: true });
    expect((again.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n).toBe(6000);
    again.close();
  });

  it('a thread that fails gives the writer its own checkpoints back and says why', async () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const errors: Error[] = [];
    // The thread opens an existing file only: a missing one is a real failure of the thread.
    const c = startCheckpointer(db, `${file}.missing`, new Mutex(), { onError: (e) => errors.push(e) });
    expect(autocheckpoint(db)).toBe(FALLBACK_PAGES);
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(errors[0]?.message).toMatch(/directory does not exist|unable to open|SQLITE_CANTOPEN/i);
    expect(autocheckpoint(db)).toBe(1000);
    await c.stop();
    db.close();
  });

  it('stop ends the thread and restores SQLite\'s default on the writer', async () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const c = startCheckpointer(db, file, new Mutex());
    expect(autocheckpoint(db)).toBe(FALLBACK_PAGES);
    await c.stop();
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
  });
});
