/**
 * @module tables/csv
 * RFC 4180 CSV: fields in double quotes may hold commas, quotes (doubled) and line breaks;
 * records end in CRLF or LF. Each cell remembers whether it was quoted (see tables/values: an
 * empty quoted cell is "", an empty bare one null). Written with CRLF and quotes only where needed.
 */
import { HookflowError } from '../errors.js';

export interface Cell {
  text: string;
  quoted: boolean;
}

export interface CsvRecord {
  /** 1-based line where the record starts (a quoted line break makes records span lines). */
  line: number;
  cells: Cell[];
}

const bad = (line: number, reason: string) => new HookflowError('HF_ERR_TABLE_CSV', { line, reason });

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const out: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const cells: Cell[] = [];
    for (;;) {
      let cell: Cell;
      if (text[i] === '"') {
        let v = '';
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw bad(start, 'a quoted field is not closed');
          v += text.slice(i, q);
          i = q + 1;
          if (text[i] === '"') { v += '"'; i++; continue; }
          break;
        }
        for (const ch of v) if (ch === '\n') line++;
        cell = { text: v, quoted: true };
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw bad(line, 'text follows a closing quote (a quote inside a field is written "")');
        }
      } else {
        let j = i;
        while (j < text.length && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') {
          if (text[j] === '"') throw bad(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
          j++;
        }
        cell = { text: text.slice(i, j), quoted: false };
        i = j;
      }
      cells.push(cell);
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    // A blank line is no record.
    if (cells.length === 1 && !cells[0]!.quoted && cells[0]!.text === '') continue;
    out.push({ line: start, cells });
  }
  return out;
}

function field(v: string | null): string {
  if (v === null) return '';
  if (v === '' || /[",\r\n]/.test(v) || v !== v.trim()) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

export function formatCsvRecord(cells: Array<string | null>): string {
  return `${cells.map(field).join(',')}\r\n`;
}
