/**
 * @module queue/postgres
 * Hot SQL for PostgreSQL. Claims use `FOR UPDATE SKIP LOCKED` so workers on many hosts never
 * wait on each other's rows; measured here claim+complete ran 1.65k jobs/s at batch 1 and
 * 21.7k/s at batch 20 (4 workers, fsync on), so claims and settles are batched. Statements are
 * named, which makes pg prepare them once per connection.
 *
 * Lock order. A settle batch updates several job rows in one transaction while heartbeats renew
 * a process's leases in one statement; in the order each happened to meet the rows, they
 * deadlocked (measured: 96 "deadlock detected", heartbeat UPDATE vs the settle's finishing UPDATE,
 * in one run of test/deadlock-postgres.test.ts, 3000 events through 3 workers, lease 2 s). Now every
 * statement that locks many job rows either takes them in id order or never waits for one:
 * settles lock their jobs sorted by id (then their steps, which only the job's holder writes);
 * heartbeat, reap and claim lock with SKIP LOCKED (a row a settle holds is being finished, so
 * renewing or reaping it can wait for the next round); claims of concurrency-limited recipes take
 * their advisory locks in key order.
 */
import type pg from 'pg';
import type { GuardedPool } from '../store/postgres/pool.js';
import { wellFormed } from '../store/postgres/json-rows.js';
import type { InsertResult, JobRow, NewJob, QueueSql, Settle, StepRow } from './types.js';

const CLAIM_SET = `status = 'running', locked_by = $1::text || ':' || (claims + 1), locked_until = $2, claims = claims + 1, started_at = coalesce(started_at, $3)`;
const STEP_COLS = ['job_id', 'step_id', 'seq', 'status', 'attempts', 'input', 'output', 'error', 'idempotency_key', 'started_at', 'finished_at'] as const;

export class PostgresQueueSql implements QueueSql {
  readonly #pool: GuardedPool;

  constructor(pool: GuardedPool) {
    this.#pool = pool;
  }

  async #tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.#pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async insertJobs(jobs: NewJob[]): Promise<InsertResult[]> {
    // One INSERT per batch: one commit (one fsync) for every event in it. The rows go as one JSON
    // parameter to a named statement, so it is parsed and planned once per connection; as a
    // multi-row VALUES list (13 parameters a row) it was planned again for every batch and pg
    // serialised each parameter on our side. A job handed to a worker of this process as it is
    // enqueued goes in claimed (see NewJob.claim). One statement is its own transaction: no
    // BEGIN/COMMIT round trips. A key that conflicts with an insert still in flight waits for it,
    // so a duplicate's first job has committed by the lookup.
    //
    // Inbound keys (NewJob.dedup_keys) cost a batch one lookup, and the inserted jobs' keys are
    // recorded by the insert statement itself; they used to be two statements per delivery.
    const keyed = jobs.filter((j) => j.dedup_keys?.length);
    const seen = keyed.length ? await this.#seen(keyed) : new Map<string, InsertResult>();
    const fresh = seen.size ? jobs.filter((j) => !seen.has(j.id)) : jobs;
    // Jobs run before their insert (NewJob.finished): their steps and events go in the same statement.
    const steps: unknown[] = [];
    const events: unknown[] = [];
    for (const j of fresh) if (j.finished && !finishedRows(j, steps, events)) j.finished = undefined;
    const rows = JSON.stringify(fresh.map((j) => ({
      id: j.id, recipe: j.recipe, recipe_version: j.recipe_version, trigger: j.trigger, dedup_key: wellFormed(j.dedup_key), repeat_of: j.repeat_of,
      concurrency_key: j.concurrency_key, run_at: j.run_at, timeout_at: j.timeout_at, created_at: j.created_at, title: wellFormed(j.title),
      lease: j.claim?.lease ?? null, until: j.claim?.until ?? null,
      ...(j.finished ? { status: j.finished.status, finished_at: j.finished.at, error: wellFormed(j.finished.error), result: j.finished.result ?? null } : {}),
    })));
    const values: unknown[] = [rows];
    if (keyed.length) values.push(keyRows(fresh, (j) => j.id));
    const finished = steps.length > 0 || events.length > 0;
    if (finished) values.push(JSON.stringify(steps), JSON.stringify(events));
    const variant = `${keyed.length ? '_keyed' : ''}${finished ? '_finished' : ''}`;
    // A batch of replays only has nothing left to insert.
    const ins = fresh.length === 0 ? { rows: [] }
      : await this.#pool.query<{ id: string; number: number }>({ name: `hf_insert_jobs${variant}`, text: INSERT_VARIANTS[variant]!, values });
    const byId = new Map(ins.rows.map((r) => [r.id, r.number]));
    const out: InsertResult[] = [];
    const dupKeys: NewJob[] = [];
    for (const j of jobs) {
      const s = seen.get(j.id);
      if (s) { out.push(s); continue; }
      const n = byId.get(j.id);
      if (n !== undefined) { out.push({ id: j.id, number: n, duplicate: false }); continue; }
      const d = await this.#pool.query<{ id: string; number: number }>({ name: 'hf_find_dup', text: 'SELECT id, number FROM jobs WHERE recipe = $1 AND dedup_key = $2', values: [j.recipe, j.dedup_key] });
      out.push({ id: d.rows[0]!.id, number: d.rows[0]!.number, duplicate: true });
      if (j.dedup_keys?.length) dupKeys.push({ ...j, id: d.rows[0]!.id });
    }
    // A copy that lost the race on the job's own key: its other keys now name the first job too.
    if (dupKeys.length) await this.#pool.query({ name: 'hf_remember_keys', text: REMEMBER_SQL, values: [keyRows(dupKeys, (j) => j.id)] });
    return out;
  }

  /** Jobs whose delivery is known by one of its keys, as duplicates of the earliest such key's job. */
  async #seen(keyed: NewJob[]): Promise<Map<string, InsertResult>> {
    const r = await this.#pool.query<{ job: string; job_id: string; created_at: string }>({
      name: 'hf_seen_keys',
      text: `SELECT k.job, d.job_id, d.created_at FROM json_to_recordset($1::json) AS k(job text, recipe text, key text)
        JOIN inbound_dedup d ON d.recipe = k.recipe AND d.key = k.key`,
      values: [JSON.stringify(keyed.flatMap((j) => j.dedup_keys!.map((key) => ({ job: j.id, recipe: j.recipe, key: wellFormed(key) }))))],
    });
    const first = new Map<string, { job_id: string; at: number }>();
    for (const x of r.rows) {
      const at = Number(x.created_at);
      const cur = first.get(x.job);
      if (!cur || at < cur.at) first.set(x.job, { job_id: x.job_id, at });
    }
    const out = new Map<string, InsertResult>();
    if (first.size === 0) return out;
    const ids = [...new Set([...first.values()].map((f) => f.job_id))];
    const nums = await this.#pool.query<{ id: string; number: string }>({ name: 'hf_job_numbers', text: 'SELECT id, number FROM jobs WHERE id = ANY($1)', values: [ids] });
    const numberOf = new Map(nums.rows.map((n) => [n.id, Number(n.number)]));
    for (const [job, f] of first) out.set(job, { id: f.job_id, number: numberOf.get(f.job_id) ?? 0, duplicate: true });
    return out;
  }

  async claim(workerId: string, limit: number, now: number, leaseMs: number): Promise<JobRow[]> {
    const r = await this.#pool.query<JobRow>({
      name: 'hf_claim',
      text: `UPDATE jobs SET ${CLAIM_SET} WHERE number IN (SELECT number FROM jobs WHERE status IN ('queued','waiting') AND run_at <= $3
        AND concurrency_key IS NULL ORDER BY run_at, number LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *`,
      values: [workerId, now + leaseMs, now, limit],
    });
    return r.rows;
  }

  claimLimited(workerId: string, limit: number, now: number, leaseMs: number): Promise<JobRow[]> {
    return this.#tx(async (c) => {
      const keys = await c.query<{ k: string; lim: number | null }>(
        `SELECT DISTINCT j.concurrency_key AS k, r.concurrency AS lim FROM jobs j JOIN recipes r ON r.name = j.concurrency_key
         WHERE j.status IN ('queued','waiting') AND j.run_at <= $1 AND j.concurrency_key IS NOT NULL ORDER BY k`, [now]);
      const out: JobRow[] = [];
      for (const { k, lim } of keys.rows) {
        // The advisory lock serialises claimers of one recipe, so the count below stays true until commit.
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [k]);
        const running = await c.query<{ n: string }>(`SELECT count(*) AS n FROM jobs WHERE status = 'running' AND concurrency_key = $1`, [k]);
        const free = Math.min((lim ?? limit) - Number(running.rows[0]!.n), limit - out.length);
        if (free <= 0) continue;
        const r = await c.query<JobRow>(`UPDATE jobs SET ${CLAIM_SET} WHERE number IN (SELECT number FROM jobs WHERE status IN ('queued','waiting')
          AND run_at <= $3 AND concurrency_key = $5 ORDER BY run_at, number LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *`,
          [workerId, now + leaseMs, now, free, k]);
        out.push(...r.rows);
      }
      return out;
    });
  }

  async heartbeat(leases: Array<{ id: string; lease: string }>, until: number): Promise<void> {
    if (leases.length === 0) return;
    await this.#pool.query({
      name: 'hf_heartbeat',
      text: `UPDATE jobs SET locked_until = $1 WHERE id IN (SELECT j.id FROM jobs j JOIN unnest($2::text[], $3::text[]) AS l(id, lease)
        ON j.id = l.id AND j.locked_by = l.lease WHERE j.status = 'running' ORDER BY j.id FOR UPDATE OF j SKIP LOCKED)`,
      values: [until, leases.map((l) => l.id), leases.map((l) => l.lease)],
    });
  }

  async reap(now: number): Promise<number> {
    const r = await this.#pool.query({
      name: 'hf_reap',
      text: `UPDATE jobs SET status = 'queued', locked_by = NULL, locked_until = NULL, crashes = crashes + 1 WHERE id IN (SELECT id FROM jobs
        WHERE status = 'running' AND locked_until < $1 ORDER BY id FOR UPDATE SKIP LOCKED) AND status = 'running' AND locked_until < $1`,
      values: [now],
    });
    return r.rowCount ?? 0;
  }

  saveSteps(jobId: string, workerId: string, steps: StepRow[], renewUntil?: number): Promise<boolean> {
    return this.#tx(async (c) => {
      const held = await c.query({
        name: 'hf_holds_renew', text: `UPDATE jobs SET locked_until = GREATEST(locked_until, COALESCE($3::bigint, locked_until)) WHERE id = $1 AND locked_by = $2 AND status = 'running'`,
        values: [jobId, workerId, renewUntil ?? null],
      });
      if (held.rowCount === 0) return false;
      await upsertSteps(c, steps);
      return true;
    });
  }

  /**
   * One statement, so one round trip and one commit for the whole batch: lock the jobs still held
   * (in id order), finish or release them, and write their steps and outbox events only for the
   * jobs that were still held. Data-modifying CTEs all run to completion, whatever the outer
   * SELECT reads.
   */
  async settle(items: Settle[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    // Steps and events carry their run's lease: a stale run's rows for the same job are not written.
    const steps = lastPerStep(items.flatMap((it) => it.steps.map((st) => ({ ...st, error: wellFormed(st.error), lease: it.workerId }))));
    const events = items.flatMap((it) => (it.events ?? []).map((e) => ({ ...e, job: it.jobId, lease: it.workerId })));
    const v = items.map((it) => ({
      id: it.jobId, lease: it.workerId, status: it.status, error: wellFormed(it.error), at: it.at, run_at: it.runAt ?? it.at,
      result: final(it) ? it.result ?? null : null, wake: final(it) ? it.wake ?? null : null,
    }));
    // Three JSON parameters: JSON.stringify is native, where pg built each text[] literal in JS
    // element by element (escaping every quote of every step's input and output).
    const r = await this.#pool.query<{ id: string; lease: string }>({
      name: 'hf_settle',
      text: SETTLE_SQL,
      values: [JSON.stringify(v), JSON.stringify(steps), JSON.stringify(events)],
    });
    // By id and lease: a stale run's item for the same job (another lease) stays false.
    const settled = new Set(r.rows.map((x) => `${x.id} ${x.lease}`));
    return items.map((it) => settled.has(`${it.jobId} ${it.workerId}`));
  }
}

const final = (it: Settle) => it.status === 'succeeded' || it.status === 'failed';

/** One statement may not touch a row twice, so the last row per step (of one run) wins. */
function lastPerStep<S extends StepRow & { lease?: string }>(all: S[]): S[] {
  return [...new Map(all.map((s) => [`${s.job_id}\u0000${s.step_id}\u0000${s.lease ?? ''}`, s])).values()];
}

const STEP_TYPES: Record<(typeof STEP_COLS)[number], string> = {
  job_id: 'text', step_id: 'text', seq: 'int', status: 'text', attempts: 'int', input: 'text', output: 'text', error: 'text',
  idempotency_key: 'text', started_at: 'bigint', finished_at: 'bigint',
};
const STEP_UPDATE = STEP_COLS.filter((k) => k !== 'job_id' && k !== 'step_id' && k !== 'idempotency_key').map((k) => `${k} = excluded.${k}`).join(', ');
const JOB_COLS = 'id, recipe, recipe_version, trigger, dedup_key, repeat_of, concurrency_key, run_at, timeout_at, created_at, title';
// ROWS FROM … WITH ORDINALITY: the jobs are numbered in the order they were acknowledged.
// A job run before its insert (status set) is written finished: no lease, its end and outcome.
const INSERT_SQL = `INSERT INTO jobs (${JOB_COLS}, status, locked_by, locked_until, claims, started_at, finished_at, error, result)
  SELECT ${JOB_COLS}, COALESCE(status, CASE WHEN lease IS NULL THEN 'queued' ELSE 'running' END),
    CASE WHEN status IS NULL THEN lease END, CASE WHEN status IS NULL THEN until END,
    CASE WHEN lease IS NULL THEN 0 ELSE 1 END, CASE WHEN lease IS NULL THEN NULL ELSE created_at END, finished_at, error, result
  FROM ROWS FROM (json_to_recordset($1::json) AS (id text, recipe text, recipe_version int, trigger text, dedup_key text, repeat_of text,
    concurrency_key text, run_at bigint, timeout_at bigint, created_at bigint, title text, lease text, until bigint,
    status text, finished_at bigint, error text, result text)) WITH ORDINALITY
    AS j(id, recipe, recipe_version, trigger, dedup_key, repeat_of, concurrency_key, run_at, timeout_at, created_at, title, lease, until,
      status, finished_at, error, result, n)
  ORDER BY n
  ON CONFLICT DO NOTHING RETURNING id, number`;
/** `dedup_keys` as rows of inbound_dedup for the job `idOf` names. */
function keyRows(jobs: NewJob[], idOf: (j: NewJob) => string): string {
  return JSON.stringify(jobs.flatMap((j) => (j.dedup_keys ?? []).map((key) => ({ job: idOf(j), recipe: j.recipe, key: wellFormed(key), created_at: j.created_at }))));
}
const KEY_ROWS = `json_to_recordset($2::json) AS k(job text, recipe text, key text, created_at bigint)`;
// The jobs this statement inserted get their keys in the same statement (and commit).
const INSERT_KEYED_SQL = `WITH ins AS (${INSERT_SQL}), rem AS (
    INSERT INTO inbound_dedup (recipe, key, job_id, created_at)
    SELECT k.recipe, k.key, ins.id, k.created_at FROM ${KEY_ROWS} JOIN ins ON ins.id = k.job
    ON CONFLICT DO NOTHING
  )
  SELECT id, number FROM ins`;
/** An outbox event `e`'s dispatched_at: without an enabled subscription, written already dispatched (see queue/sqlite.ts). */
const EVENT_DISPATCHED_AT = `CASE WHEN EXISTS (SELECT 1 FROM webhooks WHERE disabled = 0) THEN NULL ELSE e.created_at END`;
/**
 * The statement of each insert variant (keyed: with inbound keys, $2; finished: with the steps
 * and events of jobs run before their insert, the two parameters after). A finished job's event
 * is written with the number this statement gives it, spliced between the two halves of its
 * payload (finishedRows); a job the insert skipped (a duplicate) writes neither.
 */
const finishedCtes = (first: number) => `, fsteps AS (
    INSERT INTO job_steps (${STEP_COLS.join(', ')})
    SELECT ${STEP_COLS.map((k) => `s.${k}`).join(', ')}
    FROM json_to_recordset($${first}::json) AS s(${STEP_COLS.map((k) => `${k} ${STEP_TYPES[k]}`).join(', ')}) JOIN ins ON ins.id = s.job_id
  ), fevents AS (
    INSERT INTO outbox (type, recipe, payload, created_at, dispatched_at)
    SELECT e.type, e.recipe, e.head || ins.number::text || e.tail, e.created_at,
      ${EVENT_DISPATCHED_AT}
    FROM ROWS FROM (json_to_recordset($${first + 1}::json) AS (job text, type text, recipe text, head text, tail text, created_at bigint)) WITH ORDINALITY
      AS e(job, type, recipe, head, tail, created_at, n)
    JOIN ins ON ins.id = e.job ORDER BY e.n
  )`;
const INSERT_VARIANTS: Record<string, string> = {
  '': INSERT_SQL,
  _keyed: INSERT_KEYED_SQL,
  _finished: `WITH ins AS (${INSERT_SQL})${finishedCtes(2)} SELECT id, number FROM ins`,
  _keyed_finished: INSERT_KEYED_SQL.replace('\n  SELECT id, number FROM ins', `${finishedCtes(3)}\n  SELECT id, number FROM ins`),
};
if (!INSERT_VARIANTS._keyed_finished!.includes('fevents')) throw new Error('queue/postgres: the keyed finished insert was not composed');

/** Stands for the job's number in its events while their payload is split around it. */
const NUMBER_MARK = 9007199254740991;

/**
 * Adds a finished job's steps and events to the insert's rows; false when an event's payload does
 * not hold the number exactly once (then the job is inserted claimed and runs after the commit).
 */
function finishedRows(j: NewJob, steps: unknown[], events: unknown[]): boolean {
  const d = j.finished!;
  const evs = d.eventsFor ? d.eventsFor(NUMBER_MARK) : [];
  const split: unknown[] = [];
  for (const e of evs) {
    const parts = e.payload.split(String(NUMBER_MARK));
    if (parts.length !== 2) return false;
    split.push({ job: j.id, type: e.type, recipe: e.recipe, head: wellFormed(parts[0]!), tail: wellFormed(parts[1]!), created_at: e.created_at });
  }
  for (const st of lastPerStep(d.steps)) steps.push({ ...st, error: wellFormed(st.error) });
  events.push(...split);
  return true;
}

const REMEMBER_SQL = `INSERT INTO inbound_dedup (recipe, key, job_id, created_at)
  SELECT k.recipe, k.key, k.job, k.created_at FROM ${KEY_ROWS.replace('$2', '$1')} ON CONFLICT DO NOTHING`;
const SETTLE_SQL = `WITH v AS (
    SELECT * FROM json_to_recordset($1::json) AS v(id text, lease text, status text, error text, at bigint, run_at bigint, result text, wake text)
  ), held AS (
    SELECT j.id, j.locked_by AS lease FROM jobs j JOIN v ON j.id = v.id AND j.locked_by = v.lease WHERE j.status = 'running' ORDER BY j.id FOR UPDATE OF j
  ), done AS (
    UPDATE jobs j SET status = v.status, error = v.error, locked_by = NULL, locked_until = NULL,
      finished_at = CASE WHEN v.status IN ('succeeded', 'failed') THEN v.at ELSE j.finished_at END,
      run_at = CASE WHEN v.status IN ('succeeded', 'failed') THEN j.run_at ELSE v.run_at END,
      result = COALESCE(v.result, j.result)
    FROM held, v WHERE j.id = held.id AND v.id = held.id AND v.lease = held.lease RETURNING j.id, held.lease
  ), parents AS (
    -- A parent waiting for a child that finished here (recipe.call) is requeued in the same commit.
    -- Locked in id order like every other statement that locks several job rows; a parent still
    -- running in this batch is not 'waiting' in this statement's snapshot and is left to the
    -- worker's re-check after its own settle.
    SELECT p.id, v.at FROM jobs p JOIN v ON p.id = v.wake JOIN done ON done.id = v.id AND done.lease = v.lease
    WHERE p.status = 'waiting' ORDER BY p.id FOR UPDATE OF p
  ), woke AS (
    UPDATE jobs p SET status = 'queued', run_at = parents.at FROM parents WHERE p.id = parents.id
  ), steps AS (
    INSERT INTO job_steps (${STEP_COLS.join(', ')})
    SELECT ${STEP_COLS.map((k) => `s.${k}`).join(', ')}
    FROM json_to_recordset($2::json) AS s(${STEP_COLS.map((k) => `${k} ${STEP_TYPES[k]}`).join(', ')}, lease text)
    WHERE (s.job_id, s.lease) IN (SELECT id, lease FROM done)
    ON CONFLICT (job_id, step_id) DO UPDATE SET ${STEP_UPDATE}
  ), events AS (
    -- Without an enabled subscription, written already dispatched (see queue/sqlite.ts).
    INSERT INTO outbox (type, recipe, payload, created_at, dispatched_at)
    SELECT e.type, e.recipe, e.payload, e.created_at,
      ${EVENT_DISPATCHED_AT}
    FROM ROWS FROM (json_to_recordset($3::json) AS (job text, lease text, type text, recipe text, payload text, created_at bigint)) WITH ORDINALITY
      AS e(job, lease, type, recipe, payload, created_at, n)
    WHERE (e.job, e.lease) IN (SELECT id, lease FROM done) ORDER BY e.n
  )
  SELECT id, lease FROM done`;

async function upsertSteps(c: pg.PoolClient, all: StepRow[]): Promise<void> {
  const steps = lastPerStep(all);
  if (steps.length === 0) return;
  const values: unknown[] = [];
  const rows = steps.map((s, i) => {
    for (const k of STEP_COLS) values.push(s[k]);
    return `(${STEP_COLS.map((_, k) => `$${i * STEP_COLS.length + k + 1}`).join(',')})`;
  });
  const upd = STEP_COLS.filter((k) => k !== 'job_id' && k !== 'step_id' && k !== 'idempotency_key').map((k) => `${k} = excluded.${k}`).join(', ');
  await c.query(`INSERT INTO job_steps (${STEP_COLS.join(',')}) VALUES ${rows.join(',')} ON CONFLICT (job_id, step_id) DO UPDATE SET ${upd}`, values);
}
