/**
 * @module cli/commands/tables
 * `hookflow tables list|show|create|delete|import|export|rows`, through /api/v1/tables.
 * Import and export are CSV (RFC 4180) files, `-` for stdin/stdout.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { api, collect, emit, fields, out, positiveInt, seg, sub, table, type JsonOpt } from './shared.js';

interface TableView {
  name: string; description: string | null; key: string; row_count: number; created_at: string; updated_at: string;
  columns: Array<{ name: string; type: string }>;
}
type Page<T> = { items: T[]; next_cursor: string | null };

/** `name` or `name:type`. */
function parseColumns(specs: string[]): Array<{ name: string; type?: string }> {
  return specs.map((s) => {
    const [name, type, extra] = s.split(':');
    if (!name || extra !== undefined) throw new HookflowError('HF_ERR_VALIDATION', { reason: `a column is name or name:type, not ${s}` });
    return type ? { name, type } : { name };
  });
}

const cols = (t: TableView) => t.columns.map((c) => `${c.name}:${c.type}${c.name === t.key ? ' (key)' : ''}`).join(', ');

export function registerTableCommands(program: Command): void {
  const tables = program.command('tables')
    .description('Lookup tables: typed rows that steps read and write (table.get, table.find, table.upsert, table.delete)');

  sub(tables, 'list', 'List lookup tables')
    .action(async (opts: JsonOpt) => {
      const items: TableView[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<TableView> = await api(opts)('GET', '/tables', { query: { limit: 1000, cursor: cursor ?? undefined } });
        items.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      const rows = items.map((t) => [t.name, t.key, t.row_count, cols(t), t.updated_at]);
      emit(opts, items, () => out(items.length ? table(['NAME', 'KEY', 'ROWS', 'COLUMNS', 'UPDATED'], rows) : 'No tables.'));
    });

  sub(tables, 'show <name>', 'A table\'s columns and row count')
    .action(async (name: string, opts: JsonOpt) => {
      const t = await api(opts)<TableView>('GET', `/tables/${seg(name)}`);
      emit(opts, t, () => out(fields([
        ['Name', t.name], ['Description', t.description], ['Key', t.key], ['Columns', cols(t)], ['Rows', t.row_count],
        ['Created', t.created_at], ['Updated', t.updated_at],
      ])));
    });

  sub(tables, 'create <name>', 'Create a table: --column name[:type] for each column (string, number, boolean, json); the key is the first unless --key')
    .requiredOption('--column <spec>', 'a column as name or name:type; repeatable or comma-separated', collect)
    .option('--key <column>', 'the key column (string or number; default: the first column)')
    .option('--description <text>', 'what the table is for')
    .action(async (name: string, opts: JsonOpt & { column: string[]; key?: string; description?: string }) => {
      const body = { name, columns: parseColumns(opts.column), ...(opts.key ? { key: opts.key } : {}), ...(opts.description ? { description: opts.description } : {}) };
      const t = await api(opts)<TableView>('POST', '/tables', { body });
      emit(opts, t, () => out(`Table ${t.name} created: ${cols(t)}`));
    });

  sub(tables, 'delete <name>', 'Delete a table and its rows (recipe steps naming it then fail)')
    .action(async (name: string, opts: JsonOpt) => {
      await api(opts)('DELETE', `/tables/${seg(name)}`);
      emit(opts, { deleted: name }, () => out(`Table ${name} deleted`));
    });

  sub(tables, 'import <name> <file>', 'Import a CSV file (- for stdin); the first line names the columns')
    .option('--replace', 'make the table exactly the file (rows not in it are deleted); default: add or replace the rows it names')
    .action(async (name: string, file: string, opts: JsonOpt & { replace?: boolean }) => {
      const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
      const query = { mode: opts.replace ? 'replace' : 'upsert' };
      const r = await api(opts)<{ imported: number; mode: string }>('POST', `/tables/${seg(name)}/import`, { body: text, contentType: 'text/csv', query });
      emit(opts, r, () => out(`Imported ${r.imported} rows into ${name} (${r.mode})`));
    });

  sub(tables, 'export <name>', 'Print the table as CSV, or write it to --output')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (name: string, opts: JsonOpt & { output?: string }) => {
      const csv = await api(opts)<string>('GET', `/tables/${seg(name)}/export`, { raw: true });
      if (opts.output) fs.writeFileSync(opts.output, csv);
      else process.stdout.write(csv);
    });

  sub(tables, 'rows <name>', 'List rows in key order')
    .option('--where <json>', 'only rows with these column values, e.g. \'{"active":true}\'')
    .option('--limit <n>', 'at most this many (1-1000, default 100)', positiveInt)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action(async (name: string, opts: JsonOpt & { where?: string; limit?: number; cursor?: string }) => {
      const t = opts.json ? null : await api(opts)<TableView>('GET', `/tables/${seg(name)}`);
      const query = { where: opts.where, limit: opts.limit, cursor: opts.cursor };
      const page = await api(opts)<Page<Record<string, unknown>>>('GET', `/tables/${seg(name)}/rows`, { query });
      emit(opts, page, () => {
        const names = t!.columns.map((c) => c.name);
        const cell = (v: unknown) => (v === null || typeof v !== 'object' ? v : JSON.stringify(v));
        out(page.items.length ? table(names.map((n) => n.toUpperCase()), page.items.map((r) => names.map((n) => cell(r[n])))) : 'No rows.');
        if (page.next_cursor) out(`\nMore: hookflow tables rows ${name} --cursor ${page.next_cursor}`);
      });
    });
}
