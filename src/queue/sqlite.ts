/**
 * @module queue/sqlite
 * Hot SQL for SQLite, on better-sqlite3 prepared statements rather than Kysely: a statement
 * through Kysely costs a compile and two promise hops; here the claim+complete loop measured
 * 15.8k jobs/s at batch 1 and 161k/s at batch 20 (WAL, synchronous=NORMAL). One process owns
 * the file, so claims need no row locks: a transaction is already exclusive. Claims name the
 * partial index: without statistics the planner chose jobs_status_number and sorted every queued
 * row per claim (2.4 ms with 30k queued, against 34 µs through the partial index, now
 * jobs_claimable; limited recipes' jobs are in jobs_claimable_limited, see migration 0017).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Mutex } from '../store/mutex.js';
import type { InsertResult, JobRow, NewJob, QueueSql, Settle, StepRow } from './types.js';
import { packSteps } from './inline-steps.js';

export class SqliteQueueSql implements QueueSql {
  readonly #db: BetterSqlite3.Database;
  readonly #lock: Mutex;
  readonly #s;

  constructor(db: BetterSqlite3.Database, lock: Mutex) {
    this.#db = db;
    this.#lock = lock;
    this.#s = {
      // Positional parameters: better-sqlite3 binds an object's named parameters by looking each
      // name up, ~2 µs of an insert's ~9 µs in a micro-bench (200k inserts of 26 per commit). No
      // RETURNING: `number` is the rowid, and run()'s lastInsertRowid gives it (12.0 → 9.6 µs).
      // A conflict (a dedup key seen before) changes nothing and is looked up.
      insert: db.prepare(`INSERT INTO jobs (id, recipe, recipe_version, status, trigger, dedup_key, repeat_of, concurrency_key, run_at, timeout_at, created_at, title)
        VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING`),
      insertClaimed: db.prepare(`INSERT INTO jobs (id, recipe, recipe_version, status, trigger, dedup_key, repeat_of, concurrency_key, run_at, timeout_at, created_at,
          title, locked_by, locked_until, claims, started_at)
        VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
        ON CONFLICT DO NOTHING`),
      // A job a worker of this process ran before its insert (NewJob.finished): one row write
      // instead of an insert claimed and a finish, with one index entry each instead of moves.
      // Its final event goes to the outbox only while a subscription is enabled, which is when the
      // dispatcher has someone to fan it out to. Otherwise it would only wait there for a replay
      // (a row, its index entry and its payload per job, about 6 µs of the 45 µs an event costs
      // the event loop with workers); the row is marked `event_deferred` instead and a replay
      // writes the event from it (outbound/log.ts).
      insertFinished: db.prepare(`INSERT INTO jobs (id, recipe, recipe_version, status, trigger, dedup_key, repeat_of, concurrency_key, run_at, timeout_at, created_at,
          title, claims, started_at, finished_at, error, result, event_deferred, steps)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING`),
      subscribed: db.prepare(`SELECT 1 FROM webhooks WHERE disabled = 0 LIMIT 1`).pluck(),
      findDup: db.prepare(`SELECT id, number FROM jobs WHERE recipe = ? AND dedup_key = ?`),
      // Inbound keys (NewJob.dedup_keys) are read and written in the insert's transaction: no
      // statement and no commit of their own per delivery.
      seenKey: db.prepare(`SELECT job_id, created_at FROM inbound_dedup WHERE recipe = ? AND key = ?`),
      rememberKey: db.prepare(`INSERT INTO inbound_dedup (recipe, key, job_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      numberOf: db.prepare(`SELECT number FROM jobs WHERE id = ?`).pluck(),
      claim: db.prepare(`UPDATE jobs SET status = 'running', locked_by = @worker || ':' || (claims + 1), locked_until = @until, claims = claims + 1,
          started_at = coalesce(started_at, @now)
        WHERE number IN (SELECT number FROM jobs INDEXED BY jobs_claimable WHERE status IN ('queued','waiting') AND run_at <= @now
          AND concurrency_key IS NULL ORDER BY run_at, number LIMIT @limit)
        RETURNING *`),
      limitedKeys: db.prepare(`SELECT DISTINCT j.concurrency_key AS k, r.concurrency AS lim FROM jobs j INDEXED BY jobs_claimable_limited
        JOIN recipes r ON r.name = j.concurrency_key
        WHERE j.status IN ('queued','waiting') AND j.run_at <= ? AND j.concurrency_key IS NOT NULL`),
      running: db.prepare(`SELECT count(*) AS n FROM jobs WHERE status = 'running' AND concurrency_key = ?`),
      claimKey: db.prepare(`UPDATE jobs SET status = 'running', locked_by = @worker || ':' || (claims + 1), locked_until = @until, claims = claims + 1,
          started_at = coalesce(started_at, @now)
        WHERE number IN (SELECT number FROM jobs INDEXED BY jobs_claimable_limited WHERE status IN ('queued','waiting') AND run_at <= @now
          AND concurrency_key = @key AND concurrency_key IS NOT NULL ORDER BY run_at, number LIMIT @limit)
        RETURNING *`),
      heartbeat: db.prepare(`UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND status = 'running'`),
      reap: db.prepare(`UPDATE jobs SET status = 'queued', locked_by = NULL, locked_until = NULL, crashes = crashes + 1 WHERE status = 'running' AND locked_until < ?`),
      holds: db.prepare(`UPDATE jobs SET locked_until = max(locked_until, coalesce(?, locked_until)) WHERE id = ? AND locked_by = ? AND status = 'running'`),
      upsertStep: db.prepare(`INSERT INTO job_steps (job_id, step_id, seq, status, attempts, input, output, error, idempotency_key, started_at, finished_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (job_id, step_id) DO UPDATE SET seq = excluded.seq, status = excluded.status, attempts = excluded.attempts,
          input = excluded.input, output = excluded.output, error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at`),
      finish: db.prepare(`UPDATE jobs SET status = ?, error = ?, finished_at = ?, locked_by = NULL, locked_until = NULL
        WHERE id = ? AND locked_by = ? AND status = 'running'`),
      result: db.prepare(`UPDATE jobs SET result = ? WHERE id = ?`),
      wake: db.prepare(`UPDATE jobs SET status = 'queued', run_at = ? WHERE id = ? AND status = 'waiting'`),
      // Without an enabled subscription an event is written already dispatched: the dispatcher
      // would only mark it so (an UPDATE and two partial-index moves per job), and it stays for
      // replay all the same. A subscription committed before this does get it fanned out.
      event: db.prepare(`INSERT INTO outbox (type, recipe, payload, created_at, dispatched_at)
        VALUES (?, ?, ?, ?, CASE WHEN EXISTS (SELECT 1 FROM webhooks WHERE disabled = 0) THEN NULL ELSE ? END)`),
      release: db.prepare(`UPDATE jobs SET status = ?, error = ?, run_at = ?, locked_by = NULL, locked_until = NULL
        WHERE id = ? AND locked_by = ? AND status = 'running'`),
    };
  }

  insertJobs(jobs: NewJob[]): Promise<InsertResult[]> {
    const s = this.#s;
    // Read once per batch, in its transaction: no subscription can be enabled in between.
    let subscribed: boolean | undefined;
    return this.#lock.run(() =>
      this.#db.transaction(() =>
        jobs.map((j): InsertResult => {
          if (j.dedup_keys) {
            const seen = firstSeen(j.dedup_keys.map((k) => s.seenKey.get(j.recipe, k) as Seen | undefined));
            if (seen) return { id: seen, number: (s.numberOf.get(seen) as number | undefined) ?? 0, duplicate: true };
          }
          const res = insertOne(j);
          for (const k of j.dedup_keys ?? []) s.rememberKey.run(j.recipe, k, res.id, j.created_at);
          return res;
        }),
      )(),
    );
    function insertOne(j: NewJob): InsertResult {
      const d = j.finished;
      const defer = d !== undefined && deferrable(d) && !(subscribed ??= s.subscribed.get() !== undefined);
      // Small steps go in the row (queue/inline-steps.ts): one b-tree insert instead of one more per step.
      const packed = d ? packSteps(d.steps) : null;
      const r = d
        ? s.insertFinished.run(j.id, j.recipe, j.recipe_version, d.status, j.trigger, j.dedup_key, j.repeat_of, j.concurrency_key, j.run_at, j.timeout_at, j.created_at, j.title,
          j.created_at, d.at, d.error, d.result ?? null, defer ? 1 : null, packed)
        : j.claim
        ? s.insertClaimed.run(j.id, j.recipe, j.recipe_version, j.trigger, j.dedup_key, j.repeat_of, j.concurrency_key, j.run_at, j.timeout_at, j.created_at, j.title, j.claim.lease, j.claim.until, j.created_at)
        : s.insert.run(j.id, j.recipe, j.recipe_version, j.trigger, j.dedup_key, j.repeat_of, j.concurrency_key, j.run_at, j.timeout_at, j.created_at, j.title);
      if (r.changes === 1) {
        const number = Number(r.lastInsertRowid);
        if (d) {
          if (packed === null) for (const st of d.steps) upsertStep(s.upsertStep, st);
          if (!defer) for (const ev of d.eventsFor?.(number) ?? d.events ?? []) s.event.run(ev.type, ev.recipe, ev.payload, ev.created_at, ev.created_at);
        }
        return { id: j.id, number, duplicate: false };
      }
      const dup = s.findDup.get(j.recipe, j.dedup_key) as { id: string; number: number };
      return { id: dup.id, number: dup.number, duplicate: true };
    }
  }

  claim(workerId: string, limit: number, now: number, leaseMs: number): Promise<JobRow[]> {
    return this.#lock.run(() => this.#s.claim.all({ worker: workerId, until: now + leaseMs, now, limit }) as JobRow[]);
  }

  claimLimited(workerId: string, limit: number, now: number, leaseMs: number): Promise<JobRow[]> {
    const s = this.#s;
    return this.#lock.run(() =>
      this.#db.transaction(() => {
        const out: JobRow[] = [];
        for (const { k, lim } of s.limitedKeys.all(now) as Array<{ k: string; lim: number | null }>) {
          const free = Math.min((lim ?? limit) - (s.running.get(k) as { n: number }).n, limit - out.length);
          if (free <= 0) continue;
          out.push(...(s.claimKey.all({ worker: workerId, until: now + leaseMs, now, key: k, limit: free }) as JobRow[]));
        }
        return out;
      })(),
    );
  }

  heartbeat(leases: Array<{ id: string; lease: string }>, until: number): Promise<void> {
    return this.#lock.run(() => this.#db.transaction(() => { for (const l of leases) this.#s.heartbeat.run(until, l.id, l.lease); })());
  }

  reap(now: number): Promise<number> {
    return this.#lock.run(() => this.#s.reap.run(now).changes);
  }

  saveSteps(jobId: string, workerId: string, steps: StepRow[], renewUntil?: number): Promise<boolean> {
    const s = this.#s;
    return this.#lock.run(() =>
      this.#db.transaction(() => {
        if (s.holds.run(renewUntil ?? null, jobId, workerId).changes === 0) return false;
        for (const st of steps) upsertStep(s.upsertStep, st);
        return true;
      })(),
    );
  }

  settle(items: Settle[]): Promise<boolean[]> {
    const s = this.#s;
    return this.#lock.run(() =>
      this.#db.transaction(() =>
        items.map((it) => {
          const final = it.status === 'succeeded' || it.status === 'failed';
          const res = final
            ? s.finish.run(it.status, it.error, it.at, it.jobId, it.workerId)
            : s.release.run(it.status, it.error, it.runAt ?? it.at, it.jobId, it.workerId);
          if (res.changes === 0) return false;
          for (const st of it.steps) upsertStep(s.upsertStep, st);
          for (const ev of it.events ?? []) s.event.run(ev.type, ev.recipe, ev.payload, ev.created_at, ev.created_at);
          if (final && it.result !== undefined) s.result.run(it.result, it.jobId);
          if (final && it.wake) s.wake.run(it.at, it.wake);
          return true;
        }),
      )(),
    );
  }
}

/**
 * A finished job whose only event is its final one, which `jobEvent` (queue/job-event.ts) makes
 * again from the row: a run before the insert (`eventsFor`) that succeeded or failed.
 */
function deferrable(d: Settle): boolean {
  return d.eventsFor !== undefined && (d.status === 'succeeded' || d.status === 'failed');
}

function upsertStep(stmt: BetterSqlite3.Statement, st: StepRow): void {
  stmt.run(st.job_id, st.step_id, st.seq, st.status, st.attempts, st.input, st.output, st.error, st.idempotency_key, st.started_at, st.finished_at);
}

type Seen = { job_id: string; created_at: number };

/** The job of the earliest key recorded (a delivery's keys may point to two jobs: the first wins). */
function firstSeen(rows: Array<Seen | undefined>): string | null {
  let best: Seen | undefined;
  for (const r of rows) if (r && (!best || r.created_at < best.created_at)) best = r;
  return best?.job_id ?? null;
}
