/**
 * @module tables/values
 * Typed values: JSON rows from the API and steps are checked as they are (no coercion: `"5"` is
 * not a number); CSV cells are converted by their column's type. An empty unquoted cell is null,
 * a quoted empty cell (`""`) is the empty string, so an export imports back to the same rows.
 */
import { HookflowError } from '../errors.js';
import type { Column, Row, TableDef } from './types.js';

export interface RowProblem {
  /** 1-based row of a CSV or batch; absent for a single row. */
  row?: number;
  column: string;
  message: string;
}

/** A key is part of a primary key (PostgreSQL refuses index entries past ~2.7 KB); a row is one JSON text. */
export const MAX_KEY_LENGTH = 512;
export const MAX_ROW_BYTES = 65_536;

const typeOk: Record<Column['type'], (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  json: () => true,
};

/** The canonical text a key is stored under, or a problem message. */
export function keyText(def: TableDef, v: unknown): string | { message: string } {
  const col = def.columns[0]!;
  if (col.type === 'number') {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? String(n) : { message: `the key ${def.key} is a number` };
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v === '') return { message: `the key ${def.key} is a non-empty string` };
  return v.length > MAX_KEY_LENGTH ? { message: `the key is longer than ${MAX_KEY_LENGTH} characters` } : v;
}

/** The key of a row named in a URL or a step, as stored; HF_ERR_TABLE_ROW_INVALID otherwise. */
export function keyOf(def: TableDef, v: unknown): string {
  const k = keyText(def, v);
  if (typeof k === 'string') return k;
  throw rowInvalid(def.name, [{ column: def.key, message: k.message }]);
}

/** Problems of one row object: unknown columns, wrong types, a missing key. */
export function rowProblems(def: TableDef, row: unknown, n?: number): { key: string | null; row: Row; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const at = (column: string, message: string) => problems.push({ ...(n === undefined ? {} : { row: n }), column, message });
  if (!row || typeof row !== 'object' || Array.isArray(row)) {
    at(def.key, 'a row is an object of column values');
    return { key: null, row: {}, problems };
  }
  const obj = row as Row;
  const out: Row = {};
  for (const k of Object.keys(obj)) if (!def.columns.some((c) => c.name === k)) at(k, `table ${def.name} has no column ${k}`);
  let key: string | null = null;
  for (const c of def.columns) {
    const v = obj[c.name] ?? null;
    if (c.name === def.key) {
      const k = keyText(def, v);
      if (typeof k === 'string') key = k;
      else at(c.name, k.message);
      out[c.name] = typeof k === 'string' ? (c.type === 'number' ? Number(k) : k) : v;
      continue;
    }
    if (v !== null && !typeOk[c.type](v)) at(c.name, `${JSON.stringify(v)?.slice(0, 60)} is not a ${c.type}`);
    out[c.name] = v;
  }
  return { key, row: out, problems };
}

/** The row with its key, or HF_ERR_TABLE_ROW_INVALID naming every problem. */
export function checkRow(def: TableDef, row: unknown): { key: string; row: Row } {
  const r = rowProblems(def, row);
  if (r.problems.length || r.key === null) throw rowInvalid(def.name, r.problems);
  const bytes = Buffer.byteLength(JSON.stringify(r.row));
  if (bytes > MAX_ROW_BYTES) throw rowInvalid(def.name, [{ column: def.key, message: `the row is ${bytes} bytes of JSON, over the limit of ${MAX_ROW_BYTES}` }]);
  return { key: r.key, row: r.row };
}

export function rowInvalid(table: string, problems: RowProblem[]): HookflowError {
  const first = problems[0] ?? { column: '', message: 'invalid row' };
  const where = `${first.row === undefined ? '' : `row ${first.row}, `}column ${first.column}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new HookflowError('HF_ERR_TABLE_ROW_INVALID', { table, reason: `${where}: ${first.message}${more}` }, { details: problems.slice(0, 100) });
}

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

/** A CSV cell as its column's type; throws the message naming what is wrong. */
export function fromCell(col: Column, text: string, quoted: boolean): unknown {
  if (text === '' && !quoted) return null;
  switch (col.type) {
    case 'string': return text;
    case 'number': {
      const n = text.trim() === '' ? NaN : Number(text.trim());
      if (!Number.isFinite(n)) throw new Error(`${JSON.stringify(text.slice(0, 40))} is not a number`);
      return n;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (TRUE.has(t)) return true;
      if (FALSE.has(t)) return false;
      throw new Error(`${JSON.stringify(text.slice(0, 40))} is not a boolean (true/false, yes/no, 1/0)`);
    }
    case 'json':
      try { return JSON.parse(text); } catch { throw new Error(`${JSON.stringify(text.slice(0, 40))} is not JSON`); }
  }
}

/** A value as CSV cell text; null is the empty unquoted cell. */
export function toCell(col: Column, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (col.type === 'json') return JSON.stringify(v);
  return String(v);
}
