// Lookup tables: the list and a new-table form; one table's rows, edited in place, and CSV import/export.
import { useState, type FormEvent } from 'react';
import { api, enc, q } from '../api';
import { Link, navigate } from '../router';
import { ErrorBox, Page, time, useAction, useCan, useLoad } from '../ui';

interface Column { name: string; type: 'string' | 'number' | 'boolean' | 'json' }
interface TableView { name: string; description: string | null; key: string; columns: Column[]; row_count: number; updated_at: string }
type Row = Record<string, unknown>;

export default function Tables({ name }: { name?: string }) {
  return name ? <TableRows name={name} /> : <TableList />;
}

function TableList() {
  const list = useLoad(() => api<{ items: TableView[] }>('/tables?limit=1000'), []);
  const editor = useCan('editor');
  const [f, setF] = useState({ name: '', columns: 'key, value', description: '' });
  const act = useAction();
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const columns = f.columns.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
        const [n, t] = s.split(':');
        return t ? { name: n!.trim(), type: t.trim() } : { name: n! };
      });
      const t = await api<TableView>('/tables', { body: { name: f.name, columns, ...(f.description ? { description: f.description } : {}) } });
      navigate(`/tables/${enc(t.name)}`);
    });
  };
  return (
    <Page title="Tables">
      <ErrorBox error={list.error} />
      <div className="table-wrap">
        <table aria-label="Tables" aria-busy={list.loading}>
          <thead><tr>{['Name', 'Key', 'Columns', 'Rows', 'Updated'].map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
          <tbody>
            {list.data?.items.map((t) => (
              <tr key={t.name} data-table={t.name}>
                <td><Link to={`/tables/${enc(t.name)}`}>{t.name}</Link>{t.description && <span className="muted"> {t.description}</span>}</td>
                <td>{t.key}</td><td>{t.columns.map((c) => `${c.name}: ${c.type}`).join(', ')}</td><td>{t.row_count}</td><td>{time(t.updated_at)}</td>
              </tr>
            ))}
            {list.data?.items.length === 0 && <tr><td colSpan={5} className="muted">No tables yet.</td></tr>}
          </tbody>
        </table>
      </div>
      {editor && (
        <form className="panel form" onSubmit={create} aria-labelledby="new-table">
          <h2 id="new-table">New table</h2>
          <label>Table name<input required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} placeholder="team-channels" /></label>
          <label>Columns <span className="muted">(name or name:type — string, number, boolean, json; the first is the key)</span>
            <input required value={f.columns} onChange={(e) => setF({ ...f, columns: e.target.value })} /></label>
          <label>Description<input value={f.description} onChange={(e) => setF({ ...f, description: e.target.value })} /></label>
          <ErrorBox error={act.error} labels={{ name: 'Table name', columns: 'Columns', description: 'Description', key: 'Key column' }} />
          <div><button type="submit" disabled={act.busy}>Create table</button></div>
        </form>
      )}
    </Page>
  );
}

/** Form text for a value, and back; an empty field is an empty (null) value. */
const toText = (c: Column, v: unknown) => (v === null || v === undefined ? '' : c.type === 'json' ? JSON.stringify(v) : String(v));
function fromText(c: Column, s: string): unknown {
  if (s === '') return null;
  if (c.type === 'number') return Number(s);
  if (c.type === 'boolean') return s === 'true';
  if (c.type === 'json') { try { return JSON.parse(s); } catch { throw new Error(`${c.name} is not JSON`); } }
  return s;
}

function TableRows({ name }: { name: string }) {
  const def = useLoad(() => api<TableView>(`/tables/${enc(name)}`), [name]);
  const [cursor, setCursor] = useState<string | null>(null);
  const rows = useLoad(() => api<{ items: Row[]; next_cursor: string | null }>(`/tables/${enc(name)}/rows${q({ limit: 100, cursor })}`), [name, cursor]);
  const editor = useCan('editor');
  const [editing, setEditing] = useState<{ key: string | null; values: Record<string, string> } | null>(null);
  const [mode, setMode] = useState<'upsert' | 'replace'>('upsert');
  const [imported, setImported] = useState<string | null>(null);
  const act = useAction();
  const t = def.data;
  const reload = () => { rows.reload(); def.reload(); };

  const open = (row: Row | null) => setEditing({
    key: row ? String(row[t!.key]) : null,
    values: Object.fromEntries(t!.columns.map((c) => [c.name, row ? toText(c, row[c.name]) : ''])),
  });
  const setValue = (c: string, v: string) => setEditing({ ...editing!, values: { ...editing!.values, [c]: v } });
  const save = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const row = Object.fromEntries(t!.columns.map((c) => [c.name, fromText(c, editing!.values[c.name] ?? '')]));
      if (editing!.key === null) await api(`/tables/${enc(name)}/rows`, { body: row });
      else await api(`/tables/${enc(name)}/rows/${enc(editing!.key)}`, { method: 'PUT', body: row });
      setEditing(null);
      reload();
    });
  };
  const remove = (key: string) => confirm(`Delete the row ${key} of table ${name}?`) && void act.run(async () => { await api(`/tables/${enc(name)}/rows/${enc(key)}`, { method: 'DELETE' }); reload(); });
  const importFile = (file: File | undefined) => {
    if (!file) return;
    void act.run(async () => {
      const r = await api<{ imported: number }>(`/tables/${enc(name)}/import${q({ mode })}`, { body: await file.text(), contentType: 'text/csv' });
      setImported(`Imported ${r.imported} rows from ${file.name}.`);
      reload();
    });
  };

  return (
    <Page title={`Table ${name}`} actions={<>
      <a className="button secondary" href={`/api/v1/tables/${enc(name)}/export`} download={`${name}.csv`}>Export CSV</a>
      {editor && t && <button type="button" onClick={() => open(null)}>Add row</button>}
    </>}>
      <ErrorBox error={def.error ?? rows.error} />
      {t && <p className="muted">Key {t.key}; {t.row_count} rows. {t.description}</p>}
      {editing && t && (
        <form className="panel form" onSubmit={save} aria-labelledby="row-form">
          <h2 id="row-form">{editing.key === null ? 'New row' : `Row ${editing.key}`}</h2>
          {t.columns.map((c) => (
            <label key={c.name}>{c.name} <span className="muted">({c.type}{c.name === t.key ? ', key' : ''})</span>
              {c.type === 'boolean'
                ? <select value={editing.values[c.name]} onChange={(e) => setValue(c.name, e.target.value)}>
                  <option value="">—</option><option>true</option><option>false</option>
                </select>
                : <input type={c.type === 'number' ? 'number' : 'text'} step="any" value={editing.values[c.name]} onChange={(e) => setValue(c.name, e.target.value)}
                  required={c.name === t.key} disabled={c.name === t.key && editing.key !== null} />}
            </label>
          ))}
          <ErrorBox error={act.error} labels={{ values: 'Row', key: 'Key' }} />
          <div className="row">
            <button type="submit" disabled={act.busy}>Save row</button>
            <button type="button" className="secondary" onClick={() => setEditing(null)}>Cancel</button>
          </div>
        </form>
      )}
      {!editing && <ErrorBox error={act.error} labels={{ values: 'Row', key: 'Key' }} />}
      {imported && <p role="status" className="ok">{imported}</p>}
      <div className="table-wrap">
        <table aria-label={`Rows of ${name}`} aria-busy={rows.loading}>
          <thead><tr>
            {t?.columns.map((c) => <th scope="col" key={c.name}>{c.name}</th>)}
            {editor && <th scope="col"><span className="sr-only">Actions</span></th>}
          </tr></thead>
          <tbody>
            {t && rows.data?.items.map((r) => {
              const key = String(r[t.key]);
              return (
                <tr key={key} data-row={key}>
                  {t.columns.map((c) => <td key={c.name}>{r[c.name] === null ? <span className="muted">—</span> : toText(c, r[c.name])}</td>)}
                  {editor && <td className="actions">
                    <button type="button" className="small" onClick={() => open(r)} aria-label={`Edit row ${key}`}>Edit</button>
                    <button type="button" className="small secondary" onClick={() => remove(key)} aria-label={`Delete row ${key}`} disabled={act.busy}>
                      Delete
                    </button>
                  </td>}
                </tr>
              );
            })}
            {rows.data?.items.length === 0 && <tr><td colSpan={(t?.columns.length ?? 0) + 1} className="muted">No rows.</td></tr>}
          </tbody>
        </table>
      </div>
      <div className="row">
        {cursor && <button type="button" className="secondary" onClick={() => setCursor(null)}>First page</button>}
        {rows.data?.next_cursor && <button type="button" className="secondary" onClick={() => setCursor(rows.data!.next_cursor)}>Next page</button>}
      </div>
      {editor && (
        <section className="panel form" aria-labelledby="import">
          <h2 id="import">Import CSV</h2>
          <p className="muted">The first line names the columns (it must hold {t?.key ?? 'the key'}); quoted fields may hold commas, quotes and line breaks.</p>
          <label>Mode<select value={mode} onChange={(e) => setMode(e.target.value as 'upsert' | 'replace')}>
            <option value="upsert">Add or replace the rows in the file</option><option value="replace">Make the table exactly the file</option>
          </select></label>
          <label>CSV file<input type="file" accept=".csv,text/csv" onChange={(e) => { importFile(e.target.files?.[0]); e.target.value = ''; }} /></label>
        </section>
      )}
    </Page>
  );
}
