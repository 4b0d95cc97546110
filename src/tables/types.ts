/**
 * @module tables/types
 * A lookup table's definition and the rules for it. Column types are `string`, `number`,
 * `boolean` and `json` (any JSON value); every non-key column may be null (an empty CSV cell).
 * The key column is `string` or `number`; rows are stored by the key's canonical text, so
 * `"01"` and `1` name the same row of a number-keyed table.
 */
import { HookflowError } from '../errors.js';

export const COLUMN_TYPES = ['string', 'number', 'boolean', 'json'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface Column {
  name: string;
  type: ColumnType;
  description?: string;
}

export interface TableDef {
  name: string;
  description: string | null;
  /** The key column's name; always `columns[0]`. */
  key: string;
  columns: Column[];
  created_at: string;
  updated_at: string;
}

export type Row = Record<string, unknown>;

export interface Problem {
  path: string;
  message: string;
}

export const TABLE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Column names are plain identifiers: they appear in JSON paths (`steps.x.row.<name>`) and in SQL JSON paths. */
export const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const MAX_COLUMNS = 64;

export interface DefinitionInput {
  name?: unknown;
  description?: unknown;
  key?: unknown;
  columns?: unknown;
}

/** Checks a definition; the key column moves first. Every problem at once, as HF_ERR_TABLE_INVALID. */
export function checkDefinition(input: DefinitionInput, needName = true): { name: string; description: string | null; key: string; columns: Column[] } {
  const problems: Problem[] = [];
  const name = typeof input.name === 'string' ? input.name : '';
  const add = (path: string, message: string) => problems.push({ path, message });
  if (needName && !TABLE_NAME.test(name)) add('/name', 'a table name is 1-63 lower-case letters, digits, _ and -, starting with a letter or digit');
  const cols: Column[] = [];
  if (!Array.isArray(input.columns) || input.columns.length === 0) problems.push({ path: '/columns', message: 'a table needs at least one column (its key)' });
  else if (input.columns.length > MAX_COLUMNS) problems.push({ path: '/columns', message: `a table has at most ${MAX_COLUMNS} columns` });
  else {
    const seen = new Set<string>();
    input.columns.forEach((c: unknown, i) => {
      const col = (c ?? {}) as Record<string, unknown>;
      const n = typeof col.name === 'string' ? col.name : '';
      if (!COLUMN_NAME.test(n)) add(`/columns/${i}/name`, 'a column name is a letter or _, then letters, digits or _ (at most 63)');
      else if (seen.has(n)) problems.push({ path: `/columns/${i}/name`, message: `column ${n} appears twice` });
      seen.add(n);
      const type = col.type ?? 'string';
      if (!COLUMN_TYPES.includes(type as ColumnType)) problems.push({ path: `/columns/${i}/type`, message: `the type is one of ${COLUMN_TYPES.join(', ')}` });
      cols.push({ name: n, type: type as ColumnType, ...(typeof col.description === 'string' ? { description: col.description } : {}) });
    });
  }
  const key = typeof input.key === 'string' ? input.key : cols[0]?.name ?? '';
  const keyCol = cols.find((c) => c.name === key);
  if (cols.length && !keyCol) problems.push({ path: '/key', message: `the key ${key} is not one of the columns` });
  else if (keyCol && keyCol.type !== 'string' && keyCol.type !== 'number') add('/key', 'the key column is a string or number column');
  const desc = input.description;
  if (desc !== undefined && desc !== null && typeof desc !== 'string') add('/description', 'the description is text');
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new HookflowError('HF_ERR_TABLE_INVALID', { reason: `${problems[0]!.path}: ${problems[0]!.message}${more}` }, { details: problems });
  }
  return { name, description: (input.description as string | undefined) ?? null, key, columns: [keyCol!, ...cols.filter((c) => c !== keyCol)] };
}
