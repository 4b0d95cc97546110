/**
 * @module store/sqlite/checkpointer
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * crosses 1,000 WAL pages: that commit copies the pages into the database file and fsyncs it, on
 * the one thread that also answers webhooks (4-5 µs of a job's ~25 µs write path in a micro-bench,
 * and a blocked event loop during the fsync). Here a worker thread with its own connection runs
 * PASSIVE checkpoints, which never block the writer; when one copies the whole log between two
 * batches, the writer starts the log over by itself.
 *
 * A PASSIVE checkpoint cannot start the log over while the writer keeps appending, so once the
 * log passes `RESTART_PAGES` the thread asks for a window: the store's write lock is held (the
 * event loop runs on; writes wait in their batches) while the thread copies the last frames and
 * resets the log (RESTART). The writer's own automatic checkpoint is raised, not switched off: if
 * this thread falls behind or dies, the commit that crosses `FALLBACK_PAGES` checkpoints as before.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { Mutex } from '../mutex.js';

/** The log length (4 KiB pages) at which the thread asks for a window to start it over. */
export const RESTART_PAGES = 1_000;
/** The writer's own checkpoint threshold while the thread runs. */
export const FALLBACK_PAGES = 16_000;
/** SQLite's default, restored when the thread stops. */
const DEFAULT_PAGES = 1_000;
/** A window the thread does not close in time is closed for it. */
const WINDOW_MS = 2_000;

// The thread's code: small and self-contained, so it runs from source, tests and the bundle alike.
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// better-sqlite3's own error class does not survive the trip to the main thread: send a plain Error.
const fail = (e) => { throw new Error('SQLite checkpoint thread: ' + ((e && e.code) ? e.code + ': ' : '') + String(e && e.message || e)); };
let db;
try { db = new Database(workerData.file, { fileMustExist: true }); db.pragma('busy_timeout = 0'); } catch (e) { fail(e); }
let timer = null;
function checkpoint(mode) {
  try {
    return db.pragma('wal_checkpoint(' + mode + ')')[0];
  } catch (e) {
    if (/SQLITE_BUSY|database is locked/.test(String(e && e.message))) return { busy: 1, log: -1, checkpointed: -1 };
    fail(e);
  }
}
function pass() {
  timer = null;
  const r = checkpoint('PASSIVE');
  if (r && r.log >= workerData.restartPages) { parentPort.postMessage('window'); return; }
  timer = setTimeout(pass, workerData.intervalMs);
}
parentPort.on('message', (m) => {
  if (m === 'window') {
    // Busy (a read of the main thread's still open) is fine: the next pass asks again.
    checkpoint('RESTART');
    parentPort.postMessage('done');
    timer = setTimeout(pass, workerData.intervalMs);
  } else if (m === 'stop') {
    if (timer) clearTimeout(timer);
    db.close();
    parentPort.close();
  }
});
pass();
`;

export interface Checkpointer {
  /** Stops the thread and gives the writer its own checkpoints back. */
  stop(): Promise<void>;
}

/**
 * Starts the checkpoint thread for `file`, whose writer is `db` and whose writes take `lock`. On
 * any failure of the thread the writer checkpoints by itself again (SQLite's default), and
 * `onError` hears why.
 */
export function startCheckpointer(db: BetterSqlite3.Database, file: string, lock: Mutex, opts: { intervalMs?: number; restartPages?: number; onError?: (e: Error) => void } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CODE, {
    eval: true,
    workerData: { file, driver, intervalMs: opts.intervalMs ?? 100, restartPages: opts.restartPages ?? RESTART_PAGES },
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  worker.unref();
  let stopped = false;
  let closeWindow: (() => void) | null = null;
  const fallBack = (): void => {
    closeWindow?.();
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  };
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  worker.on('message', (m: unknown) => {
    if (m === 'window') {
      // Held until the thread says it is done: no write of this process runs meanwhile.
      void lock.run(() => new Promise<void>((resolve) => {
        const t = setTimeout(() => close(), WINDOW_MS);
        const close = (): void => { clearTimeout(t); closeWindow = null; resolve(); };
        closeWindow = close;
        if (stopped) close();
        else worker.postMessage('window');
      }));
    } else if (m === 'done') {
      closeWindow?.();
    }
  });
  worker.on('error', (e) => {
    fallBack();
    if (!stopped) opts.onError?.(e);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => { fallBack(); resolve(); }));
  return {
    async stop() {
      if (stopped) return exited;
      stopped = true;
      worker.postMessage('stop');
      const t = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(t);
    },
  };
}
