/**
 * @module config
 * Settings from the environment (and an optional JSON file named by HOOKFLOW_CONFIG), validated
 * once at start-up: a wrong setting stops the process with its name, not a failure later.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HookflowError } from '../errors.js';

export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  pgSchema?: string;
  adminToken?: string;
  secretKey?: string;
  publicUrl: string;
  tls?: { cert: string; key: string };
  smtpUrl?: string;
  /** Outbound webhooks: attempt timeout, requests in flight per endpoint, auto-disable rule, notice sender. */
  webhookTimeoutMs: number;
  webhookConcurrency: number;
  webhookDisableFailures: number;
  webhookDisableHours: number;
  mailFrom: string;
  bodyLimit: number;
  /** Deepest nesting of objects/arrays (or form bracket keys) an inbound body may have. */
  bodyMaxDepth: number;
  /** Slow senders: all headers within `headersTimeoutMs`, the whole request within `requestTimeoutMs`. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Job page: a value larger than this is replaced by a marker and served as its own download. */
  jobValueLimit: number;
  stepOutputLimit: number;
  workerConcurrency: number;
  leaseMs: number;
  /** PostgreSQL: statement, connect and TCP keepalive timeouts; /healthz's own deadline. */
  pgTimeouts: { statementMs: number; connectMs: number; keepAliveMs: number };
  healthTimeoutMs: number;
  /** A job whose step was running when its process died this many times fails instead of running again. */
  jobMaxCrashes: number;
  /** How deep recipe.call may nest (a callable calling a callable ...). */
  callMaxDepth: number;
  /** Expression threads: how many, heap of each (MB), longest string (characters) and array (items) an expression builds. */
  expressions: { threads?: number; memoryMb: number; maxString: number; maxArray: number };
  pollMs: number;
  jobTimeoutSeconds: number;
  retentionDays: number;
  /** Inbound de-duplication keys (4me jti / X-4me-Delivery) outlive jobs: kept this long. */
  dedupRetentionDays: number;
  /** Newest rows kept per 4me connection in its delivery log (older ones also go with retentionDays). */
  fourmeLogRows: number;
  shutdownGraceMs: number;
  trustProxy: boolean;
  logLevel: string;
  /** Operations API: who acts for an application without an impersonated user; where `file://` parameters may come from, and how big. */
  ops: { defaultUser?: string; fileFolders: string[]; maxFileSize: number };
}

type Env = Record<string, string | undefined>;

/** The highest HOOKFLOW_CALL_MAX_DEPTH may go. */
export const MAX_CALL_DEPTH_LIMIT = 64;

function int(env: Env, name: string, dflt: number, min = 0): number {
  const v = env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new HookflowError('HF_ERR_CONFIG', { name, reason: `must be an integer ≥ ${min}, got ${v}` });
  return n;
}

/** A PEM given inline or as a file path. */
function pem(env: Env, name: string): string | undefined {
  const v = env[name];
  if (!v) return undefined;
  if (v.includes('-----BEGIN')) return v;
  try {
    return fs.readFileSync(v, 'utf8');
  } catch (e) {
    throw new HookflowError('HF_ERR_CONFIG', { name, reason: `cannot read ${v}: ${(e as Error).message}` });
  }
}

export function loadSettings(envIn: Env = process.env): Settings {
  let env: Env = envIn;
  if (envIn.HOOKFLOW_CONFIG) {
    const file = JSON.parse(fs.readFileSync(envIn.HOOKFLOW_CONFIG, 'utf8')) as Record<string, unknown>;
    env = { ...Object.fromEntries(Object.entries(file).map(([k, v]) => [k, String(v)])), ...envIn };
  }
  const port = int(env, 'HOOKFLOW_PORT', 8080);
  if (port > 65535) throw new HookflowError('HF_ERR_CONFIG', { name: 'HOOKFLOW_PORT', reason: 'must be ≤ 65535' });
  const cert = pem(env, 'HOOKFLOW_TLS_CERT');
  const key = pem(env, 'HOOKFLOW_TLS_KEY');
  if (!!cert !== !!key) throw new HookflowError('HF_ERR_CONFIG', { name: 'HOOKFLOW_TLS_CERT', reason: 'HOOKFLOW_TLS_CERT and HOOKFLOW_TLS_KEY go together' });
  const databaseUrl = env.HOOKFLOW_DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new HookflowError('HF_ERR_CONFIG', { name: 'HOOKFLOW_DATABASE_URL', reason: 'must be a postgres:// URL' });
  const smtpUrl = env.HOOKFLOW_SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new HookflowError('HF_ERR_CONFIG', { name: 'HOOKFLOW_SMTP_URL', reason: 'must be smtp:// or smtps://' });
  const publicUrl = (env.HOOKFLOW_PUBLIC_URL || `${cert ? 'https' : 'http'}://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new HookflowError('HF_ERR_CONFIG', { name: 'HOOKFLOW_PUBLIC_URL', reason: `${publicUrl} is not a URL` });
  }
  const headersTimeoutMs = int(env, 'HOOKFLOW_HEADERS_TIMEOUT_MS', 10_000, 100);
  const requestTimeoutMs = int(env, 'HOOKFLOW_REQUEST_TIMEOUT_MS', 30_000, 100);
  // Node refuses a header timeout longer than the whole-request one.
  if (headersTimeoutMs > requestTimeoutMs) throw new HookflowError('HF_ERR_CONFIG', { name: 'HOOKFLOW_HEADERS_TIMEOUT_MS', reason: 'must not exceed HOOKFLOW_REQUEST_TIMEOUT_MS' });
  return {
    port,
    host: env.HOOKFLOW_HOST || '0.0.0.0',
    dataDir: path.resolve(env.HOOKFLOW_DATA_DIR || './data'),
    databaseUrl,
    pgSchema: env.HOOKFLOW_PG_SCHEMA || undefined,
    adminToken: env.HOOKFLOW_ADMIN_TOKEN || undefined,
    secretKey: env.HOOKFLOW_SECRET_KEY || undefined,
    publicUrl,
    tls: cert && key ? { cert, key } : undefined,
    smtpUrl,
    webhookTimeoutMs: int(env, 'HOOKFLOW_WEBHOOK_TIMEOUT_MS', 10_000, 100),
    webhookConcurrency: int(env, 'HOOKFLOW_WEBHOOK_CONCURRENCY', 16, 1),
    webhookDisableFailures: int(env, 'HOOKFLOW_WEBHOOK_DISABLE_FAILURES', 20, 1),
    webhookDisableHours: int(env, 'HOOKFLOW_WEBHOOK_DISABLE_HOURS', 168, 0),
    mailFrom: env.HOOKFLOW_MAIL_FROM || `hookflow@${new URL(publicUrl).hostname}`,
    bodyLimit: int(env, 'HOOKFLOW_BODY_LIMIT', 10 * 1024 * 1024, 1024),
    bodyMaxDepth: int(env, 'HOOKFLOW_BODY_MAX_DEPTH', 128, 1),
    headersTimeoutMs,
    requestTimeoutMs,
    jobValueLimit: int(env, 'HOOKFLOW_JOB_VALUE_LIMIT', 16 * 1024, 256),
    stepOutputLimit: int(env, 'HOOKFLOW_STEP_OUTPUT_LIMIT', 5 * 1024 * 1024, 1024),
    workerConcurrency: int(env, 'HOOKFLOW_WORKER_CONCURRENCY', 64, 0),
    leaseMs: int(env, 'HOOKFLOW_LEASE_MS', 30_000, 100),
    pgTimeouts: {
      statementMs: int(env, 'HOOKFLOW_PG_STATEMENT_TIMEOUT_MS', 30_000, 100),
      connectMs: int(env, 'HOOKFLOW_PG_CONNECT_TIMEOUT_MS', 10_000, 100),
      keepAliveMs: int(env, 'HOOKFLOW_PG_KEEPALIVE_MS', 10_000, 1000),
    },
    healthTimeoutMs: int(env, 'HOOKFLOW_HEALTH_TIMEOUT_MS', 2_000, 100),
    jobMaxCrashes: int(env, 'HOOKFLOW_JOB_MAX_CRASHES', 3, 1),
    callMaxDepth: Math.min(int(env, 'HOOKFLOW_CALL_MAX_DEPTH', 8, 1), MAX_CALL_DEPTH_LIMIT),
    expressions: {
      threads: env.HOOKFLOW_EXPRESSION_THREADS ? int(env, 'HOOKFLOW_EXPRESSION_THREADS', 2, 1) : undefined,
      memoryMb: int(env, 'HOOKFLOW_EXPRESSION_MEMORY_MB', 128, 16),
      maxString: int(env, 'HOOKFLOW_EXPRESSION_MAX_STRING', 10 * 1024 * 1024, 1024),
      maxArray: int(env, 'HOOKFLOW_EXPRESSION_MAX_ARRAY', 1_000_000, 1000),
    },
    pollMs: int(env, 'HOOKFLOW_POLL_MS', 250, 10),
    jobTimeoutSeconds: int(env, 'HOOKFLOW_JOB_TIMEOUT_SECONDS', 3600, 1),
    retentionDays: int(env, 'HOOKFLOW_RETENTION_DAYS', 30, 0),
    dedupRetentionDays: int(env, 'HOOKFLOW_DEDUP_RETENTION_DAYS', 90, 1),
    fourmeLogRows: int(env, 'HOOKFLOW_4ME_LOG_ROWS', 1000, 10),
    shutdownGraceMs: int(env, 'HOOKFLOW_SHUTDOWN_GRACE_MS', 10_000, 0),
    trustProxy: env.HOOKFLOW_TRUST_PROXY === 'true',
    logLevel: env.HOOKFLOW_LOG_LEVEL || 'info',
    ops: {
      defaultUser: env.HOOKFLOW_OPS_DEFAULT_USER || undefined,
      fileFolders: (env.HOOKFLOW_OPS_FILE_FOLDERS ?? '').split(path.delimiter).filter(Boolean).map((p) => path.resolve(p)),
      maxFileSize: int(env, 'HOOKFLOW_OPS_MAX_FILE_SIZE', 10 * 1024 * 1024, 1),
    },
  };
}
