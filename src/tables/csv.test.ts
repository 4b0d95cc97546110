import { describe, expect, it } from 'vitest';
import { formatCsvRecord, parseCsv } from './csv.js';

describe('RFC 4180 CSV', () => {
  it('parses quoted commas, doubled quotes, line breaks in fields, CRLF and LF, and remembers quoting', () => {
    const recs = parseCsv('\ufeffid,note\r\n1,"a, ""b""\r\nc"\n2,\n3,""\n\n');
    expect(recs.map((r) => r.line)).toEqual([1, 2, 4, 5]);
    expect(recs[1]!.cells).toEqual([{ text: '1', quoted: false }, { text: 'a, "b"\r\nc', quoted: true }]);
    expect(recs[2]!.cells[1]).toEqual({ text: '', quoted: false });
    expect(recs[3]!.cells[1]).toEqual({ text: '', quoted: true });
  });

  it('names the line of malformed quoting', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3')).toThrow(expect.objectContaining({ code: 'HF_ERR_TABLE_CSV', message: expect.stringContaining('line 2') }));
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(expect.objectContaining({ code: 'HF_ERR_TABLE_CSV', message: expect.stringContaining('line 2') }));
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/closing quote/);
  });

  it('quotes only what needs it and reads back what it wrote', () => {
    const cells = ['plain', 'with,comma', 'say "hi"', 'two\nlines', '', null, ' padded '];
    const text = formatCsvRecord(cells);
    expect(text).toBe('plain,"with,comma","say ""hi""","two\nlines","",," padded "\r\n');
    const back = parseCsv(text)[0]!.cells.map((c) => (c.text === '' && !c.quoted ? null : c.text));
    expect(back).toEqual(cells);
  });
});
