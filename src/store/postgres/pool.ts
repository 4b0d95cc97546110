/**
 * @module store/postgres/pool
 * The pg pool every Hookflow session comes from, built to survive the database going away.
 *
 * - An idle client whose server ended (restart, `pg_terminate_backend`, a dropped socket) makes
 *   pg-pool emit `error`; unhandled, that ended the process. It is logged, and the pool replaces it.
 * - Every statement has a deadline on the server (`statement_timeout`) and one in the client
 *   (`query_timeout`, a little later), because a connection that silently stops answering never
 *   reaches the server's timer. A client that timed out or lost its socket is destroyed on release
 *   rather than handed out again: pg leaves the unanswered query on it and every later query
 *   would queue behind it.
 * - Sessions carry `application_name` so an operator can tell (and terminate) Hookflow's own.
 */
import pg from 'pg';
import { isStoreUnavailable } from '../unavailable.js';

export interface PoolTimeouts {
  /** Server-side limit on one statement, ms. */
  statementMs: number;
  /** Limit on opening a connection, ms. */
  connectMs: number;
  /** TCP keepalive probes start after this idle time, ms. */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: PoolTimeouts = { statementMs: 30_000, connectMs: 10_000, keepAliveMs: 10_000 };

export interface PoolOptions {
  url: string;
  max: number;
  timeouts: PoolTimeouts;
  /** `-c search_path=…` and the like. */
  options?: string;
  applicationName?: string;
  onError?: (e: Error) => void;
}

const BROKEN = Symbol('hookflow.broken');
type Tracked = pg.PoolClient & { [BROKEN]?: boolean; __hfWrapped?: boolean };

/** Client-side deadline: the server's own statement timeout answers first when it can. */
export function queryTimeoutMs(t: PoolTimeouts): number {
  return t.statementMs + Math.min(5_000, Math.max(500, t.statementMs / 10));
}

export function clientConfig(o: Omit<PoolOptions, 'max' | 'onError'>): pg.ClientConfig {
  return {
    connectionString: o.url,
    options: o.options,
    application_name: o.applicationName ?? 'hookflow',
    statement_timeout: o.timeouts.statementMs,
    query_timeout: queryTimeoutMs(o.timeouts),
    connectionTimeoutMillis: o.timeouts.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: o.timeouts.keepAliveMs,
  };
}

/**
 * A pool whose `connect()` hands out clients that destroy themselves on release after a
 * connection-class failure. Kysely and the queue SQL both take it.
 */
export class GuardedPool {
  readonly pool: pg.Pool;

  constructor(o: PoolOptions) {
    this.pool = new pg.Pool({ ...clientConfig(o), max: o.max });
    const onError = o.onError ?? (() => undefined);
    this.pool.on('error', (e) => onError(e));
    // A client in use gets its own listener too: pg emits `error` on it when the socket dies mid-query.
    this.pool.on('connect', (c) => { c.on('error', (e) => onError(e)); });
  }

  async connect(): Promise<pg.PoolClient> {
    const c = (await this.pool.connect()) as Tracked;
    if (!c.__hfWrapped) {
      c.__hfWrapped = true;
      const query = c.query.bind(c) as (...a: unknown[]) => unknown;
      (c as { query: unknown }).query = (...args: unknown[]) => {
        const r = query(...args);
        if (r && typeof (r as Promise<unknown>).catch === 'function') {
          (r as Promise<unknown>).catch((e: unknown) => { if (isStoreUnavailable(e)) c[BROKEN] = true; });
        }
        return r;
      };
    }
    // pg-pool sets a fresh `release` on every checkout.
    const release = c.release.bind(c);
    c.release = (err?: Error | boolean) => {
      if (c[BROKEN] && !err) {
        release(new Error('connection broken'));
        // end() waits for the server's goodbye, which a silent connection never sends.
        (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        return;
      }
      release(err);
    };
    return c;
  }

  /** One statement on a pooled client (the queue's single-statement paths). */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(q: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>> {
    const c = await this.connect();
    try {
      return await (c.query as (q: string | pg.QueryConfig, v?: unknown[]) => Promise<pg.QueryResult<R>>)(q, values);
    } finally {
      c.release();
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
