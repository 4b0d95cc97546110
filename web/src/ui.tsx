// Small shared pieces: status badges, JSON views, copy buttons, errors, and the session context.
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { fieldProblems, type FieldLabels } from './errorWords';

export type Role = 'admin' | 'editor' | 'viewer';
export interface Me { user: { username: string; display_name: string }; role: Role }
/** The roles, lowest first: a role may do all that the ones before it may. */
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];
/** Whether `have` may do what needs `need`. */
export const roleCovers = (have: Role, need: Role): boolean => ROLES.indexOf(have) >= ROLES.indexOf(need);

export const SessionContext = createContext<{ me: Me; paths: Set<string> } | null>(null);
export function useSession() {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}
/** Whether the signed-in role may do what needs `role`; the server enforces it anyway. */
export function useCan(role: Role): boolean {
  return roleCovers(useSession().me.role, role);
}
/** Whether the running server has this API path (features land independently). */
export function useHasApi(path: string): boolean {
  return useSession().paths.has(path);
}

export function Status({ status }: { status: string }) {
  return <span className={`badge st-${status}`}>{status}</span>;
}

/** The API's stand-in for a value too big to show: `{"truncated": true, "bytes": N}`. */
export function isTruncated(v: unknown): v is { truncated: true; bytes: number } {
  return !!v && typeof v === 'object' && (v as { truncated?: unknown }).truncated === true && typeof (v as { bytes?: unknown }).bytes === 'number' && Object.keys(v).length === 2;
}

/** `download` is the URL of the full value, offered when the API sent only its size. */
export function Json({ value, label, download }: { value: unknown; label?: string; download?: string }) {
  if (value === undefined || value === null) return <span className="muted">—</span>;
  if (download && isTruncated(value)) {
    return <p className="muted" aria-label={label}>Truncated, {value.bytes.toLocaleString()} bytes — <a href={download} download>download</a></p>;
  }
  return <pre className="json" aria-label={label} tabIndex={0}>{JSON.stringify(value, null, 2)}</pre>;
}

/** An API error as sentences (fields named by `labels`), with its code in small print for support. */
export function ErrorBox({ error, labels = {} }: { error: unknown; labels?: FieldLabels }) {
  const problems = fieldProblems(error, labels);
  if (problems.length === 0) return null;
  const code = (error as ApiError).code;
  return (
    <div role="alert" className="error">
      {problems.length === 1 ? <p>{problems[0]!.sentence}</p> : <ul>{problems.slice(0, 10).map((p, i) => <li key={i}>{p.sentence}</li>)}</ul>}
      {code && <small className="muted"> ({code})</small>}
    </div>
  );
}

/**
 * An inline confirmation: what will happen (and what will be sent), then Confirm or Cancel.
 * Shown in place of a browser `confirm()` so the details can be read and the keyboard stays in the page;
 * focus goes to Confirm, or to Cancel when the change is destructive (`danger`).
 */
export function Confirm({ title, children, confirm, onConfirm, onCancel, busy, danger }: { title: string; children?: ReactNode; confirm: string; onConfirm: () => void; onCancel: () => void; busy?: boolean; danger?: boolean }) {
  const first = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => { first.current?.focus(); }, []);
  return (
    <div className="panel confirm" role="alertdialog" aria-label={title} aria-describedby={id}>
      <h3>{title}</h3>
      <div id={id}>{children}</div>
      <div className="actions">
        <button type="button" ref={danger ? undefined : first} className={danger ? 'danger' : undefined} disabled={busy} onClick={onConfirm}>{confirm}</button>
        <button type="button" ref={danger ? first : undefined} className="secondary" disabled={busy} onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const t = document.createElement('textarea');
      t.value = text;
      document.body.append(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return <button type="button" className="small" onClick={copy} aria-label={`${label}: ${text}`}>{done ? 'Copied' : label}</button>;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function duration(from: string | null | undefined, to: string | null | undefined): string {
  if (!from || !to) return '—';
  return ms(Date.parse(to) - Date.parse(from));
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1)} s`;
  return `${Math.floor(n / 60_000)} min ${Math.round((n % 60_000) / 1000)} s`;
}

/** Loads on mount and whenever `deps` change; `reload` runs it again. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void; set: (t: T) => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [n, setN] = useState(0);
  const cur = useRef(0);
  useEffect(() => {
    const id = ++cur.current;
    setLoading(true);
    fn().then((d) => { if (id === cur.current) { setData(d); setError(undefined); } }, (e) => { if (id === cur.current) setError(e); })
      .finally(() => { if (id === cur.current) setLoading(false); });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, n]);
  return { data, error, loading, reload: useCallback(() => setN((x) => x + 1), []), set: setData };
}

/** Runs an action, keeping its busy state and error for the form that started it. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

// Set by the shell when the path changes: the next page to mount takes focus on its heading
// (pages load lazily, so the heading may not exist yet when the path changes). Only a heading that
// mounted for the current path counts: the old page's may still be in the document at that moment.
let focusPending = false;
let mounted: { path: string; heading: HTMLElement | null } | null = null;
export function focusHeadingSoon(): void {
  const h = mounted && mounted.path === location.pathname && mounted.heading?.isConnected ? mounted.heading : null;
  if (h) h.focus();
  focusPending = !h;
}

export function Page({ title, actions, children }: { title: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (typeof title === 'string') document.title = `${title} · Hookflow`;
  }, [title]);
  useEffect(() => {
    mounted = { path: location.pathname, heading: heading.current };
    if (focusPending) { focusPending = false; heading.current?.focus(); }
  }, []);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-head">
        <h1 id="page-title" tabIndex={-1} ref={heading}>{title}</h1>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** Subscribes to the jobs event stream while mounted; `onEvent` is called at most every `minMs`. */
export function useJobStream(onEvent: () => void, enabled = true, minMs = 400): boolean {
  const [live, setLive] = useState(false);
  const cb = useRef(onEvent);
  cb.current = onEvent;
  useEffect(() => {
    if (!enabled) return;
    const es = new EventSource('/api/v1/jobs/stream');
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fire = () => {
      if (timer) return;
      timer = setTimeout(() => { timer = null; cb.current(); }, minMs);
    };
    es.addEventListener('change', fire);
    es.addEventListener('settled', fire);
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    return () => { es.close(); if (timer) clearTimeout(timer); setLive(false); };
  }, [enabled, minMs]);
  return live;
}
