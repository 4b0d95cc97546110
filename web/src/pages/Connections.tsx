// Connections: name, type, auth, which secrets are set (never their values).
import { api } from '../api';
import { Link } from '../router';
import { ErrorBox, Page, time, useCan, useLoad } from '../ui';

export interface ConnectionView { name: string; type: string; config: Record<string, any>; secret_fields: string[]; created_at: string; updated_at: string }

export default function Connections() {
  const list = useLoad(() => api<{ items: ConnectionView[] }>('/connections'), []);
  const editor = useCan('editor');
  return (
    <Page title="Connections" actions={editor && <Link to="/connections/new" className="button">New connection</Link>}>
      <ErrorBox error={list.error} />
      <div className="table-wrap">
        <table aria-label="Connections" aria-busy={list.loading}>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Auth</th><th scope="col">Base URL</th><th scope="col">Secrets set</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {list.data?.items.map((c) => (
              <tr key={c.name} data-connection={c.name}>
                <td><Link to={`/connections/${encodeURIComponent(c.name)}`}>{c.name}</Link></td>
                <td>{c.type}</td>
                <td>{c.config.auth?.type ?? 'none'}</td>
                <td>{c.config.base_url ?? <span className="muted">—</span>}</td>
                <td>{c.secret_fields.length ? c.secret_fields.join(', ') : <span className="muted">none</span>}</td>
                <td>{time(c.updated_at)}</td>
              </tr>
            ))}
            {list.data?.items.length === 0 && <tr><td colSpan={6} className="muted">No connections yet.</td></tr>}
          </tbody>
        </table>
      </div>
    </Page>
  );
}
