/**
 * A private PostgreSQL cluster for tests that restart, stop or terminate the database: the shared
 * cluster other tests use is never touched. `initdb` in a temp dir owned by the `postgres` OS user
 * (tests run as root, and PostgreSQL refuses to run as root), trust auth on a free loopback port.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './proc.js';

const BIN = process.env.HOOKFLOW_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const RUNUSER = '/usr/sbin/runuser';

/** Why a private cluster cannot be made here, or null when it can. */
export function clusterUnavailable(): string | null {
  if (!fs.existsSync(path.join(BIN, 'initdb')) || !fs.existsSync(path.join(BIN, 'pg_ctl'))) return `initdb/pg_ctl not found in ${BIN}`;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && !fs.existsSync(RUNUSER)) return `${RUNUSER} not found (needed to run PostgreSQL as the postgres user)`;
  if (isRoot && spawnSync('id', ['postgres']).status !== 0) return 'no postgres OS user to run PostgreSQL as';
  return null;
}

export interface PgCluster {
  port: number;
  /** A URL to the `postgres` database. */
  url: string;
  logFile: string;
  /** `pg_ctl restart -m fast|immediate`: every session ends, the cluster is back when it resolves. */
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** An admin client on its own connection (the caller ends it). */
  client(): Promise<pg.Client>;
  /** Stops the cluster and removes its directory; safe to call twice and after a failure. */
  destroy(): void;
}

function command(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? [RUNUSER, ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

function asPostgres(cmd: string, args: string[]): string {
  const [file, argv] = command(cmd, args);
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

/** Asynchronous, so the test's own senders keep sending while PostgreSQL is down. */
async function asPostgresAsync(cmd: string, args: string[]): Promise<void> {
  const [file, argv] = command(cmd, args);
  await promisify(execFile)(file, argv, { encoding: 'utf8', timeout: 60_000 });
}

export async function createCluster(prefix = 'hf-pgc-'): Promise<PgCluster> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dataDir = path.join(root, 'data');
  const sockDir = path.join(root, 'sock');
  const logFile = path.join(root, 'postgres.log');
  fs.mkdirSync(sockDir);
  fs.writeFileSync(logFile, '');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    for (const p of [root, sockDir, logFile]) fs.chownSync(p, uid, gid);
  }
  const port = await freePort();
  const ctl = (args: string[]) => asPostgres(path.join(BIN, 'pg_ctl'), ['-D', dataDir, ...args]);
  const ctlAsync = (args: string[]) => asPostgresAsync(path.join(BIN, 'pg_ctl'), ['-D', dataDir, ...args]);
  const opts = `-p ${port} -k ${sockDir} -c listen_addresses=127.0.0.1 -c fsync=off -c log_min_messages=warning`;
  let running = false;
  let removed = false;
  const cluster: PgCluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    logFile,
    async start() {
      running = true;
      await ctlAsync(['-o', opts, '-l', logFile, '-w', '-t', '30', 'start']);
    },
    async stop(mode = 'fast') {
      await ctlAsync(['-m', mode, '-w', '-t', '30', 'stop']);
      running = false;
    },
    async restart(mode = 'fast') {
      await ctlAsync(['-o', opts, '-l', logFile, '-m', mode, '-w', '-t', '30', 'restart']);
      running = true;
    },
    async client() {
      const c = new pg.Client({ connectionString: cluster.url, application_name: 'hookflow-test' });
      c.on('error', () => undefined);
      await c.connect();
      return c;
    },
    destroy() {
      if (removed) return;
      removed = true;
      if (running) {
        try { ctl(['-m', 'immediate', '-w', '-t', '30', 'stop']); } catch { /* already down */ }
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  // A test run that is killed still leaves no postmaster behind (exit handlers run synchronously).
  process.once('exit', () => cluster.destroy());
  try {
    asPostgres(path.join(BIN, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await cluster.start();
  } catch (e) {
    cluster.destroy();
    throw e;
  }
  return cluster;
}
