/**
 * @module services/job-search
 * What the jobs console filters by. Everything but `filter` is SQL on both dialects: `q` is a
 * case-insensitive substring of the stored trigger JSON text (strpos/instr over lower(); SQLite's
 * lower() folds ASCII only), `number`/`id` exact, `from`/`to` a created_at range, `status` one or
 * several, `recipe`. `filter` is a JSONata expression over `{trigger, job}` run by the sandboxed
 * engine (src/expressions) on the newest SCAN_CAP jobs the SQL part leaves, each evaluation under
 * a short time limit and the scan under a total budget; the answer says how many were scanned
 * and whether the cap or budget cut the scan short.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { NOT_SUCCEEDED } from '../store/job-indexes.js';
import type { DB } from '../store/schema.js';
import type { Dialect, Store } from '../store/types.js';
import { HookflowError, isHookflowError } from '../errors.js';
import { compileTemplate, type CompiledTemplate } from '../expressions/index.js';
import { ifSmall } from './job-values.js';

export const STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'] as const;
/** Jobs a filter expression is run on at most (newest first). */
export const SCAN_CAP = 10_000;
/** Wall-clock budget of one scan; past it the answer is marked truncated. */
const SCAN_BUDGET_MS = 10_000;
/** Triggers larger than this are not parsed for a filter expression (they never match one). */
const SCAN_TRIGGER_BYTES = 1024 * 1024;
const BATCH = 500;

/** The list's and bulk's filter, as the API receives it. */
export interface JobFilterInput {
  recipe?: string;
  status?: string | string[];
  q?: string;
  filter?: string;
  number?: number;
  id?: string;
  from?: string;
  to?: string;
}

export interface JobFilter {
  recipe?: string;
  statuses: string[];
  q?: string;
  number?: number;
  id?: string;
  from?: number;
  to?: number;
  expr?: CompiledTemplate;
  /** Only jobs numbered up to this (a bulk action leaves out the jobs it makes itself). */
  maxNumber?: number;
}

const bad = (reason: string) => new HookflowError('HF_ERR_VALIDATION', { reason }, { details: { reason } });

function time(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw bad(`${name} is not a date and time (ISO 8601, e.g. 2026-12-02T10:00:00Z)`);
  return t;
}

export function parseFilter(q: JobFilterInput): JobFilter {
  const statuses = [q.status ?? []].flat().flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const s of statuses) if (!(STATUSES as readonly string[]).includes(s)) throw bad(`status ${s} is not one of ${STATUSES.join(', ')}`);
  const f: JobFilter = { statuses };
  if (q.recipe) f.recipe = q.recipe;
  if (q.q !== undefined && q.q !== '') {
    if (q.q.length > 500) throw bad('the search text is longer than 500 characters');
    f.q = q.q.toLowerCase();
  }
  if (q.number !== undefined) f.number = q.number;
  if (q.id) f.id = q.id;
  const from = time(q.from, 'from');
  const to = time(q.to, 'to');
  if (from !== undefined) f.from = from;
  if (to !== undefined) f.to = to;
  if (from !== undefined && to !== undefined && from > to) throw bad('from is later than to');
  if (q.filter !== undefined && q.filter.trim() !== '') f.expr = compileFilter(q.filter);
  return f;
}

/** `{{ }}` around the expression is optional. A syntax error is HF_ERR_EXPRESSION_SYNTAX, like a recipe's. */
export function compileFilter(text: string): CompiledTemplate {
  if (text.length > 2000) throw bad('the filter expression is longer than 2000 characters');
  const t = text.trim();
  const body = t.startsWith('{{') && t.endsWith('}}') ? t.slice(2, -2) : t;
  if (body.includes('{{') || body.includes('}}')) throw bad('the filter is one expression; leave out {{ }} inside it');
  return compileTemplate(`{{ ${body} }}`, 'the jobs filter', { timeoutMs: 500, maxDepth: 100, maxOutputBytes: 1024 * 1024, maxSequence: 100_000 });
}

/** The SQL part of a filter, for `where`. */
export function conditions(eb: ExpressionBuilder<DB, 'jobs'>, f: JobFilter, dialect: Dialect): Expression<SqlBool> {
  const c: Expression<SqlBool>[] = [];
  if (f.recipe) c.push(eb('recipe', '=', f.recipe));
  if (f.statuses.length) c.push(eb('status', 'in', f.statuses));
  // Statuses other than succeeded are in jobs_status_live, which this term lets the planner use.
  if (f.statuses.length && !f.statuses.includes('succeeded')) c.push(NOT_SUCCEEDED);
  if (f.number !== undefined) c.push(eb('number', '=', f.number));
  if (f.id) c.push(eb('id', '=', f.id));
  if (f.from !== undefined) c.push(eb('created_at', '>=', f.from));
  if (f.to !== undefined) c.push(eb('created_at', '<=', f.to));
  if (f.maxNumber !== undefined) c.push(eb('number', '<=', f.maxNumber));
  if (f.q) c.push(dialect === 'postgres' ? sql<SqlBool>`strpos(lower(trigger), ${f.q}) > 0` : sql<SqlBool>`instr(lower(trigger), ${f.q}) > 0`);
  return eb.and(c);
}

/** JSONata's truthiness: false, null, 0, '' and empty sequences do not match. */
function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(truthy);
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Jobs matching the SQL part of a filter. */
export async function countMatches(store: Store, f: JobFilter): Promise<number> {
  const count = (g: JobFilter) => store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where((eb) => conditions(eb, g, store.dialect));
  // Succeeded jobs are in no status index (jobs_status_live): counted as the filter's jobs less
  // those with the statuses not asked for, which are, in one statement.
  const others = STATUSES.filter((s) => !f.statuses.includes(s));
  if (f.statuses.includes('succeeded') && others.length > 0) {
    const r = await store.db.selectNoFrom([count({ ...f, statuses: [] }).as('all'), count({ ...f, statuses: others }).as('others')]).executeTakeFirst();
    return Number(r?.all ?? 0) - Number(r?.others ?? 0);
  }
  const r = await count(f).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export interface Scan {
  /** Numbers of the matching jobs, newest first. */
  numbers: number[];
  scanned: number;
  truncated: boolean;
}

/**
 * Runs the filter expression over the newest jobs the SQL part leaves, in batches. A job whose
 * data makes the expression fail (a type error) does not match; a limit (time, depth, size)
 * stops the scan with HF_ERR_EXPRESSION_LIMIT, since it would hit the next job just the same.
 */
export async function scan(store: Store, f: JobFilter, expr: CompiledTemplate): Promise<Scan> {
  const started = Date.now();
  const out: Scan = { numbers: [], scanned: 0, truncated: false };
  let before: number | null = null;
  for (;;) {
    const size = Math.min(BATCH, SCAN_CAP - out.scanned);
    let q = store.db.selectFrom('jobs').select(['number', 'id', 'recipe', 'status', 'title', 'created_at', ifSmall(store.dialect, 'trigger', SCAN_TRIGGER_BYTES).as('trigger')])
      .where((eb) => conditions(eb, f, store.dialect)).orderBy('number', 'desc').limit(size + 1);
    if (before !== null) q = q.where('number', '<', before);
    const rows = await q.execute();
    const batch = rows.slice(0, size);
    const hits = await Promise.all(batch.map(async (r) => {
      if (r.trigger === null) return false;
      const job = { id: r.id, number: Number(r.number), recipe: r.recipe, status: r.status, title: r.title, created_at: new Date(Number(r.created_at)).toISOString() };
      try {
        return truthy(await expr.evaluate({ trigger: JSON.parse(r.trigger), steps: {}, job }));
      } catch (e) {
        if (isHookflowError(e) && e.code === 'HF_ERR_EXPRESSION_LIMIT') throw e;
        return false;
      }
    }));
    batch.forEach((r, i) => { if (hits[i]) out.numbers.push(Number(r.number)); });
    out.scanned += batch.length;
    if (rows.length <= size) return out;
    if (out.scanned >= SCAN_CAP || Date.now() - started > SCAN_BUDGET_MS) return { ...out, truncated: true };
    before = Number(batch[batch.length - 1]!.number);
  }
}
