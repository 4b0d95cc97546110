/**
 * @module outbound/worker
 * The delivery worker of one process: dispatches the outbox, claims due deliveries per
 * subscription into per-endpoint lanes, sends them with `deliver`, and records outcomes in
 * batches. All times come from `now()`, so a test can move the clock through a week of retries.
 */
import { targetUri } from './target-uri.js';
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import type { SecretBox } from '../security/index.js';
import { deliver, type DeliveryTarget, type Signer } from './deliver.js';
import { dispatchBatch } from './dispatch.js';
import { claimDeliveries, type DeliveryRow } from './claim.js';
import { recordOutcomes, type Outcome, type StreakRules } from './record.js';
import { nextDelayMs, type RetryPolicy } from './retry.js';
import { noticeMail, type Mailer } from './mail.js';
import { buildSigner } from './signer.js';
import { Lanes } from './lanes.js';
import { Backoff } from '../store/backoff.js';
import type { WebhookRow } from './model.js';

export interface OutboundConfig extends StreakRules {
  timeoutMs: number;
  retry: RetryPolicy;
  /** Requests in flight per endpoint unless the subscription sets its own. */
  concurrency: number;
  pollMs: number;
  issuer: string;
}

export interface OutboundDeps {
  store: Store;
  box: SecretBox;
  log: Logger;
  now: () => number;
  workerId: string;
  mailer?: Mailer | null;
  random?: () => number;
}

interface Sub {
  row: WebhookRow;
  signer: Signer;
  target: DeliveryTarget;
}

const REFRESH_MS = 250;
// Outcomes wait up to FLUSH_MS to share one commit: each commit writes the touched pages to the WAL,
// and 2 ms windows made commits a large share of the store's time. Nothing waits on the record
// but the delivery log (the lane slot is free as soon as the answer is in), and a crash in the
// window only means the deliveries are sent again after their lease.
const FLUSH_AT = 1000;
const FLUSH_MS = 10;
const SOON_MS = 5;

export class OutboundWorker {
  readonly #subs = new Map<string, Sub>();
  readonly #inflight = new Set<string>();
  readonly #lanes: Lanes<DeliveryRow>;
  #outcomes: Outcome[] = [];
  #flushing: Promise<void> | null = null;
  #flushTimer: NodeJS.Timeout | null = null;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #woken = false;
  #refreshedAt = 0;
  #stale = true;
  #dispatchDue = true;
  #kickTimer: NodeJS.Timeout | null = null;
  #soonTimer: NodeJS.Timeout | null = null;
  /** Mails being sent; tests and shutdown may wait for them. */
  readonly mails = new Set<Promise<void>>();

  constructor(private readonly deps: OutboundDeps, private readonly cfg: OutboundConfig) {
    this.#lanes = new Lanes((key, row) => this.#send(key, row));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /**
   * A job settled, so its event is in the outbox. Every settled job says so; the events of a few
   * milliseconds share one dispatch transaction instead of one each.
   */
  notifySoon(): void {
    this.#soonTimer ??= setTimeout(() => {
      this.#soonTimer = null;
      this.notify();
    }, SOON_MS);
  }

  /** Something changed (new event, subscription edited): look again now. */
  notify(refresh = false): void {
    if (refresh) this.#stale = true;
    this.#dispatchDue = true;
    this.#woken = true;
    this.#wake?.();
  }

  get inFlight(): number {
    return this.#lanes.busy;
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.#running = false;
    if (this.#kickTimer) clearTimeout(this.#kickTimer);
    if (this.#soonTimer) clearTimeout(this.#soonTimer);
    this.#wake?.();
    await this.#loop;
    await Promise.race([this.#lanes.idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    await this.#flush();
  }

  async #run(): Promise<void> {
    const backoff = new Backoff();
    while (this.#running) {
      let progressed = false;
      let wait = this.cfg.pollMs;
      try {
        // Completions free lane room but add no events, so only a notify or the poll looks at the outbox.
        if (this.#dispatchDue) {
          this.#dispatchDue = false;
          if ((await dispatchBatch(this.deps.store, this.deps.now())) > 0) this.#dispatchDue = progressed = true;
        }
        progressed = (await this.#claim()) > 0 || progressed;
        backoff.reset();
      } catch (e) {
        // Most often the store is away: back off instead of retrying every poll.
        wait = backoff.next();
        progressed = false;
        this.#woken = false;
        this.deps.log.error({ err: e, retry_in_ms: wait }, 'outbound webhooks: dispatch or claim failed; backing off');
      }
      if (progressed && this.#running) continue;
      if (this.#woken) { this.#woken = false; continue; }
      await new Promise<void>((r) => {
        const t = setTimeout(() => { this.#dispatchDue = true; r(); }, wait);
        this.#wake = () => { clearTimeout(t); r(); };
      });
      this.#wake = null;
      this.#woken = false;
    }
  }

  /**
   * A finished request frees room in its lane. Claiming for every single one cost a claim
   * transaction per delivery (about 2,000/s measured); waiting a millisecond lets one claim
   * refill many slots.
   */
  #kick(): void {
    this.#kickTimer ??= setTimeout(() => {
      this.#kickTimer = null;
      this.#woken = true;
      this.#wake?.();
    }, 1);
  }

  async #refresh(): Promise<void> {
    const rows = await this.deps.store.db.selectFrom('webhooks').selectAll().where('disabled', '=', 0).execute();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      const cur = this.#subs.get(row.id);
      // The sealed keys change on rotation; other edits keep the signer.
      const signer = cur && cur.row.secrets === row.secrets && cur.row.policy === row.policy
        ? cur.signer : await buildSigner(row, this.deps.box, this.cfg.issuer);
      // The same target object while its URL stays: deliver keeps the checked URL and pool per target.
      const target = cur && cur.row.uri === row.uri && cur.row.uri_sealed === row.uri_sealed && cur.row.private_network === row.private_network
        ? cur.target : { url: targetUri(this.deps.box, row), allowPrivate: row.private_network === 1, timeoutMs: this.cfg.timeoutMs };
      this.#subs.set(row.id, { row, signer, target });
    }
    for (const id of this.#subs.keys()) if (!seen.has(id)) this.#subs.delete(id);
    this.#refreshedAt = Date.now();
  }

  #limits(row: WebhookRow) {
    return { concurrency: row.max_concurrency ?? this.cfg.concurrency, ratePerSec: row.rate_limit };
  }

  async #claim(): Promise<number> {
    if (this.#stale || Date.now() - this.#refreshedAt > REFRESH_MS) {
      // Cleared before reading: an edit committed during the read marks it stale again.
      this.#stale = false;
      await this.#refresh();
    }
    const reqs = [...this.#subs.values()].map((s) => ({
      webhookId: s.row.id, limit: this.#lanes.free(s.row.id, this.#limits(s.row)), onlyVerify: s.row.verify === 1 && s.row.verified_at === null,
    }));
    const now = this.deps.now();
    // Room for one lane wait and one attempt, both bounded by the timeout, plus the outcome flush.
    const lease = now + 2 * this.cfg.timeoutMs + 5_000;
    const rows = await claimDeliveries(this.deps.store, reqs, now, lease, this.deps.workerId);
    for (const row of rows) {
      const sub = this.#subs.get(row.webhook_id);
      // Still running here after a clock jump past its lease: the claim only extended the lease.
      if (!sub || this.#inflight.has(row.id)) continue;
      this.#inflight.add(row.id);
      this.#lanes.push(row.webhook_id, row, this.#limits(sub.row));
    }
    return rows.length;
  }

  async #send(key: string, row: DeliveryRow): Promise<void> {
    const sub = this.#subs.get(key);
    if (!sub) {
      // Disabled or deleted since the claim: not an attempt. Re-enabling makes it due again.
      this.#inflight.delete(row.id);
      return;
    }
    const msg = { id: row.id, type: row.event_type, body: row.payload };
    const result = await deliver(sub.target, msg, sub.signer, this.deps.now)
      .catch((e: Error) => ({ ok: false, status: null, response: null, durationMs: 0, error: e.message, gone: false, retryAfterMs: undefined }));
    const at = this.deps.now();
    const delay = result.ok ? null : nextDelayMs(row.attempts + 1, this.cfg.retry, result.retryAfterMs, this.deps.random);
    this.#outcomes.push({ row, result, at, nextAt: delay === null ? null : at + delay });
    if (this.#outcomes.length >= FLUSH_AT) void this.#flush();
    else this.#flushTimer ??= setTimeout(() => void this.#flush(), FLUSH_MS);
    this.#kick();
  }

  async #flush(): Promise<void> {
    if (this.#flushTimer) { clearTimeout(this.#flushTimer); this.#flushTimer = null; }
    while (this.#flushing) await this.#flushing;
    if (this.#outcomes.length === 0) return;
    // Bounded transactions: a backlog is written in several, each short.
    const batch = this.#outcomes.splice(0, 2000);
    if (this.#outcomes.length) this.#flushTimer ??= setTimeout(() => void this.#flush(), 0);
    this.#flushing = (async () => {
      try {
        const notices = await recordOutcomes(this.deps.store, this.deps.workerId, batch, this.cfg);
        for (const n of notices) {
          this.deps.log.warn({ webhook: n.webhookId, event: n.type, reason: n.data.reason ?? n.data.last_error }, 'outbound webhook failing');
          if (this.deps.mailer && n.recipients.length) {
            const { subject, text } = noticeMail(n);
            const p = this.deps.mailer.send(n.recipients, subject, text).catch((e) => this.deps.log.error({ err: e, webhook: n.webhookId }, 'failure notice email not sent'));
            this.mails.add(p);
            void p.finally(() => this.mails.delete(p));
          }
        }
        if (notices.some((n) => n.type === 'webhook.disabled')) this.#stale = true;
      } catch (e) {
        // The deliveries stay claimed until their lease ends and are then sent again: at least once.
        this.deps.log.error({ err: e }, 'outbound webhooks: recording outcomes failed');
      } finally {
        for (const o of batch) this.#inflight.delete(o.row.id);
        this.#flushing = null;
      }
    })();
    await this.#flushing;
  }
}
