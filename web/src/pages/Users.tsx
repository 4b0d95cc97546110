// Users and API tokens, for admins. A new token is shown once.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { CopyButton, ErrorBox, Page, time, useAction, useLoad } from '../ui';

interface User { id: number; username: string; display_name: string; email: string | null; roles: string[]; workflow_roles: string[]; created_at: string }
const ROLES = ['admin', 'editor', 'viewer'];
const WORKFLOW = ['process_manager', 'supervisor', 'participant', 'system_access'];

export default function Users() {
  const users = useLoad(() => api<{ items: User[] }>('/users'), []);
  const [u, setU] = useState({ username: '', display_name: '', email: '', role: 'viewer', workflow: [] as string[] });
  const [t, setT] = useState({ username: '', role: 'viewer', name: '' });
  const [token, setToken] = useState<{ token: string; for: string } | null>(null);
  const addUser = useAction();
  const addToken = useAction();
  const createUser = (e: FormEvent) => {
    e.preventDefault();
    void addUser.run(async () => {
      await api('/users', { body: { username: u.username, ...(u.display_name ? { display_name: u.display_name } : {}), ...(u.email ? { email: u.email } : {}), roles: [u.role], workflow_roles: u.workflow } });
      setU({ username: '', display_name: '', email: '', role: 'viewer', workflow: [] });
      users.reload();
    });
  };
  const createToken = (e: FormEvent) => {
    e.preventDefault();
    void addToken.run(async () => {
      const r = await api<{ token: string }>('/tokens', { body: { username: t.username, role: t.role, ...(t.name ? { name: t.name } : {}) } });
      setToken({ token: r.token, for: `${t.username} (${t.role})` });
    });
  };
  return (
    <Page title="Users and tokens">
      <ErrorBox error={users.error} />
      <div className="table-wrap">
        <table aria-label="Users">
          <thead><tr><th scope="col">User name</th><th scope="col">Display name</th><th scope="col">Email</th><th scope="col">Roles</th><th scope="col">Workflow roles</th><th scope="col">Created</th></tr></thead>
          <tbody>{users.data?.items.map((x) => (
            <tr key={x.id} data-user={x.username}><td>{x.username}</td><td>{x.display_name}</td><td>{x.email ?? '—'}</td><td>{x.roles.join(', ')}</td><td>{x.workflow_roles.join(', ') || '—'}</td><td>{time(x.created_at)}</td></tr>
          ))}</tbody>
        </table>
      </div>
      <div className="grid2">
        <form className="panel form" onSubmit={createUser} aria-labelledby="new-user">
          <h2 id="new-user">New user</h2>
          <label>User name<input required value={u.username} onChange={(e) => setU({ ...u, username: e.target.value })} /></label>
          <label>Display name<input value={u.display_name} onChange={(e) => setU({ ...u, display_name: e.target.value })} /></label>
          <label>Email<input type="email" value={u.email} onChange={(e) => setU({ ...u, email: e.target.value })} /></label>
          <label>Role<select value={u.role} onChange={(e) => setU({ ...u, role: e.target.value })}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
          <fieldset><legend>Workflow roles</legend>
            {WORKFLOW.map((w) => <label key={w} className="check"><input type="checkbox" checked={u.workflow.includes(w)} onChange={(e) => setU({ ...u, workflow: e.target.checked ? [...u.workflow, w] : u.workflow.filter((x) => x !== w) })} /> {w.replace('_', ' ')}</label>)}
          </fieldset>
          <ErrorBox error={addUser.error} />
          <div><button type="submit" disabled={addUser.busy}>Create user</button></div>
        </form>
        <form className="panel form" onSubmit={createToken} aria-labelledby="new-token">
          <h2 id="new-token">New API token</h2>
          <label>For user<select required value={t.username} onChange={(e) => setT({ ...t, username: e.target.value })}>
            <option value="">Choose a user</option>{users.data?.items.map((x) => <option key={x.id}>{x.username}</option>)}
          </select></label>
          <label>Token role<select value={t.role} onChange={(e) => setT({ ...t, role: e.target.value })}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
          <label>Token name<input value={t.name} onChange={(e) => setT({ ...t, name: e.target.value })} placeholder="ci, laptop, …" /></label>
          <ErrorBox error={addToken.error} />
          <div><button type="submit" disabled={addToken.busy}>Create token</button></div>
          {token && (
            <div role="status" className="ok">
              <p>Token for {token.for}. Copy it now: it is not shown again.</p>
              <p className="row"><code data-testid="new-token">{token.token}</code><CopyButton text={token.token} label="Copy token" /></p>
            </div>
          )}
        </form>
      </div>
    </Page>
  );
}
