// A small History-API router: the server answers index.html for every page path.
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// Leave guards: a page with something to lose (unsaved edits) registers one; `navigate`, and so
// every `Link`, asks each before leaving. A guard answers the question to ask, or null to let go.
type LeaveGuard = () => string | null;
const guards = new Set<LeaveGuard>();

export function addLeaveGuard(guard: LeaveGuard): () => void {
  guards.add(guard);
  return () => guards.delete(guard);
}

/** True when every guard lets the user leave (asking with the browser's confirm where one objects). */
export function leaveAllowed(): boolean {
  for (const g of guards) {
    const question = g();
    if (question && !window.confirm(question)) return false;
  }
  return true;
}

/** `force` skips the guards: for a page that just saved or deleted what they protect. */
export function navigate(to: string, replace = false, force = false): void {
  if (!force && !leaveAllowed()) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const [loc, setLoc] = useState(() => ({ path: location.pathname, search: location.search }));
  useEffect(() => {
    const on = () => setLoc({ path: location.pathname, search: location.search });
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return { path: loc.path, query: new URLSearchParams(loc.search) };
}

/** `/jobs/:id` against `/jobs/42` gives `{ id: '42' }`, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = (pattern.replace(/\/+$/, '') || '/').split('/');
  const s = (path.replace(/\/+$/, '') || '/').split('/');
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) out[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}

export function Link({ to, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={onClick} {...rest} />;
}
