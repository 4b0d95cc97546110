/**
 * @module tables/service
 * Lookup tables and their rows: what the API, the CLI (through the API) and the table actions
 * call. Lists are in name/key text order with opaque cursors (`items`, `next_cursor`).
 */
import type { Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import type { Store } from '../store/types.js';
import { HookflowError } from '../errors.js';
import { checkDefinition, type Column, type DefinitionInput, type Row, type TableDef } from './types.js';
import { checkRow, keyOf, rowInvalid } from './values.js';
import { columnEquals, dropColumnValues, lockTable, rowForUpdate, type DefRow } from './sql.js';

type Trx = Transaction<DB>;
export interface TableView extends TableDef { row_count: number }
export interface Page<T> { items: T[]; next_cursor: string | null }
export interface PageQuery { limit?: number; cursor?: string }

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const encode = (s: string) => Buffer.from(s).toString('base64url');
const decode = (c: string) => Buffer.from(c, 'base64url').toString();

export function toDef(r: DefRow): TableDef {
  const columns = JSON.parse(r.columns) as Column[];
  return { name: r.name, description: r.description, key: r.key_column, columns, created_at: iso(r.created_at), updated_at: iso(r.updated_at) };
}

/** A stored row with every column present (columns added later read as null). */
export function fullRow(def: TableDef, data: string): Row {
  const stored = JSON.parse(data) as Row;
  return Object.fromEntries(def.columns.map((c) => [c.name, stored[c.name] ?? null]));
}

export class TableService {
  constructor(readonly store: Store, private readonly now: () => number = Date.now) {}

  async list(q: PageQuery = {}): Promise<Page<TableView>> {
    const limit = q.limit ?? 100;
    let sel = this.store.db.selectFrom('lookup_tables').selectAll()
      .select((eb) => eb.selectFrom('lookup_rows').select(eb.fn.countAll<number>().as('n'))
        .whereRef('lookup_rows.table_name', '=', 'lookup_tables.name').as('row_count'))
      .orderBy('name').limit(limit + 1);
    if (q.cursor) sel = sel.where('name', '>', decode(q.cursor));
    const rows = await sel.execute();
    const items = rows.slice(0, limit).map((r) => ({ ...toDef(r), row_count: Number(r.row_count ?? 0) }));
    return { items, next_cursor: rows.length > limit ? encode(items[items.length - 1]!.name) : null };
  }

  async get(name: string): Promise<TableDef> {
    const r = await this.store.db.selectFrom('lookup_tables').selectAll().where('name', '=', name).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_TABLE_NOT_FOUND', { name });
    return toDef(r);
  }

  async show(name: string): Promise<TableView> {
    const def = await this.get(name);
    const n = await this.store.db.selectFrom('lookup_rows').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('table_name', '=', name).executeTakeFirstOrThrow();
    return { ...def, row_count: Number(n.n) };
  }

  /** Which of these names are tables (the save-time check asks this). */
  async existing(names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await this.store.db.selectFrom('lookup_tables').select('name').where('name', 'in', names).execute();
    return new Set(rows.map((r) => r.name));
  }

  async create(input: DefinitionInput): Promise<TableView> {
    const d = checkDefinition(input);
    const now = this.now();
    const inserted = await this.store.db.insertInto('lookup_tables')
      .values({ name: d.name, description: d.description, key_column: d.key, columns: JSON.stringify(d.columns), created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new HookflowError('HF_ERR_TABLE_EXISTS', { name: d.name });
    return this.show(d.name);
  }

  /**
   * New description and columns. The key column stays what it was and a kept column keeps its
   * type (stored values were checked against it); a removed column's values are dropped.
   */
  async update(name: string, input: DefinitionInput): Promise<TableView> {
    await this.store.tx(async (trx) => {
      const cur = toDef(await lockTable(trx, this.store.dialect, name, 'update'));
      const description = input.description === undefined ? cur.description : input.description;
      const d = checkDefinition({ name, description, key: input.key ?? cur.key, columns: input.columns ?? cur.columns }, false);
      const problems: Array<{ path: string; message: string }> = [];
      if (d.key !== cur.key || d.columns[0]!.type !== cur.columns[0]!.type) {
        problems.push({ path: '/key', message: `the key column stays ${cur.key} (${cur.columns[0]!.type}); make a new table for another key` });
      }
      for (const c of d.columns) {
        const was = cur.columns.find((x) => x.name === c.name);
        if (was && was.type !== c.type) {
          problems.push({ path: '/columns', message: `column ${c.name} is ${was.type}; its type cannot change (remove it and add a new column)` });
        }
      }
      if (problems.length) throw new HookflowError('HF_ERR_TABLE_INVALID', { reason: problems[0]!.message }, { details: problems });
      for (const c of cur.columns) if (!d.columns.some((x) => x.name === c.name)) await dropColumnValues(trx, this.store.dialect, name, c.name);
      await trx.updateTable('lookup_tables').set({ description: d.description, columns: JSON.stringify(d.columns), updated_at: this.now() })
        .where('name', '=', name).execute();
    });
    return this.show(name);
  }

  /** The table, its rows and its remembered step writes; a step naming it later fails HF_ERR_TABLE_NOT_FOUND. */
  async delete(name: string): Promise<void> {
    await this.store.tx(async (trx) => {
      await lockTable(trx, this.store.dialect, name, 'update');
      await trx.deleteFrom('lookup_rows').where('table_name', '=', name).execute();
      await trx.deleteFrom('lookup_writes').where('table_name', '=', name).execute();
      await trx.deleteFrom('lookup_tables').where('name', '=', name).execute();
    });
  }

  async rows(name: string, q: PageQuery & { where?: Row } = {}): Promise<Page<Row>> {
    const def = await this.get(name);
    const limit = q.limit ?? 100;
    let sel = this.store.db.selectFrom('lookup_rows').select(['key', 'data']).where('table_name', '=', name).orderBy('key').limit(limit + 1);
    if (q.cursor) sel = sel.where('key', '>', decode(q.cursor));
    for (const [c, v] of Object.entries(q.where ?? {})) sel = sel.where(columnEquals(this.store.dialect, checkWhere(def, c, v), v));
    const rows = await sel.execute();
    const page = rows.slice(0, limit);
    return { items: page.map((r) => fullRow(def, r.data)), next_cursor: rows.length > limit ? encode(page[page.length - 1]!.key) : null };
  }

  async row(name: string, key: unknown): Promise<Row> {
    const def = await this.get(name);
    const k = keyOf(def, key);
    const r = await this.store.db.selectFrom('lookup_rows').select('data').where('table_name', '=', name).where('key', '=', k).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_TABLE_ROW_NOT_FOUND', { table: name, key: k });
    return fullRow(def, r.data);
  }

  /** A new row; HF_ERR_TABLE_ROW_EXISTS when its key is taken. */
  async insertRow(name: string, row: unknown): Promise<Row> {
    return this.store.tx(async (trx) => {
      const def = toDef(await lockTable(trx, this.store.dialect, name, 'share'));
      const r = checkRow(def, row);
      const ins = await trx.insertInto('lookup_rows').values({ table_name: name, key: r.key, data: JSON.stringify(r.row), updated_at: this.now() })
        .onConflict((oc) => oc.columns(['table_name', 'key']).doNothing()).executeTakeFirst();
      if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) throw new HookflowError('HF_ERR_TABLE_ROW_EXISTS', { table: name, key: r.key });
      return r.row;
    });
  }

  /** Creates or changes the row with this key: `replace` sets every column, `merge` only those given. */
  async putRow(name: string, key: unknown, values: unknown, mode: 'replace' | 'merge' = 'replace'): Promise<{ row: Row; created: boolean }> {
    return this.store.tx(async (trx) => {
      const def = toDef(await lockTable(trx, this.store.dialect, name, 'share'));
      return this.upsertIn(trx, def, key, values, mode);
    });
  }

  /** In the caller's transaction, after it locked the table (see tables/sql). */
  async upsertIn(trx: Trx, def: TableDef, key: unknown, values: unknown, mode: 'replace' | 'merge'): Promise<{ row: Row; created: boolean }> {
    const k = keyOf(def, key);
    const bad = (message: string) => rowInvalid(def.name, [{ column: def.key, message }]);
    if (!values || typeof values !== 'object' || Array.isArray(values)) throw bad('the values are an object of column values');
    const given = values as Row;
    if (def.key in given && keyOf(def, given[def.key]) !== k) throw bad(`the row's key ${String(given[def.key])} is not ${k}`);
    let cur = await rowForUpdate(trx, this.store.dialect, def.name, k);
    const next = (base: Row) => checkRow(def, { ...(mode === 'merge' ? base : {}), ...given, [def.key]: key }).row;
    const now = this.now();
    if (cur === undefined) {
      const row = next({});
      const ins = await trx.insertInto('lookup_rows').values({ table_name: def.name, key: k, data: JSON.stringify(row), updated_at: now })
        .onConflict((oc) => oc.columns(['table_name', 'key']).doNothing()).executeTakeFirst();
      if (Number(ins.numInsertedOrUpdatedRows ?? 0) > 0) return { row, created: true };
      // Another transaction inserted it meanwhile and has committed: change that row instead.
      cur = await rowForUpdate(trx, this.store.dialect, def.name, k);
      const reason = `row ${k} of table ${def.name} changed while being written; retry`;
      if (cur === undefined) throw new HookflowError('HF_ERR_CONFLICT', { reason }, { retryable: true });
    }
    const row = next(fullRow(def, cur));
    await trx.updateTable('lookup_rows').set({ data: JSON.stringify(row), updated_at: now }).where('table_name', '=', def.name).where('key', '=', k).execute();
    return { row, created: false };
  }

  /** Whether a row was there to delete. */
  async deleteIn(trx: Trx, def: TableDef, key: unknown): Promise<boolean> {
    const r = await trx.deleteFrom('lookup_rows').where('table_name', '=', def.name).where('key', '=', keyOf(def, key)).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async deleteRow(name: string, key: unknown): Promise<void> {
    const gone = await this.store.tx(async (trx) => this.deleteIn(trx, toDef(await lockTable(trx, this.store.dialect, name, 'share')), key));
    if (!gone) throw new HookflowError('HF_ERR_TABLE_ROW_NOT_FOUND', { table: name, key: String(key) });
  }

  /**
   * A step's write, applied at most once per idempotency key: the key and the step's answer commit
   * with the write, and a retry of the same attempt gets that answer back without writing again.
   * Re-applying instead would undo what others wrote meanwhile (a merge over a newer value, a
   * delete of a row someone re-created).
   */
  async stepWrite<T>(idempotencyKey: string, table: string, fn: (trx: Trx, def: TableDef) => Promise<T>): Promise<T> {
    return this.store.tx(async (trx) => {
      // The key first: a second run of the same attempt (a worker that lost its lease) waits here
      // for the first to commit, then reads its answer instead of writing too.
      const claimed = await trx.insertInto('lookup_writes')
        .values({ idempotency_key: idempotencyKey, table_name: table, output: 'null', created_at: this.now() })
        .onConflict((oc) => oc.column('idempotency_key').doNothing()).executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) {
        const seen = await trx.selectFrom('lookup_writes').select('output').where('idempotency_key', '=', idempotencyKey).executeTakeFirstOrThrow();
        return JSON.parse(seen.output) as T;
      }
      const def = toDef(await lockTable(trx, this.store.dialect, table, 'share'));
      const out = await fn(trx, def);
      await trx.updateTable('lookup_writes').set({ output: JSON.stringify(out) }).where('idempotency_key', '=', idempotencyKey).execute();
      return out;
    });
  }

  /** Remembered step writes older than the cutoff (a retry that late is not one). */
  async pruneWrites(cutoff: number): Promise<number> {
    const r = await this.store.db.deleteFrom('lookup_writes').where('created_at', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

/** A `where` column: a real, non-JSON column, with a value of its type or null. */
export function checkWhere(def: TableDef, column: string, v: unknown): string {
  const col = def.columns.find((c) => c.name === column);
  const fail = (message: string) => { throw rowInvalid(def.name, [{ column, message }]); };
  if (!col) fail(`table ${def.name} has no column ${column}`);
  if (col!.type === 'json') fail('json columns cannot be searched');
  if (v !== null && typeof v !== col!.type) fail(`${JSON.stringify(v)} is not a ${col!.type}`);
  return column;
}
