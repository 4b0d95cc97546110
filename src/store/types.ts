/**
 * @module store/types
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { QueueSql } from '../queue/types.js';
import type { Mutex } from './mutex.js';
import type { GuardedPool } from './postgres/pool.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  readonly dialect: Dialect;
  readonly db: Kysely<DB>;
  /** The hot SQL (enqueue, claim, complete, reap), per dialect. */
  readonly queue: QueueSql;
  /**
   * Runs `fn` in a transaction. Use this, never `db.transaction()`: on SQLite it also excludes
   * the queue's own synchronous transactions, which would otherwise nest inside an open one.
   */
  tx<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /**
   * SQLite only: the driver under Kysely, for hot paths on prepared statements (see queue/sqlite).
   * Synchronous transactions on it must run inside `lock.run`, as `tx` and the queue do.
   */
  readonly sqlite?: { readonly db: BetterSqlite3.Database; readonly lock: Mutex };
  /** PostgreSQL only: the pool, for hot single statements outside Kysely (named, so prepared per connection). */
  readonly pg?: { readonly pool: GuardedPool };
  /** Resolves when the store answers a trivial query within `timeoutMs`; what /healthz asks. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}
