// API tokens: the list (never the values), revoke, and a form that mints one with an expiry. The
// form offers only roles up to the signed-in role (the server refuses anything higher anyway);
// admins see everyone's tokens and may mint for another user, others only their own.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { FormError } from '../formError';
import { CopyButton, Page, ROLES, time, useAction, useCan, useLoad, useSession, type Role } from '../ui';

interface Token { id: number; name: string; user: string; role: Role; created_at: string; last_used_at: string | null; expires_at: string | null }
const DAY = 86_400;
const EXPIRY: Array<[string, number | null]> = [['30 days', 30 * DAY], ['7 days', 7 * DAY], ['1 day', DAY], ['90 days', 90 * DAY], ['1 year', 365 * DAY], ['Never', null]];
const LABELS = { username: 'For user', role: 'Token role', name: 'Token name', expires_in: 'Expires after' };

export default function Tokens() {
  const { me } = useSession();
  const admin = useCan('admin');
  // Only the roles the signed-in token holds, highest last, so an editor is never offered admin.
  const offered = ROLES.slice(0, ROLES.indexOf(me.role) + 1);
  const tokens = useLoad(() => api<{ items: Token[] }>('/tokens'), []);
  const users = useLoad(() => (admin ? api<{ items: Array<{ username: string; disabled?: boolean }> }>('/users') : Promise.resolve({ items: [] })), [admin]);
  const [f, setF] = useState({ username: me.user.username, role: offered[0]!, name: '', expiry: '0' });
  const [made, setMade] = useState<{ token: string; for: string; expires_at: string | null } | null>(null);
  const create = useAction();
  const revoke = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const expiresIn = EXPIRY[Number(f.expiry)]![1];
    void create.run(async () => {
      const r = await api<{ token: string; expires_at: string | null }>('/tokens', { body: {
        role: f.role, ...(admin && f.username !== me.user.username ? { username: f.username } : {}), ...(f.name ? { name: f.name } : {}), ...(expiresIn ? { expires_in: expiresIn } : {}),
      } });
      setMade({ token: r.token, for: `${f.username} (${f.role})`, expires_at: r.expires_at });
      setF({ ...f, name: '' });
      tokens.reload();
    });
  };
  const remove = (t: Token) => {
    if (!confirm(`Revoke the token "${t.name}" of ${t.user}? Anything using it is refused at once.`)) return;
    void revoke.run(async () => { await api(`/tokens/${t.id}`, { method: 'DELETE' }); tokens.reload(); });
  };
  const list = tokens.data?.items ?? [];
  return (
    <Page title="API tokens">
      <p>{admin ? 'Every user\'s tokens.' : 'Your tokens.'} A token's value is shown once, when it is made; revoking one stops it and the browser sessions signed in with it.</p>
      <FormError error={tokens.error ?? revoke.error} labels={{}} />
      <div className="table-wrap">
        <table aria-label="API tokens">
          <thead><tr><th scope="col">Name</th>{admin && <th scope="col">User</th>}<th scope="col">Role</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.id} data-token={t.id}>
                <td>{t.name}</td>{admin && <td>{t.user}</td>}<td>{t.role}</td><td>{time(t.created_at)}</td><td>{t.last_used_at ? time(t.last_used_at) : 'never'}</td><td>{t.expires_at ? time(t.expires_at) : 'never'}</td>
                <td><button type="button" className="small secondary" disabled={revoke.busy} onClick={() => remove(t)} aria-label={`Revoke token ${t.name} of ${t.user}`}>Revoke</button></td>
              </tr>
            ))}
            {!tokens.loading && list.length === 0 && <tr><td colSpan={admin ? 7 : 6} className="muted">No tokens.</td></tr>}
          </tbody>
        </table>
      </div>
      <form className="panel form" onSubmit={submit} aria-labelledby="new-token">
        <h2 id="new-token">New API token</h2>
        {admin && (
          <label>For user<select required value={f.username} onChange={(e) => setF({ ...f, username: e.target.value })}>
            {(users.data?.items ?? [{ username: me.user.username }]).filter((u) => !('disabled' in u && u.disabled)).map((u) => <option key={u.username}>{u.username}</option>)}
          </select></label>
        )}
        <label>Token role<select value={f.role} onChange={(e) => setF({ ...f, role: e.target.value as Role })}>{offered.map((r) => <option key={r}>{r}</option>)}</select></label>
        <label>Token name<input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} placeholder="ci, laptop, …" /></label>
        <label>Expires after<select value={f.expiry} onChange={(e) => setF({ ...f, expiry: e.target.value })}>{EXPIRY.map(([l], i) => <option key={l} value={i}>{l}</option>)}</select></label>
        <FormError error={create.error} labels={LABELS} />
        <div><button type="submit" disabled={create.busy}>Create token</button></div>
        {made && (
          <div role="status" className="ok">
            <p>Token for {made.for}{made.expires_at ? `, until ${time(made.expires_at)}` : ', without expiry'}. Copy it now: it is not shown again.</p>
            <p className="row"><code data-testid="new-token">{made.token}</code><CopyButton text={made.token} label="Copy token" /></p>
          </div>
        )}
      </form>
    </Page>
  );
}
