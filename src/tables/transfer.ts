/**
 * @module tables/transfer
 * CSV import and export. An import is checked whole before anything is written (every problem
 * named by row and column, at most 100), then written in one transaction holding the table:
 * `upsert` replaces the rows it names, `replace` makes the table exactly the file.
 */
import { HookflowError } from '../errors.js';
import { parseCsv } from './csv.js';
import { formatCsvRecord } from './csv.js';
import { fromCell, keyText, MAX_ROW_BYTES, rowInvalid, toCell, type RowProblem } from './values.js';
import { lockTable } from './sql.js';
import { fullRow, toDef, type TableService } from './service.js';
import type { Row, TableDef } from './types.js';

export const MAX_IMPORT_ROWS = 100_000;
const BATCH = 200;

export function csvRows(def: TableDef, text: string): Array<{ key: string; row: Row }> {
  const records = parseCsv(text);
  if (records.length === 0) throw new HookflowError('HF_ERR_TABLE_CSV', { line: 1, reason: 'the file is empty; the first line names the columns' });
  const header = records[0]!.cells.map((c) => c.text.trim());
  const problems: RowProblem[] = [];
  const cols = header.map((h) => def.columns.find((c) => c.name === h));
  header.forEach((h, i) => {
    if (!cols[i]) problems.push({ row: 0, column: h, message: `table ${def.name} has no column ${h}` });
    else if (header.indexOf(h) !== i) problems.push({ row: 0, column: h, message: `column ${h} appears twice in the header` });
  });
  if (!header.includes(def.key)) problems.push({ row: 0, column: def.key, message: `the header has no key column ${def.key}` });
  if (problems.length) throw rowInvalid(def.name, problems);
  if (records.length - 1 > MAX_IMPORT_ROWS) {
    throw new HookflowError('HF_ERR_TABLE_CSV', { line: records[MAX_IMPORT_ROWS + 1]!.line, reason: `more than ${MAX_IMPORT_ROWS} rows` });
  }
  const out: Array<{ key: string; row: Row }> = [];
  const seen = new Map<string, number>();
  for (let n = 1; n < records.length && problems.length < 100; n++) {
    const rec = records[n]!;
    const label = (column: string, message: string) => problems.push({ row: n, column, message: `${message} (line ${rec.line})` });
    if (rec.cells.length !== header.length) { label(def.key, `has ${rec.cells.length} fields, the header ${header.length}`); continue; }
    const row: Row = Object.fromEntries(def.columns.map((c) => [c.name, null]));
    rec.cells.forEach((cell, i) => {
      try { row[cols[i]!.name] = fromCell(cols[i]!, cell.text, cell.quoted); } catch (e) { label(cols[i]!.name, (e as Error).message); }
    });
    const k = keyText(def, row[def.key]);
    if (typeof k !== 'string') { label(def.key, k.message); continue; }
    const first = seen.get(k);
    if (first !== undefined) { label(def.key, `repeats the key ${k} of row ${first}`); continue; }
    seen.set(k, n);
    const bytes = Buffer.byteLength(JSON.stringify(row));
    if (bytes > MAX_ROW_BYTES) { label(def.key, `is ${bytes} bytes of JSON, over the limit of ${MAX_ROW_BYTES}`); continue; }
    out.push({ key: k, row });
  }
  if (problems.length) throw rowInvalid(def.name, problems);
  return out;
}

export async function importCsv(svc: TableService, name: string, text: string, mode: 'upsert' | 'replace'): Promise<{ imported: number; mode: string }> {
  const rows = csvRows(await svc.get(name), text);
  const { store } = svc;
  const now = Date.now();
  await store.tx(async (trx) => {
    // The whole table: an import is one change, not interleaved with single-row writes.
    const def = toDef(await lockTable(trx, store.dialect, name, 'update'));
    if (mode === 'replace') await trx.deleteFrom('lookup_rows').where('table_name', '=', name).execute();
    for (let i = 0; i < rows.length; i += BATCH) {
      const values = rows.slice(i, i + BATCH).map((r) => ({ table_name: name, key: r.key, data: JSON.stringify(r.row), updated_at: now }));
      await trx.insertInto('lookup_rows').values(values)
        .onConflict((oc) => oc.columns(['table_name', 'key'])
          .doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), updated_at: eb.ref('excluded.updated_at') })))
        .execute();
    }
  });
  return { imported: rows.length, mode };
}

/** The table as CSV, a page at a time (a large table is never one string in memory). */
export async function* exportCsv(svc: TableService, name: string): AsyncGenerator<string> {
  const def = await svc.get(name);
  yield formatCsvRecord(def.columns.map((c) => c.name));
  let after: string | null = null;
  for (;;) {
    let q = svc.store.db.selectFrom('lookup_rows').select(['key', 'data']).where('table_name', '=', name).orderBy('key').limit(1000);
    if (after !== null) q = q.where('key', '>', after);
    const rows = await q.execute();
    if (rows.length === 0) return;
    let chunk = '';
    for (const r of rows) {
      const row = fullRow(def, r.data);
      chunk += formatCsvRecord(def.columns.map((c) => toCell(c, row[c.name])));
    }
    yield chunk;
    after = rows[rows.length - 1]!.key;
  }
}
