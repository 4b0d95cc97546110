/**
 * @module store/sqlite/prepared
 * Hot paths on better-sqlite3 prepared statements (outbound claim, dispatch, record): the
 * statements are built once per database, and each use runs inside the store's lock, where
 * synchronous transactions must run (see Store.sqlite).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../types.js';

export type SqliteHandle = NonNullable<Store['sqlite']>;

/** `build` prepares a set of statements; the returned function runs `fn` on them, locked. */
export function preparedStatements<S>(build: (db: BetterSqlite3.Database) => S): <R>(h: SqliteHandle, fn: (s: S) => R) => Promise<R> {
  const cache = new WeakMap<BetterSqlite3.Database, S>();
  return (h, fn) => {
    let s = cache.get(h.db);
    if (s === undefined) cache.set(h.db, (s = build(h.db)));
    const statements = s;
    return h.lock.run(() => fn(statements));
  };
}
