/**
 * @module store/sqlite/open
 * The embedded store: one SQLite file in WAL mode.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from '../schema.js';
import type { Store } from '../types.js';
import { migrate } from '../migrations/index.js';
import { Mutex } from '../mutex.js';
import { SqliteQueueSql } from '../../queue/sqlite.js';
import { startCheckpointer } from './checkpointer.js';

export interface SqliteOptions {
  file: string;
  /**
   * NORMAL (default) commits to the WAL without fsync: a killed process loses nothing (the OS
   * holds the pages), only a power cut can drop the last commits. FULL fsyncs every commit,
   * measured about 8x slower for single-row enqueues here.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** Why the checkpoint thread stopped (the writer then checkpoints by itself again). */
  onError?: (e: Error) => void;
}

export async function openSqlite(opts: SqliteOptions): Promise<Store> {
  const database = new Database(opts.file);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // better-sqlite3 builds SQLite with a 16 MB page cache, which fills as the file grows: measured
  // +18 MB RSS from 10k to 100k queued jobs, none of it JS heap. The queue's hot pages (the
  // runnable index, the newest jobs) fit in 4 MB; older pages come from the OS page cache.
  database.pragma('cache_size = -4096');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
  await migrate(db, 'sqlite');
  const lock = new Mutex();
  const checkpoints = startCheckpointer(database, opts.file, lock, { onError: opts.onError });
  return {
    dialect: 'sqlite',
    db,
    queue: new SqliteQueueSql(database, lock),
    sqlite: { db: database, lock },
    tx: (fn) => lock.run(() => db.transaction().execute(fn)),
    ping: async () => {
      database.prepare('SELECT 1').get();
    },
    close: async () => {
      await checkpoints.stop();
      await db.destroy();
    },
  };
}
