/**
 * @module runtime
 * Wires the parts of one Hookflow process: store, queue, services, workers, scheduler.
 * `hookflow start` builds it with the server; `hookflow worker` without.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Settings } from './config/index.js';
import { configurePool } from './expressions/index.js';
import { openStore, type Store } from './store/index.js';
import { isStoreUnavailable } from './store/unavailable.js';
import { Backoff } from './store/backoff.js';
import { JobQueue } from './queue/index.js';
import { RecipeService } from './services/recipes.js';
import { JobService } from './services/jobs.js';
import { prune } from './services/retention.js';
import { pruneInbound } from './triggers/fourme-prune.js';
import { resumeHandshakes } from './triggers/fourme-handshake.js';
import { fourmeEndpoints } from './connectors/fourme/config.js';
import { UserService } from './services/users.js';
import { ConnectionService } from './services/connections.js';
import { loadSecretKey, SecretBox, REDACT_OPTIONS, scrubText } from './security/index.js';
import { Worker } from './engine/worker.js';
import { Scheduler } from './triggers/schedule.js';
import { Poller } from './triggers/poll.js';
import { Metrics } from './server/metrics.js';
import { DEFAULT_RETRY, OutboundWorker, WebhookService, smtpMailer } from './outbound/index.js';
import { buildCatalog, type Catalog } from './catalog/index.js';
import { onSchemaWarning } from './connectors/fourme/index.js';
import { AlertService } from './alerts/index.js';
import { TableService } from './tables/index.js';
import { OpsAppService, OpsFiles, OpsProcesses, OpsService } from './ops/index.js';

export interface Runtime {
  settings: Settings;
  log: Logger;
  store: Store;
  /** Every action, trigger type and connection type, with schemas: built here, handed to what needs it. */
  catalog: Catalog;
  queue: JobQueue;
  recipes: RecipeService;
  jobs: JobService;
  users: UserService;
  connections: ConnectionService;
  events: EventEmitter;
  metrics: Metrics;
  worker: Worker | null;
  scheduler: Scheduler | null;
  webhooks: WebhookService;
  outbound: OutboundWorker | null;
  poller: Poller | null;
  /** The operations API (WorkflowGen contract) and its applications. */
  ops: OpsService;
  opsApps: OpsAppService;
  /** Alert sources, alerts, escalation policies and teams. */
  alerts: AlertService;
  /** Lookup tables and their rows. */
  tables: TableService;
  workerId: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  workers: boolean;
  log?: Logger;
}

export async function createRuntime(settings: Settings, opts: RuntimeOptions): Promise<Runtime> {
  const log = opts.log ?? pino({ level: settings.logLevel, redact: REDACT_OPTIONS, hooks: { streamWrite: scrubText } });
  configurePool(settings.expressions);
  // A 4me call that could not be checked against the schema still goes out; the log says so.
  onSchemaWarning((msg, detail) => log.warn(detail, msg));
  const store = await openStoreRetrying(settings, log);
  const box = new SecretBox(loadSecretKey({ envValue: settings.secretKey, dataDir: settings.dataDir }));
  const queue = new JobQueue(store);
  const catalog = buildCatalog();
  const recipes = new RecipeService(store, settings.publicUrl, box, catalog);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const metrics = new Metrics();
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const connections = new ConnectionService(store, box);
  events.on('settled', (e: { recipe: string; status: string; durationMs: number }) => {
    metrics.inc('hookflow_jobs_finished_total', { recipe: e.recipe, status: e.status });
    metrics.observe('hookflow_job_duration_seconds', { recipe: e.recipe }, e.durationMs / 1000);
  });
  let worker: Worker | null = null;
  let scheduler: Scheduler | null = null;
  let poller: Poller | null = null;
  const users = new UserService(store);
  const services = { connections, users, publicUrl: settings.publicUrl, responseLimit: settings.stepOutputLimit, callMaxDepth: settings.callMaxDepth };
  if (opts.workers && settings.workerConcurrency > 0) {
    worker = new Worker(
      { store, catalog, services, log, queue, recipes, connections, workerId, events, now: Date.now, limits: { stepOutputBytes: settings.stepOutputLimit, jobTimeoutSeconds: settings.jobTimeoutSeconds, maxCrashes: settings.jobMaxCrashes, leaseMs: settings.leaseMs } },
      { concurrency: settings.workerConcurrency, leaseMs: settings.leaseMs, pollMs: settings.pollMs, reapEveryMs: Math.max(200, settings.leaseMs / 2), log },
    );
    worker.start();
    queue.local = worker;
    scheduler = new Scheduler(store, queue, recipes, { log, onEnqueue: () => worker?.notify() });
    scheduler.start();
    poller = new Poller(store, recipes, connections, { workerId, log, onEnqueue: () => worker?.notify() });
    poller.start();
  }
  const jobs = new JobService(store, queue, { bytes: settings.jobValueLimit, depth: settings.bodyMaxDepth });
  // One SMTP transport (HOOKFLOW_SMTP_URL) for every mail: operations, alerts, delivery failure notices.
  const mailer = settings.smtpUrl ? smtpMailer(settings.smtpUrl, settings.mailFrom) : null;
  const ops = new OpsService({
    store, users, recipes, processes: new OpsProcesses(store, recipes), defaultUser: settings.ops.defaultUser, notify: () => worker?.notify(),
    mailer, log: log.child({ component: 'ops' }),
    files: new OpsFiles({ dataDir: settings.dataDir, folders: settings.ops.fileFolders, maxSize: settings.ops.maxFileSize }),
  });
  const webhooks = new WebhookService(store, box, { publicUrl: settings.publicUrl, now: Date.now });
  // Data saved by an older Hookflow may hold recipe and URI secrets in clear.
  await Promise.all([recipes.sealStoredSecrets(), webhooks.sealStoredUris()]).catch((e) => log.error({ err: e }, 'sealing stored secrets failed'));
  const alerts = new AlertService({
    store, box, connections, publicUrl: settings.publicUrl, now: Date.now, log: log.child({ component: 'alerts' }),
    mailer,
  });
  if (opts.workers) alerts.start();
  let outbound: OutboundWorker | null = null;
  if (opts.workers) {
    outbound = new OutboundWorker(
      { store, box, log: log.child({ component: 'outbound' }), now: Date.now, workerId, mailer },
      { timeoutMs: settings.webhookTimeoutMs, retry: DEFAULT_RETRY, concurrency: settings.webhookConcurrency, pollMs: settings.pollMs, issuer: settings.publicUrl,
        disable: { failures: settings.webhookDisableFailures, spanMs: settings.webhookDisableHours * 3_600_000 }, failingAfter: 5 },
    );
    outbound.start();
    webhooks.notify = () => outbound?.notify(true);
    events.on('settled', () => outbound?.notifySoon());
  }
  if (opts.workers) {
    // webhook.verify callbacks whose attempts were cut short by a restart.
    void resumeHandshakes(store, async (c) => { const conn = await connections.resolve(c); return conn.type === '4me' ? fourmeEndpoints(conn.name, conn.config) : null; })
      .catch((e) => log.error({ err: e }, 'resuming webhook.verify callbacks failed'));
  }
  const tables = new TableService(store);
  const pruneTimer = setInterval(() => {
    void pruneInbound(store, settings).catch((e) => log.error({ err: e }, 'inbound prune failed'));
    // A step retried a week after its table write is not a retry of that write.
    void tables.pruneWrites(Date.now() - 7 * 86_400_000).catch((e) => log.error({ err: e }, 'table write prune failed'));
    if (settings.retentionDays <= 0) return;
    void prune(store, settings.retentionDays * 86_400_000).catch((e) => log.error({ err: e }, 'prune failed'));
  }, 3_600_000);
  pruneTimer.unref();
  return {
    settings, log, store, catalog, queue, recipes, jobs, users, connections, ops, opsApps: new OpsAppService(store, box, settings.publicUrl), events, metrics, worker, scheduler, poller, workerId,
    webhooks, outbound, alerts, tables,
    async close() {
      clearInterval(pruneTimer);
      await alerts.stop();
      await outbound?.stop(settings.shutdownGraceMs);
      scheduler?.stop();
      poller?.stop();
      await worker?.drain(settings.shutdownGraceMs);
      await store.close();
    },
  };
}

/**
 * Opens the store, waiting for it while it is unreachable (PostgreSQL restarting when the
 * process starts): a process that gave up here would stay down until someone restarted it.
 */
async function openStoreRetrying(settings: Settings, log: Logger): Promise<Store> {
  let lastLog = 0;
  const onError = (e: Error) => {
    // Once a second at most: a restart ends every pooled session at once.
    if (Date.now() - lastLog < 1000) return;
    lastLog = Date.now();
    log.warn({ err: e }, 'database connection lost; the pool reconnects');
  };
  const backoff = new Backoff();
  for (;;) {
    try {
      return await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, pgSchema: settings.pgSchema, pgTimeouts: settings.pgTimeouts, healthTimeoutMs: settings.healthTimeoutMs, onError });
    } catch (e) {
      if (!settings.databaseUrl || !isStoreUnavailable(e)) throw e;
      const ms = backoff.next();
      log.warn({ err: e, retry_in_ms: ms }, 'store unreachable at start; retrying');
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}
