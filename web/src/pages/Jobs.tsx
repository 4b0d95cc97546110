// Jobs, newest first: filters in the URL, cursor paging ("Load more"), live updates over SSE.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, q } from '../api';
import { Link, navigate, useLocation } from '../router';
import { ErrorBox, Page, Status, duration, time, useJobStream, useLoad } from '../ui';

export interface JobRow { id: string; number: number; recipe: string; recipe_version: number; test?: boolean; status: string; repeat_of: string | null; created_at: string; started_at: string | null; finished_at: string | null }
interface List { items: JobRow[]; next_cursor: string | null }
const STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'];
const LIMIT = 50;

export default function Jobs() {
  const { query } = useLocation();
  const recipe = query.get('recipe') ?? '';
  const status = query.get('status') ?? '';
  const [rows, setRows] = useState<JobRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [live, setLive] = useState(true);
  const [news, setNews] = useState('');
  const recipes = useLoad(() => api<{ items: Array<{ name: string }> }>('/recipes'), []);
  const gen = useRef(0);

  const first = useCallback(async (merge: boolean) => {
    const g = gen.current;
    try {
      const r = await api<List>(`/jobs${q({ recipe, status, limit: LIMIT })}`);
      if (g !== gen.current) return;
      setError(undefined);
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
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [recipe, status]);

  useEffect(() => {
    gen.current++;
    setLoading(true);
    setRows([]);
    void first(false);
  }, [first]);
  const streaming = useJobStream(() => void first(true), live);

  const more = async () => {
    if (!cursor) return;
    try {
      const r = await api<List>(`/jobs${q({ recipe, status, limit: LIMIT, cursor })}`);
      setRows((old) => [...old, ...r.items.filter((j) => !old.some((o) => o.id === j.id))]);
      setCursor(r.next_cursor);
    } catch (e) {
      setError(e);
    }
  };
  const setFilter = (k: string, v: string) => {
    const p = new URLSearchParams(location.search);
    if (v) p.set(k, v); else p.delete(k);
    navigate(`/jobs${p.toString() ? `?${p}` : ''}`, true);
  };

  return (
    <Page title="Jobs">
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter jobs">
        <label>Recipe
          <select value={recipe} onChange={(e) => setFilter('recipe', e.target.value)}>
            <option value="">All recipes</option>
            {recipes.data?.items.map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
          </select>
        </label>
        <label>Status
          <select value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s}>{s}</option>)}
          </select>
        </label>
        <label className="check"><input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live updates</label>
        <span className={`live ${streaming ? 'on' : ''}`} aria-hidden="true">{streaming ? '● live' : '○ paused'}</span>
      </form>
      <p className="sr-only" aria-live="polite">{news}</p>
      <ErrorBox error={error} />
      <div className="table-wrap">
        <table aria-label="Jobs" aria-busy={loading}>
          <thead><tr><th scope="col">#</th><th scope="col">Recipe</th><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Duration</th></tr></thead>
          <tbody>
            {rows.map((j) => (
              <tr key={j.id} data-job={j.number}>
                <td><Link to={`/jobs/${j.number}`}>#{j.number}</Link>{j.repeat_of && <span className="muted" title="a repeat"> ↻</span>}</td>
                <td><Link to={`/recipes/${encodeURIComponent(j.recipe)}`}>{j.recipe}</Link></td>
                <td>{j.test ? 'draft test' : `v${j.recipe_version}`}</td>
                <td><Status status={j.status} /></td>
                <td>{time(j.created_at)}</td>
                <td>{duration(j.started_at ?? j.created_at, j.finished_at)}</td>
              </tr>
            ))}
            {!loading && rows.length === 0 && <tr><td colSpan={6} className="muted">No jobs{recipe || status ? ' match these filters' : ' yet'}.</td></tr>}
          </tbody>
        </table>
      </div>
      {cursor && <button type="button" onClick={more}>Load more</button>}
    </Page>
  );
}
