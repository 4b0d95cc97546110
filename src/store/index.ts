/**
 * @module store
 * Opens the store the settings name: SQLite in the data dir by default, PostgreSQL when a URL is set.
 */
import path from 'node:path';
import fs from 'node:fs';
import type { Store } from './types.js';
import { openSqlite } from './sqlite/open.js';
import { openPostgres } from './postgres/open.js';

export type { Store, Dialect } from './types.js';
export type { DB } from './schema.js';

export interface StoreSettings {
  databaseUrl?: string;
  dataDir: string;
  pgSchema?: string;
  pgTimeouts?: { statementMs: number; connectMs: number; keepAliveMs: number };
  healthTimeoutMs?: number;
  /** PostgreSQL connection errors, and why SQLite's checkpoint thread stopped: logged, never fatal. */
  onError?: (e: Error) => void;
}

export function openStore(s: StoreSettings): Promise<Store> {
  if (s.databaseUrl && /^postgres(ql)?:\/\//.test(s.databaseUrl)) {
    return openPostgres({ url: s.databaseUrl, schema: s.pgSchema, timeouts: s.pgTimeouts, healthTimeoutMs: s.healthTimeoutMs, onError: s.onError });
  }
  fs.mkdirSync(s.dataDir, { recursive: true });
  return openSqlite({ file: path.join(s.dataDir, 'hookflow.db'), onError: s.onError });
}
