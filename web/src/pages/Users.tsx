// Users, for admins: create, disable or enable, delete. Tokens have their own page (/tokens).
import { useState, type FormEvent } from 'react';
import { api, enc } from '../api';
import { FormError } from '../formError';
import { Link } from '../router';
import { Page, time, useAction, useLoad, useSession } from '../ui';

interface User { id: number; username: string; display_name: string; email: string | null; roles: string[]; workflow_roles: string[]; disabled?: boolean; created_at: string }
const ROLES = ['admin', 'editor', 'viewer'];
const WORKFLOW = ['process_manager', 'supervisor', 'participant', 'system_access'];

const LABELS = { username: 'User name', display_name: 'Display name', email: 'Email', roles: 'Role', workflow_roles: 'Workflow roles' };

export default function Users() {
  const { me } = useSession();
  const users = useLoad(() => api<{ items: User[] }>('/users'), []);
  const [u, setU] = useState({ username: '', display_name: '', email: '', role: 'viewer', workflow: [] as string[] });
  const addUser = useAction();
  const change = useAction();
  const createUser = (e: FormEvent) => {
    e.preventDefault();
    void addUser.run(async () => {
      await api('/users', { body: { username: u.username, ...(u.display_name ? { display_name: u.display_name } : {}), ...(u.email ? { email: u.email } : {}), roles: [u.role], workflow_roles: u.workflow } });
      setU({ username: '', display_name: '', email: '', role: 'viewer', workflow: [] });
      users.reload();
    });
  };
  // Disabling ends the user's tokens and sessions on the server at once; enabling does not revive them.
  const setDisabled = (x: User, disabled: boolean) => {
    if (disabled && !confirm(`Disable ${x.username}? Their tokens and browser sessions stop working at once, and enabling them later does not bring those back.`)) return;
    void change.run(async () => { await api(`/users/${enc(x.username)}`, { method: 'PATCH', body: { disabled } }); users.reload(); });
  };
  const remove = (x: User) => {
    if (!confirm(`Delete ${x.username}? Their tokens stop working; their jobs and history stay.`)) return;
    void change.run(async () => { await api(`/users/${enc(x.username)}`, { method: 'DELETE' }); users.reload(); });
  };
  return (
    <Page title="Users" actions={<Link to="/tokens">API tokens</Link>}>
      <FormError error={users.error ?? change.error} labels={{}} />
      <div className="table-wrap">
        <table aria-label="Users">
          <thead><tr><th scope="col">User name</th><th scope="col">Display name</th><th scope="col">Email</th><th scope="col">Roles</th><th scope="col">Workflow roles</th><th scope="col">State</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>{users.data?.items.map((x) => (
            <tr key={x.id} data-user={x.username} data-state={x.disabled ? 'disabled' : 'enabled'}>
              <td>{x.username}</td><td>{x.display_name}</td><td>{x.email ?? '—'}</td><td>{x.roles.join(', ')}</td><td>{x.workflow_roles.join(', ') || '—'}</td>
              <td>{x.disabled ? <span className="badge st-stopped">disabled</span> : <span className="badge st-enabled">enabled</span>}</td>
              <td>{time(x.created_at)}</td>
              <td className="row">
                {x.username !== me.user.username && (x.disabled
                  ? <button type="button" className="small" disabled={change.busy} onClick={() => setDisabled(x, false)} aria-label={`Enable ${x.username}`}>Enable</button>
                  : <button type="button" className="small secondary" disabled={change.busy} onClick={() => setDisabled(x, true)} aria-label={`Disable ${x.username}`}>Disable</button>)}
                {x.username !== me.user.username && <button type="button" className="small secondary" disabled={change.busy} onClick={() => remove(x)} aria-label={`Delete ${x.username}`}>Delete</button>}
              </td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      <form className="panel form" onSubmit={createUser} aria-labelledby="new-user">
        <h2 id="new-user">New user</h2>
        <label>User name<input required value={u.username} onChange={(e) => setU({ ...u, username: e.target.value })} /></label>
        <label>Display name<input value={u.display_name} onChange={(e) => setU({ ...u, display_name: e.target.value })} /></label>
        <label>Email<input type="email" value={u.email} onChange={(e) => setU({ ...u, email: e.target.value })} /></label>
        <label>Role<select value={u.role} onChange={(e) => setU({ ...u, role: e.target.value })}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
        <fieldset><legend>Workflow roles</legend>
          {WORKFLOW.map((w) => <label key={w} className="check"><input type="checkbox" checked={u.workflow.includes(w)} onChange={(e) => setU({ ...u, workflow: e.target.checked ? [...u.workflow, w] : u.workflow.filter((x) => x !== w) })} /> {w.replace('_', ' ')}</label>)}
        </fieldset>
        <FormError error={addUser.error} labels={LABELS} />
        <div><button type="submit" disabled={addUser.busy}>Create user</button></div>
      </form>
    </Page>
  );
}
