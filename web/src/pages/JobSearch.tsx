// The jobs search form. Every field lives in the URL query (so a search can be linked and survives
// a reload); recipe and status apply at once, the text fields on "Search".
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { navigate } from '../router';

export const STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'];
const TEXT_KEYS = ['q', 'filter', 'job', 'from', 'to'] as const;
type TextKey = typeof TEXT_KEYS[number];

/** Labels of the API's filter fields, for error sentences. */
export const FILTER_LABELS = { q: 'Text', filter: 'JSONata filter', number: 'Job', id: 'Job', from: 'From', to: 'To', status: 'Status', recipe: 'Recipe' };

/** datetime-local values are local wall-clock times; the API takes ISO instants. */
const iso = (v: string | null) => {
  if (!v) return undefined;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? v : t.toISOString();
};

/** The API's filter (GET /jobs query, and the body's `filter` of a bulk action) from the page's URL query. */
export function apiFilter(query: URLSearchParams): Record<string, string | string[] | number | undefined> {
  const job = query.get('job')?.trim() ?? '';
  const status = (query.get('status') ?? '').split(',').filter(Boolean);
  return {
    recipe: query.get('recipe') || undefined, status: status.length ? status : undefined,
    q: query.get('q') || undefined, filter: query.get('filter') || undefined,
    ...(job ? (/^\d+$/.test(job) ? { number: Number(job) } : { id: job }) : {}),
    from: iso(query.get('from')), to: iso(query.get('to')),
  };
}

/** The same filter as a GET query string (statuses comma-separated). */
export function filterQuery(query: URLSearchParams): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(apiFilter(query))) if (v !== undefined) s.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return s.toString();
}

export const searching = (query: URLSearchParams) => ['recipe', 'status', ...TEXT_KEYS].some((k) => query.get(k));


export function JobSearch({ query, recipes, live, setLive, streaming }: {
  query: URLSearchParams; recipes: string[]; live: boolean; setLive: (v: boolean) => void; streaming: boolean;
}) {
  const key = query.toString();
  const fromUrl = () => Object.fromEntries(TEXT_KEYS.map((k) => [k, query.get(k) ?? ''])) as Record<TextKey, string>;
  const [text, setText] = useState(fromUrl);
  // Back/forward or a link changes the URL: the fields follow it. The form's own changes do not
  // reset them (that would wipe what was typed meanwhile).
  const pushed = useRef(key);
  useEffect(() => { if (key !== pushed.current) { pushed.current = key; setText(fromUrl()); } }, [key]);
  const go = (p: URLSearchParams) => {
    pushed.current = p.toString();
    navigate(`/jobs${p.toString() ? `?${p}` : ''}`, true);
  };
  const statuses = (query.get('status') ?? '').split(',').filter(Boolean);

  const set = (k: string, v: string) => {
    const p = new URLSearchParams(location.search);
    if (v) p.set(k, v); else p.delete(k);
    go(p);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams(location.search);
    for (const k of TEXT_KEYS) { if (text[k].trim()) p.set(k, text[k].trim()); else p.delete(k); }
    go(p);
  };
  const clear = () => {
    setText(Object.fromEntries(TEXT_KEYS.map((k) => [k, ''])) as Record<TextKey, string>);
    go(new URLSearchParams());
  };
  const field = (k: TextKey) => ({ value: text[k], onChange: (e: { target: { value: string } }) => setText((t) => ({ ...t, [k]: e.target.value })) });

  return (
    <form className="filters job-search" onSubmit={submit} aria-label="Search jobs" role="search">
      <label>Text in the trigger data<input type="search" name="q" {...field('q')} placeholder="e.g. INC-1234" /></label>
      <label className="wide">JSONata filter<input name="filter" {...field('filter')} placeholder='e.g. trigger.body.amount > 100' spellCheck={false} /></label>
      <label>Job number or id<input name="job" {...field('job')} size={10} /></label>
      <label>From<input type="datetime-local" name="from" {...field('from')} /></label>
      <label>To<input type="datetime-local" name="to" {...field('to')} /></label>
      <label>Recipe
        <select value={query.get('recipe') ?? ''} onChange={(e) => set('recipe', e.target.value)}>
          <option value="">All recipes</option>
          {recipes.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </label>
      <div className="field">
        <label>Status
          <select multiple size={STATUSES.length} value={statuses} aria-describedby="status-hint"
            onChange={(e) => set('status', [...e.target.selectedOptions].map((o) => o.value).join(','))}>
            {STATUSES.map((s) => <option key={s}>{s}</option>)}
          </select>
        </label>
        <span id="status-hint" className="muted small">Ctrl/⌘ for several; none = any</span>
      </div>
      <div className="buttons">
        <button type="submit">Search</button>
        {searching(query) && <button type="button" onClick={clear}>Clear</button>}
      </div>
      <label className="check"><input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live updates</label>
      <span className={`live ${streaming ? 'on' : ''}`} aria-hidden="true">{streaming ? '● live' : '○ paused'}</span>
    </form>
  );
}
