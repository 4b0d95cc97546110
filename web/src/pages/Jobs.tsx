// Jobs, newest first: the search in the URL (JobSearch), the total, cursor paging ("Load more"),
// live updates over SSE, and for editors the bulk actions over everything the search matches.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { FormError } from '../formError';
import { Link, useLocation } from '../router';
import { Page, Status, duration, time, useCan, useJobStream, useLoad } from '../ui';
import { FILTER_LABELS, JobSearch, apiFilter, filterQuery, searching } from './JobSearch';
import { JobsBulk, count } from './JobsBulk';

export interface JobRow { id: string; number: number; recipe: string; recipe_version: number; test?: boolean; status: string; title: string | null; repeat_of: string | null; created_at: string; started_at: string | null; finished_at: string | null }
interface List { items: JobRow[]; next_cursor: string | null; total: number; scanned?: number; truncated: boolean }
const LIMIT = 50;
const COLUMNS = ['#', 'Title', 'Recipe', 'Version', 'Status', 'Created', 'Duration'];
const CUT = '(the newest 10,000 that the other filters leave; narrow them to search further)';

export default function Jobs() {
  const { query } = useLocation();
  const qs = filterQuery(query);
  const filter = useMemo(() => apiFilter(new URLSearchParams(location.search)), [qs]);
  const [rows, setRows] = useState<JobRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [meta, setMeta] = useState<Omit<List, 'items' | 'next_cursor'> | null>(null);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [live, setLive] = useState(true);
  const [news, setNews] = useState('');
  const editor = useCan('editor');
  const recipes = useLoad(() => api<{ items: Array<{ name: string }> }>('/recipes'), []);
  const gen = useRef(0);
  const path = (extra: string) => `/jobs?${[qs, `limit=${LIMIT}`, extra].filter(Boolean).join('&')}`;

  const first = useCallback(async (merge: boolean) => {
    const g = gen.current;
    try {
      const r = await api<List>(path(''));
      if (g !== gen.current) return;
      setError(undefined);
      setMeta({ total: r.total, scanned: r.scanned, truncated: r.truncated });
      if (!merge) {
        setRows(r.items);
        setCursor(r.next_cursor);
        return;
      }
      // Live refresh: the newest page replaces its rows, older pages already loaded stay.
      setRows((old) => {
        const fresh = new Map(r.items.map((j) => [j.id, j]));
        const added = r.items.filter((j) => !old.some((o) => o.id === j.id)).length;
        if (added) setNews(`${added} new job${added > 1 ? 's' : ''}`);
        const lowest = r.items.length ? r.items[r.items.length - 1]!.number : Infinity;
        return [...r.items, ...old.filter((o) => !fresh.has(o.id) && o.number < lowest)];
      });
    } catch (e) {
      if (g !== gen.current) return;
      setError(e);
      setRows([]);
      setMeta(null);
    } finally {
      setLoading(false);
    }
  }, [qs]);

  useEffect(() => {
    gen.current++;
    setLoading(true);
    setRows([]);
    void first(false);
  }, [first]);
  // A filter expression scans up to 10,000 jobs: not on every event.
  const streaming = useJobStream(() => void first(true), live && !filter.filter);

  const more = async () => {
    if (!cursor) return;
    try {
      const r = await api<List>(path(`cursor=${encodeURIComponent(cursor)}`));
      setRows((old) => [...old, ...r.items.filter((j) => !old.some((o) => o.id === j.id))]);
      setCursor(r.next_cursor);
    } catch (e) {
      setError(e);
    }
  };
  const reload = () => { gen.current++; void first(false); };

  return (
    <Page title="Jobs">
      <JobSearch query={query} recipes={recipes.data?.items.map((r) => r.name) ?? []} live={live} setLive={setLive} streaming={streaming} />
      <p className="sr-only" aria-live="polite">{news}</p>
      <FormError error={error} labels={FILTER_LABELS} />
      {meta && (
        <div className="job-totals">
          <p data-testid="jobs-total" aria-live="polite"><strong>{count(meta.total)}</strong>
            {meta.scanned !== undefined && (
              <span className="muted"> among {count(meta.scanned)} scanned{meta.truncated ? ` ${CUT}` : ''}</span>
            )}
          </p>
          {editor && <JobsBulk key={qs} filter={filter} total={meta.total} truncated={meta.truncated} onDone={reload} />}
        </div>
      )}
      <div className="table-wrap">
        <table aria-label="Jobs" aria-busy={loading}>
          <thead><tr>{COLUMNS.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
          <tbody>
            {rows.map((j) => (
              <tr key={j.id} data-job={j.number}>
                <td><Link to={`/jobs/${j.number}`}>#{j.number}</Link>{j.repeat_of && <span className="muted" title="a repeat"> ↻</span>}</td>
                <td className="job-title">{j.title ?? <span className="muted">—</span>}</td>
                <td><Link to={`/recipes/${encodeURIComponent(j.recipe)}`}>{j.recipe}</Link></td>
                <td>{j.test ? 'draft test' : `v${j.recipe_version}`}</td>
                <td><Status status={j.status} /></td>
                <td>{time(j.created_at)}</td>
                <td>{duration(j.started_at ?? j.created_at, j.finished_at)}</td>
              </tr>
            ))}
            {!loading && rows.length === 0 && <tr><td colSpan={COLUMNS.length} className="muted">No jobs{searching(query) ? ' match this search' : ' yet'}.</td></tr>}
          </tbody>
        </table>
      </div>
      {cursor && <button type="button" onClick={more}>Load more</button>}
    </Page>
  );
}
