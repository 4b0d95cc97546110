/**
 * @module services/jobs
 * Reading jobs for people and scripts, repeating and canceling them, and pruning old ones.
 */
import type { Store } from '../store/types.js';
import { RawJson, type JobQueue, type JobRow } from '../queue/index.js';
import { NOT_SUCCEEDED, statusCounts } from '../store/job-indexes.js';
import { unpackSteps } from '../queue/inline-steps.js';
import type { Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import { HookflowError } from '../errors.js';
import { MAX_CALL_DEPTH_LIMIT } from '../config/index.js';
import { byteLength, capped, ifSmall, type ValueLimits } from './job-values.js';
import { bulk, type BulkAction, type BulkResult } from './job-bulk.js';
import { conditions, countMatches, parseFilter, scan, type JobFilter, type JobFilterInput } from './job-search.js';

export interface JobView {
  id: string;
  number: number;
  recipe: string;
  recipe_version: number;
  /** A test run of a draft (POST /recipes/{name}/draft/test): its version is a negative snapshot. */
  test: boolean;
  status: string;
  /** The recipe's title template's text for this job (recipes/title.ts), or null. */
  title: string | null;
  trigger: unknown;
  error: unknown;
  repeat_of: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Callable recipes (see engine/call.ts): who called this job, whom it called, its result. */
  parent?: JobLink | null;
  children?: JobLink[];
  result?: unknown;
  /** The job this one repeats, and the jobs that repeat this one (newest 20). */
  repeat_of_job?: JobRef | null;
  repeats?: JobRef[];
  steps?: Array<{ id: string; status: string; attempts: number; input: unknown; output: unknown; error: unknown; idempotency_key: string; started_at: string | null; finished_at: string | null }>;
}

export interface JobRef { id: string; number: number; status: string }

export interface JobLink {
  id: string;
  number: number;
  recipe: string;
  status: string;
  /** The recipe.call step (its row id) that made the call. */
  step: string | null;
}

const iso = (t: number | null) => (t === null || t === undefined ? null : new Date(Number(t)).toISOString());
const json = (s: string | null) => (s === null ? null : JSON.parse(s));

/** A job row whose trigger was selected as its size and, when small, its text. */
type SizedJobRow = Omit<JobRow, 'trigger'> & { trigger: string | null; trigger_bytes: number | null };

function jobView(r: SizedJobRow, limits: ValueLimits): JobView {
  return {
    id: r.id, number: Number(r.number), recipe: r.recipe, recipe_version: r.recipe_version, test: r.recipe_version < 0, status: r.status, title: r.title ?? null,
    trigger: capped(r.trigger, r.trigger_bytes, limits), error: json(r.error), repeat_of: r.repeat_of,
    created_at: iso(r.created_at)!, started_at: iso(r.started_at), finished_at: iso(r.finished_at),
  };
}

const JOB_COLUMNS = ['number', 'id', 'recipe', 'recipe_version', 'status', 'title', 'repeat_of', 'error', 'created_at', 'started_at', 'finished_at'] as const;
const DEFAULT_LIMITS: ValueLimits = { bytes: 16 * 1024, depth: 128 };

export interface ListQuery extends JobFilterInput {
  limit?: number;
  cursor?: string;
}

export interface JobPage {
  items: JobView[];
  next_cursor: string | null;
  /** Jobs matching the filters; with a filter expression, those matching within the scanned set. */
  total: number;
  /** With a filter expression: jobs it was run on, and whether the scan stopped at its cap. */
  scanned?: number;
  truncated: boolean;
}

const cursorNumber = (c: string | undefined): number | null => {
  if (!c) return null;
  const n = Number(Buffer.from(c, 'base64url').toString());
  if (!Number.isInteger(n)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'cursor is not one this API gave' });
  return n;
};

export class JobService {
  constructor(private readonly store: Store, private readonly queue: JobQueue, private readonly limits: ValueLimits = DEFAULT_LIMITS) {}

  /** Jobs with every column the views need; the trigger only as its size unless it is small. */
  #jobs() {
    const d = this.store.dialect;
    return this.store.db.selectFrom('jobs').select(JOB_COLUMNS)
      .select([ifSmall(d, 'trigger', this.limits.bytes).as('trigger'), byteLength(d, 'trigger').as('trigger_bytes')]);
  }

  /** Newest first; the cursor is the last number seen, opaque to callers. See job-search.ts for the filters. */
  async list(q: ListQuery): Promise<JobPage> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    const f = parseFilter(q);
    const after = cursorNumber(q.cursor);
    if (f.expr) {
      const s = await scan(this.store, f, f.expr);
      const rest = after === null ? s.numbers : s.numbers.filter((n) => n < after);
      const page = rest.slice(0, limit);
      const rows = page.length ? ((await this.#jobs().where('number', 'in', page).orderBy('number', 'desc').execute()) as SizedJobRow[]) : [];
      return this.#page(rows.map((r) => jobView(r, this.limits)), rest.length > limit, s.numbers.length, { scanned: s.scanned, truncated: s.truncated });
    }
    let query = this.#jobs().where((eb) => conditions(eb, f, this.store.dialect)).orderBy('number', 'desc').limit(limit + 1);
    if (after !== null) query = query.where('number', '<', after);
    const [rows, total] = await Promise.all([query.execute() as Promise<SizedJobRow[]>, this.count(f)]);
    return this.#page(rows.slice(0, limit).map((r) => jobView(r, this.limits)), rows.length > limit, total, { truncated: false });
  }

  #page(items: JobView[], more: boolean, total: number, extra: { scanned?: number; truncated: boolean }): JobPage {
    return { items, next_cursor: more ? Buffer.from(String(items[items.length - 1]!.number)).toString('base64url') : null, total, ...extra };
  }

  /** Jobs matching the SQL part of a filter. */
  count(f: JobFilter): Promise<number> {
    return countMatches(this.store, f);
  }

  /** Repeat or cancel every job the filter matches, if `expected` is still their count (job-bulk.ts). */
  bulk(action: BulkAction, filter: JobFilterInput, expected: number): Promise<BulkResult> {
    return bulk(this.store, action, parseFilter(filter), expected);
  }

  async row(idOrNumber: string): Promise<JobRow> {
    const q = this.store.db.selectFrom('jobs').selectAll();
    const r = /^\d+$/.test(idOrNumber) ? await q.where('number', '=', Number(idOrNumber)).executeTakeFirst() : await q.where('id', '=', idOrNumber).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Job ${idOrNumber}` });
    return r as JobRow;
  }

  async show(idOrNumber: string): Promise<JobView> {
    // With the steps a job that ran before its insert may keep in its row (queue/inline-steps.ts).
    const q = this.#jobs().select('steps');
    const r = (/^\d+$/.test(idOrNumber) ? await q.where('number', '=', Number(idOrNumber)).executeTakeFirst() : await q.where('id', '=', idOrNumber).executeTakeFirst()) as (SizedJobRow & { steps: string | null }) | undefined;
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Job ${idOrNumber}` });
    const d = this.store.dialect;
    const lim = this.limits.bytes;
    const steps = r.steps
      ? unpackSteps(r.id, r.steps).map((s) => ({ ...s, input_bytes: bytesOf(s.input), output_bytes: bytesOf(s.output) }))
      : await this.store.db.selectFrom('job_steps')
        .select(['step_id', 'status', 'attempts', 'error', 'idempotency_key', 'started_at', 'finished_at'])
        .select([ifSmall(d, 'input', lim).as('input'), byteLength(d, 'input').as('input_bytes'), ifSmall(d, 'output', lim).as('output'), byteLength(d, 'output').as('output_bytes')])
        .where('job_id', '=', r.id).orderBy('seq').execute();
    return {
      ...jobView(r, this.limits),
      ...(await this.#links(r.id)),
      ...(await this.#repeats(r.id, r.repeat_of)),
      steps: steps.map((s) => ({
        id: s.step_id, status: s.status, attempts: s.attempts,
        input: capped(s.input, s.input_bytes, this.limits), output: capped(s.output, s.output_bytes, this.limits), error: json(s.error),
        idempotency_key: s.idempotency_key, started_at: iso(s.started_at), finished_at: iso(s.finished_at),
      })),
    };
  }

  async #repeats(id: string, of: string | null): Promise<{ repeat_of_job: JobRef | null; repeats: JobRef[] }> {
    const ref = (j: { id: string; number: number; status: string }): JobRef => ({ id: j.id, number: Number(j.number), status: j.status });
    const original = of ? await this.store.db.selectFrom('jobs').select(['id', 'number', 'status']).where('id', '=', of).executeTakeFirst() : undefined;
    const repeats = await this.store.db.selectFrom('jobs').select(['id', 'number', 'status']).where('repeat_of', '=', id).orderBy('number', 'desc').limit(20).execute();
    return { repeat_of_job: original ? ref(original) : null, repeats: repeats.map(ref) };
  }

  async #links(id: string): Promise<{ parent: JobLink | null; children: JobLink[]; result: unknown }> {
    const cols = ['id', 'number', 'recipe', 'status', 'parent_step_id'] as const;
    const me = await this.store.db.selectFrom('jobs').select(['parent_job_id', 'parent_step_id', 'result']).where('id', '=', id).executeTakeFirstOrThrow();
    const p = me.parent_job_id ? await this.store.db.selectFrom('jobs').select(cols).where('id', '=', me.parent_job_id).executeTakeFirst() : undefined;
    const kids = await this.store.db.selectFrom('jobs').select(cols).where('parent_job_id', '=', id).orderBy('number').execute();
    const link = (j: { id: string; number: number; recipe: string; status: string }, step: string | null): JobLink => ({ id: j.id, number: Number(j.number), recipe: j.recipe, status: j.status, step });
    return { parent: p ? link(p, me.parent_step_id) : null, children: kids.map((k) => link(k, k.parent_step_id)), result: json(me.result) };
  }

  /** The full stored JSON text of a job's trigger or one step's input or output, for a download. */
  async value(idOrNumber: string, which: { step?: string; field: 'trigger' | 'input' | 'output' }): Promise<{ job: JobRow; text: string }> {
    const job = await this.row(idOrNumber);
    if (which.field === 'trigger') return { job, text: job.trigger };
    const s = job.steps ? unpackSteps(job.id, job.steps).find((x) => x.step_id === which.step)
      : await this.store.db.selectFrom('job_steps').select(['input', 'output']).where('job_id', '=', job.id).where('step_id', '=', which.step ?? '').executeTakeFirst();
    if (!s) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Step ${which.step} of job ${job.number}` });
    const text = s[which.field];
    if (text === null) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `The ${which.field} of step ${which.step}` });
    return { job, text };
  }

  /** The same trigger data (its stored text, not parsed and written again), run again by the recipe's current version, linked to the first job. */
  async repeat(idOrNumber: string, currentVersion: (recipe: string) => Promise<{ version: number; concurrency: number | null }>): Promise<JobView> {
    const r = await this.row(idOrNumber);
    const cur = await currentVersion(r.recipe);
    // The same trigger data gives the same title: the repeat keeps the first job's.
    const res = await this.queue.enqueue({ recipe: r.recipe, recipe_version: cur.version, trigger: new RawJson(r.trigger), repeat_of: r.id, concurrency_key: cur.concurrency ? r.recipe : null, title: r.title });
    return this.show(res.id);
  }

  /** Queued and waiting jobs stop at once; a running one stops at its next step (its worker loses the lease). */
  async cancel(idOrNumber: string): Promise<JobView> {
    const r = await this.row(idOrNumber);
    const now = Date.now();
    const updated = await this.store.tx((trx) => cancelJobs(trx, 'id', [r.id], now));
    if (updated === 0) throw new HookflowError('HF_ERR_JOB_NOT_ACTIVE', { id: r.id, status: r.status, action: 'canceled' });
    return this.show(r.id);
  }

  counts(): Promise<Record<string, number>> {
    return statusCounts(this.store.db);
  }

  async oldestQueuedAgeSeconds(): Promise<number> {
    const r = await this.store.db.selectFrom('jobs').select((eb) => eb.fn.min('created_at').as('t')).where('status', '=', 'queued').where(NOT_SUCCEEDED).where('run_at', '<=', Date.now()).executeTakeFirst();
    return r?.t ? (Date.now() - Number(r.t)) / 1000 : 0;
  }
}

/**
 * Cancels the active jobs among `keys` (job ids or numbers), with what a cancel brings: a parent
 * waiting in recipe.call wakes and reads that its child was canceled, people's open actions on
 * these jobs end (no inbox offers them any more), and their calls are canceled. Answers how many.
 */
export async function cancelJobs(trx: Transaction<DB>, by: 'id' | 'number', keys: Array<string | number>, now: number): Promise<number> {
  const error = JSON.stringify({ code: 'HF_ERR_JOB_CANCELED', message: 'The job was canceled' });
  const rows = await trx.updateTable('jobs').set({ status: 'canceled', finished_at: now, locked_by: null, locked_until: null, error })
    .where(by, 'in', keys as never[]).where('status', 'in', ['queued', 'waiting', 'running']).returning(['id', 'parent_job_id']).execute();
  if (!rows.length) return 0;
  const ids = rows.map((r) => r.id);
  const parents = rows.map((r) => r.parent_job_id).filter((p): p is string => !!p);
  if (parents.length) await trx.updateTable('jobs').set({ status: 'queued', run_at: now }).where('id', 'in', parents).where('status', '=', 'waiting').execute();
  await trx.updateTable('ops_actions').set({ status: 'request_canceled', closed_at: now }).where('job_id', 'in', ids).where('status', '=', 'open').execute();
  await cancelDescendants(trx, ids, now);
  return rows.length;
}

/**
 * A canceled parent's calls end with it: children still queued, waiting or running (and theirs,
 * level by level; calls nest at most HOOKFLOW_CALL_MAX_DEPTH deep) are canceled in the same transaction,
 * with their people's open actions. A running child's worker then finds its lease gone.
 */
export async function cancelDescendants(trx: Transaction<DB>, roots: string | string[], now: number): Promise<void> {
  const error = JSON.stringify({ code: 'HF_ERR_JOB_CANCELED', message: 'The job was canceled with its parent job' });
  let frontier = [roots].flat();
  for (let depth = 0; depth <= MAX_CALL_DEPTH_LIMIT && frontier.length; depth++) {
    const kids = await trx.selectFrom('jobs').select('id').where('parent_job_id', 'in', frontier).where('status', 'in', ['queued', 'waiting', 'running']).execute();
    frontier = kids.map((k) => k.id);
    if (!frontier.length) return;
    await trx.updateTable('jobs').set({ status: 'canceled', finished_at: now, locked_by: null, locked_until: null, error }).where('id', 'in', frontier).execute();
    await trx.updateTable('ops_actions').set({ status: 'request_canceled', closed_at: now }).where('job_id', 'in', frontier).where('status', '=', 'open').execute();
  }
}

/** Bytes of a stored text as the SQL byte length answers them (NULL for none). */
function bytesOf(text: string | null): number | null {
  return text === null ? null : Buffer.byteLength(text);
}
