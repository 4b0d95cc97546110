/**
 * @module tables/sql
 * The SQL where the dialects differ. Rows are JSON text in both; PostgreSQL reads them as jsonb,
 * SQLite through json_extract. Writes lock the table's definition row (FOR SHARE, so writes to
 * different keys run side by side while a delete or a column change waits for them) and then the
 * row itself (FOR UPDATE): concurrent upserts of one key queue up instead of racing. SQLite needs
 * neither: the store runs one write transaction at a time.
 */
import { sql, type Expression, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import type { Dialect } from '../store/types.js';
import { HookflowError } from '../errors.js';

type Trx = Transaction<DB>;

export interface DefRow { name: string; description: string | null; key_column: string; columns: string; created_at: number; updated_at: number }

/** The table's definition row, locked against a concurrent delete or redefinition. */
export async function lockTable(trx: Trx, dialect: Dialect, name: string, mode: 'share' | 'update'): Promise<DefRow> {
  let q = trx.selectFrom('lookup_tables').selectAll().where('name', '=', name);
  if (dialect === 'postgres') q = mode === 'share' ? q.forShare() : q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new HookflowError('HF_ERR_TABLE_NOT_FOUND', { name });
  return row;
}

export async function rowForUpdate(trx: Trx, dialect: Dialect, table: string, key: string): Promise<string | undefined> {
  let q = trx.selectFrom('lookup_rows').select('data').where('table_name', '=', table).where('key', '=', key);
  if (dialect === 'postgres') q = q.forUpdate();
  return (await q.executeTakeFirst())?.data;
}

/** `column = value` on the stored JSON, type-exact (a string "1" never equals a number 1). */
export function columnEquals(dialect: Dialect, column: string, value: unknown): Expression<SqlBool> {
  if (dialect === 'postgres') {
    return value === null
      ? sql<SqlBool>`coalesce(data::jsonb -> ${column}, 'null'::jsonb) = 'null'::jsonb`
      : sql<SqlBool>`(data::jsonb -> ${column}) = ${JSON.stringify(value)}::jsonb`;
  }
  const path = `$.${column}`;
  if (value === null) return sql<SqlBool>`json_extract(data, ${path}) IS NULL`;
  // json_extract answers true/false as 1/0 and strings as text: the type test keeps 1 from matching "1".
  const type = typeof value === 'string' ? 'text' : typeof value === 'boolean' ? (value ? 'true' : 'false') : Number.isInteger(value) ? 'integer' : 'real';
  if (typeof value === 'boolean') return sql<SqlBool>`json_type(data, ${path}) = ${type}`;
  return typeof value === 'number'
    ? sql<SqlBool>`json_type(data, ${path}) IN ('integer', 'real') AND json_extract(data, ${path}) = ${value}`
    : sql<SqlBool>`json_type(data, ${path}) = ${type} AND json_extract(data, ${path}) = ${value}`;
}

/** Drops a column's values from every row of a table (a re-added column starts empty). */
export async function dropColumnValues(trx: Trx, dialect: Dialect, table: string, column: string): Promise<void> {
  const expr = dialect === 'postgres' ? sql<string>`(data::jsonb - ${column})::text` : sql<string>`json_remove(data, ${`$.${column}`})`;
  await trx.updateTable('lookup_rows').set({ data: expr }).where('table_name', '=', table).execute();
}
