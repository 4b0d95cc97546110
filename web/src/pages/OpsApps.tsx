// Operations applications: their secret URL (POST /ops/{token}) and the user they act as.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { CopyButton, ErrorBox, Page, Status, time, useAction, useLoad } from '../ui';

interface OpsApp { id: number; name: string; description: string | null; impersonate_user: string | null; enabled: boolean; url: string; updated_at: string }

export default function OpsApps() {
  const list = useLoad(() => api<{ items: OpsApp[] }>('/ops-apps'), []);
  const users = useLoad(() => api<{ items: Array<{ username: string }> }>('/users'), []);
  const [f, setF] = useState({ name: '', description: '', impersonate_user: '' });
  const act = useAction();
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      await api('/ops-apps', { body: { name: f.name, ...(f.description ? { description: f.description } : {}), ...(f.impersonate_user ? { impersonate_user: f.impersonate_user } : {}) } });
      setF({ name: '', description: '', impersonate_user: '' });
      list.reload();
    });
  };
  const patch = (a: OpsApp, body: object) => act.run(async () => { await api(`/ops-apps/${a.id}`, { method: 'PATCH', body }); list.reload(); });
  const rotate = (a: OpsApp) => act.run(async () => {
    if (!confirm(`Replace the URL of ${a.name}? The old URL stops working at once.`)) return;
    await api(`/ops-apps/${a.id}/rotate`, { method: 'POST' });
    list.reload();
  });
  return (
    <Page title="Operations applications">
      <ErrorBox error={list.error ?? act.error} labels={{ name: 'Name', description: 'Description', impersonate_user: 'Impersonated user', enabled: 'Enabled' }} />
      <div className="table-wrap">
        <table aria-label="Operations applications">
          <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Acts as</th><th scope="col">Status</th><th scope="col">Updated</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>{list.data?.items.map((a) => (
            <tr key={a.id}>
              <td>{a.name}{a.description && <div className="muted">{a.description}</div>}</td>
              <td><span className="row"><code>{a.url.replace(/(\/ops\/.{6}).*/, '$1…')}</code><CopyButton text={a.url} label="Copy URL" /></span></td>
              <td>{a.impersonate_user ?? <span className="muted">the caller</span>}</td>
              <td><Status status={a.enabled ? 'enabled' : 'stopped'} /></td>
              <td>{time(a.updated_at)}</td>
              <td className="actions">
                <button type="button" className="small" onClick={() => patch(a, { enabled: !a.enabled })}>{a.enabled ? 'Disable' : 'Enable'}</button>
                <button type="button" className="small danger" onClick={() => rotate(a)}>New URL</button>
              </td>
            </tr>
          ))}
          {list.data?.items.length === 0 && <tr><td colSpan={6} className="muted">No operations applications.</td></tr>}</tbody>
        </table>
      </div>
      <form className="panel form" onSubmit={create} aria-labelledby="new-app">
        <h2 id="new-app">New operations application</h2>
        <label>Name<input required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} /></label>
        <label>Description<input value={f.description} onChange={(e) => setF({ ...f, description: e.target.value })} /></label>
        <label>Impersonated user<select value={f.impersonate_user} onChange={(e) => setF({ ...f, impersonate_user: e.target.value })}>
          <option value="">None (the caller names the user)</option>{users.data?.items.map((u) => <option key={u.username}>{u.username}</option>)}
        </select></label>
        <div><button type="submit" disabled={act.busy}>Create</button></div>
      </form>
    </Page>
  );
}
