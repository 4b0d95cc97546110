// The shell: session check, sign-in, navigation (by role and by which APIs the server has), pages.
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ComponentType } from 'react';
import { api } from './api';
import { Link, match, navigate, useLocation } from './router';
import { SessionContext, focusHeadingSoon, roleCovers, type Me, type Role } from './ui';
import { SignIn } from './SignIn';

const pages = {
  Dashboard: lazy(() => import('./pages/Dashboard')),
  Jobs: lazy(() => import('./pages/Jobs')),
  Job: lazy(() => import('./pages/Job')),
  Recipes: lazy(() => import('./pages/Recipes')),
  RecipeEditor: lazy(() => import('./pages/RecipeEditor')),
  Connections: lazy(() => import('./pages/Connections')),
  Connection: lazy(() => import('./pages/Connection')),
  Users: lazy(() => import('./pages/Users')),
  Webhooks: lazy(() => import('./pages/Webhooks')),
  Actions: lazy(() => import('./pages/Actions')),
  OpsApps: lazy(() => import('./pages/OpsApps')),
  Alerts: lazy(() => import('./pages/Alerts')),
  Tables: lazy(() => import('./pages/Tables')),
  Schedules: lazy(() => import('./pages/Schedules')),
  Profile: lazy(() => import('./pages/Profile')),
  Tokens: lazy(() => import('./pages/Tokens')),
};

interface RouteDef { pattern: string; page: ComponentType<any>; nav?: string; role?: Role; api?: string }
const ROUTES: RouteDef[] = [
  { pattern: '/', page: pages.Dashboard, nav: 'Dashboard' },
  { pattern: '/jobs', page: pages.Jobs, nav: 'Jobs' },
  { pattern: '/jobs/:id', page: pages.Job },
  { pattern: '/recipes', page: pages.Recipes, nav: 'Recipes' },
  { pattern: '/recipes/new', page: pages.RecipeEditor, role: 'editor' },
  { pattern: '/recipes/:name', page: pages.RecipeEditor },
  { pattern: '/connections', page: pages.Connections, nav: 'Connections' },
  { pattern: '/connections/new', page: pages.Connection, role: 'editor' },
  { pattern: '/connections/:name', page: pages.Connection },
  { pattern: '/actions', page: pages.Actions, nav: 'Actions', api: '/api/v1/actions' },
  { pattern: '/tables', page: pages.Tables, nav: 'Tables', api: '/api/v1/tables' },
  { pattern: '/tables/:name', page: pages.Tables, api: '/api/v1/tables' },
  { pattern: '/webhooks', page: pages.Webhooks, nav: 'Webhooks', api: '/api/v1/webhooks' },
  { pattern: '/webhooks/:id', page: pages.Webhooks, api: '/api/v1/webhooks' },
  { pattern: '/alerts', page: pages.Alerts, nav: 'Alerts', api: '/api/v1/alerts' },
  { pattern: '/schedules', page: pages.Schedules, nav: 'Schedules', api: '/api/v1/schedules' },
  { pattern: '/schedules/:name', page: pages.Schedules, api: '/api/v1/schedules' },
  { pattern: '/profile', page: pages.Profile, nav: 'My notifications', api: '/api/v1/users/{username}/notification-rules' },
  { pattern: '/ops-apps', page: pages.OpsApps, nav: 'Ops apps', role: 'admin', api: '/api/v1/ops-apps' },
  { pattern: '/users', page: pages.Users, nav: 'Users', role: 'admin' },
  { pattern: '/tokens', page: pages.Tokens, nav: 'API tokens' },
];

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [paths, setPaths] = useState<Set<string>>(new Set());
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);

  const load = useCallback(async () => {
    try {
      const m = await api<Me>('/me');
      const doc = await api<{ paths: Record<string, unknown> }>('/openapi.json').catch(() => ({ paths: {} }));
      setPaths(new Set(Object.keys(doc.paths).map((p) => (p.startsWith('/api/') ? p : `/api/v1${p}`))));
      setMe(m);
    } catch {
      setMe(null);
    }
  }, []);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => {
    const out = () => setMe(null);
    window.addEventListener('hookflow:signed-out', out);
    return () => window.removeEventListener('hookflow:signed-out', out);
  }, []);
  // Moving to another page moves focus to its heading, as a full page load would for a screen reader.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    focusHeadingSoon();
  }, [path]);

  if (me === undefined) return <p className="loading" role="status">Loading…</p>;
  if (me === null) return <SignIn onSignedIn={load} />;

  const allowed = (r: RouteDef) => (!r.role || roleCovers(me.role, r.role)) && (!r.api || paths.has(r.api));
  let found: { r: RouteDef; params: Record<string, string> } | null = null;
  for (const r of ROUTES) {
    const p = match(r.pattern, path === '/' ? '/' : path);
    if (p) { found = { r, params: p }; break; }
  }
  const signOut = async () => {
    await api('/session', { method: 'DELETE' }).catch(() => undefined);
    setMe(null);
    navigate('/', true);
  };
  const current = (r: RouteDef) => (r.pattern === '/' ? path === '/' : path === r.pattern || path.startsWith(`${r.pattern}/`));
  const Page = found && allowed(found.r) ? found.r.page : null;

  return (
    <SessionContext.Provider value={{ me, paths }}>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link to="/" className="brand">Hookflow</Link>
        <nav aria-label="Main">
          <ul>
            {ROUTES.filter((r) => r.nav && allowed(r)).map((r) => (
              <li key={r.pattern}><Link to={r.pattern} aria-current={current(r) ? 'page' : undefined}>{r.nav}</Link></li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{me.user.display_name} <span className="muted">({me.role})</span></span>
          <button type="button" className="small" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <main id="main" ref={main}>
        <Suspense fallback={<p role="status">Loading…</p>}>
          {Page ? <Page {...(found?.params ?? {})} /> : <section className="page"><h1 tabIndex={-1}>Not found</h1><p>There is no page at {path}{found ? ' for your role' : ''}.</p></section>}
        </Suspense>
      </main>
    </SessionContext.Provider>
  );
}
