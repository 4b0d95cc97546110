// Alerting: alerts (filter, accept, resolve; the open alert's lifecycle buttons and log in
// AlertLifecycle.tsx), alert sources with their URLs, maintenance windows and heartbeats, and
// escalation policies; admins add sources and policies. Uses /api/v1/alerts, /alert-sources and
// /escalation-policies as they are.
import { useState, type FormEvent } from 'react';
import { api, enc, q } from '../api';
import { CopyButton, ErrorBox, Page, Status, time, useAction, useCan, useLoad } from '../ui';
import { AlertPanel, SourceExtras, type AlertDetail } from './AlertLifecycle';

interface Alert { id: number; source: string; alert_key: string; status: string; priority: string; summary: string; details: string | null; event_count: number; escalation_level: number | null; created_at: string; accepted_by: string | null; resolved_by: string | null }
interface Source { name: string; kind: string; teams: string[]; escalation_policy: string | null; priority: string; enabled: boolean; verification: string; webhook_url: string | null; events_url: string | null; integration_key?: string }
interface Policy { name: string; levels: Array<{ timeout_minutes: number; targets: Array<Record<string, unknown>> }>; repeat: number; delay_minutes: number; ack_timeout_minutes: number | null }
const LIMIT = 50;

function target(t: Record<string, unknown>): string {
  const who = t.username ?? t.team ?? t.name ?? t.address ?? t.url ?? (Array.isArray(t.users) ? t.users.join(', ') : '');
  return `${t.type}${who ? ` ${String(who)}` : ''}`;
}

function AlertList() {
  const [status, setStatus] = useState('');
  const [pages, setPages] = useState<Alert[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [open, setOpen] = useState<AlertDetail | null>(null);
  const editor = useCan('editor');
  const list = useLoad(async () => {
    const r = await api<{ items: Alert[]; next_cursor: string | null }>(`/alerts${q({ status, limit: LIMIT })}`);
    setPages([]);
    setCursor(r.next_cursor);
    return r.items;
  }, [status]);
  const act = useAction();
  const more = () => act.run(async () => {
    const r = await api<{ items: Alert[]; next_cursor: string | null }>(`/alerts${q({ status, limit: LIMIT, cursor })}`);
    setPages((p) => [...p, ...r.items]);
    setCursor(r.next_cursor);
  });
  const change = (a: Alert, verb: 'accept' | 'resolve') => act.run(async () => {
    const d = await api<AlertDetail>(`/alerts/${a.id}/${verb}`, { body: {} });
    if (open?.id === a.id) setOpen(d);
    list.reload();
  });
  const show = (a: Alert) => act.run(async () => setOpen(open?.id === a.id ? null : await api<AlertDetail>(`/alerts/${a.id}`)));
  const rows = [...(list.data ?? []), ...pages];
  return (
    <section aria-labelledby="alerts-title">
      <div className="page-head">
        <h2 id="alerts-title">Alerts</h2>
        <label>Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option><option>pending</option><option>accepted</option><option>resolved</option>
          </select>
        </label>
      </div>
      <ErrorBox error={list.error ?? act.error} />
      <div className="table-wrap">
        <table aria-label="Alerts" aria-busy={list.loading}>
          <thead><tr><th scope="col">#</th><th scope="col">Summary</th><th scope="col">Source</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col">Events</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-alert={a.alert_key}>
                <td>{a.id}</td>
                <td><button type="button" className="link" aria-expanded={open?.id === a.id} onClick={() => void show(a)}>{a.summary}</button></td>
                <td>{a.source}</td>
                <td>{a.priority}</td>
                <td><Status status={a.status} />{a.accepted_by && a.status === 'accepted' ? <span className="muted"> by {a.accepted_by}</span> : null}</td>
                <td>{a.event_count}</td>
                <td>{time(a.created_at)}</td>
                <td className="row">
                  {editor && a.status === 'pending' && <button type="button" className="small" disabled={act.busy} onClick={() => void change(a, 'accept')} aria-label={`Accept alert ${a.id}`}>Accept</button>}
                  {editor && a.status !== 'resolved' && <button type="button" className="small secondary" disabled={act.busy} onClick={() => void change(a, 'resolve')} aria-label={`Resolve alert ${a.id}`}>Resolve</button>}
                </td>
              </tr>
            ))}
            {!list.loading && rows.length === 0 && <tr><td colSpan={8} className="muted">No alerts{status ? ` with status ${status}` : ''}.</td></tr>}
          </tbody>
        </table>
      </div>
      {cursor && <button type="button" onClick={() => void more()}>Load more</button>}
      {open && <AlertPanel alert={open} onChange={(d) => { setOpen(d); list.reload(); }} />}
    </section>
  );
}

function Sources({ policies }: { policies: Policy[] }) {
  const list = useLoad(() => api<{ items: Source[] }>('/alert-sources'), []);
  const admin = useCan('admin');
  const act = useAction();
  const [form, setForm] = useState({ name: '', kind: 'events', escalation_policy: '', priority: 'HIGH', account: '' });
  const [created, setCreated] = useState<Source | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const body = { kind: form.kind, priority: form.priority, ...(form.escalation_policy ? { escalation_policy: form.escalation_policy } : {}), ...(form.kind === '4me' ? { config: { account: form.account } } : {}) };
      setCreated(await api<Source>(`/alert-sources/${enc(form.name)}`, { method: 'PUT', body }));
      setForm({ ...form, name: '' });
      list.reload();
    });
  };
  return (
    <section aria-labelledby="sources-title">
      <h2 id="sources-title">Alert sources</h2>
      <ErrorBox error={list.error} />
      <div className="table-wrap">
        <table aria-label="Alert sources">
          <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Inbound URL</th><th scope="col">Verification</th><th scope="col">Escalation policy</th><th scope="col">Priority</th><th scope="col">Enabled</th></tr></thead>
          <tbody>
            {list.data?.items.map((s) => {
              const url = s.webhook_url ?? s.events_url;
              return (
                <tr key={s.name} data-source={s.name}>
                  <td><button type="button" className="link" aria-expanded={shown === s.name} onClick={() => setShown(shown === s.name ? null : s.name)} aria-label={`Maintenance and heartbeats of ${s.name}`}>{s.name}</button></td>
                  <td>{s.kind}</td>
                  <td>{url ? <><code>{url}</code> <CopyButton text={url} label="Copy URL" /></> : '—'}</td>
                  <td>{s.kind === 'events' ? 'integration key' : s.verification}</td>
                  <td>{s.escalation_policy ?? <span className="muted">none</span>}</td>
                  <td>{s.priority}</td>
                  <td>{s.enabled ? 'yes' : 'no'}</td>
                </tr>
              );
            })}
            {list.data?.items.length === 0 && <tr><td colSpan={7} className="muted">No alert sources yet.</td></tr>}
          </tbody>
        </table>
      </div>
      {shown && <SourceExtras source={shown} />}
      {admin && (
        <form className="form panel" onSubmit={submit} aria-label="New alert source">
          <h3>New alert source</h3>
          <ErrorBox error={act.error} labels={{ name: 'Source name', kind: 'Kind', escalation_policy: 'Escalation policy', priority: 'Priority', account: '4me account' }} />
          <div className="row">
            <label>Source name<input required pattern="[A-Za-z0-9][A-Za-z0-9_-]*" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
            <label>Kind<select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}><option value="events">Events API (ilert-compatible)</option><option value="4me">4me webhook</option></select></label>
            {form.kind === '4me' && <label>4me account<input required value={form.account} onChange={(e) => setForm({ ...form, account: e.target.value })} /></label>}
            <label>Escalation policy<select value={form.escalation_policy} onChange={(e) => setForm({ ...form, escalation_policy: e.target.value })}><option value="">None</option>{policies.map((p) => <option key={p.name}>{p.name}</option>)}</select></label>
            <label>Priority<select value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value })}><option>HIGH</option><option>LOW</option></select></label>
          </div>
          <div><button type="submit" disabled={act.busy}>Create source</button></div>
          {created?.integration_key && (
            <p role="status" className="ok">Source {created.name} created. Its integration key, shown only now: <code data-testid="integration-key">{created.integration_key}</code> <CopyButton text={created.integration_key} /></p>
          )}
        </form>
      )}
    </section>
  );
}

const EXAMPLE = JSON.stringify([{ timeout_minutes: 15, targets: [{ type: 'user', username: 'admin' }] }], null, 2);

function Policies({ list }: { list: ReturnType<typeof useLoad<{ items: Policy[] }>> }) {
  const admin = useCan('admin');
  const act = useAction();
  const [form, setForm] = useState({ name: '', levels: EXAMPLE, repeat: 0, ack: '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      let levels: unknown;
      try { levels = JSON.parse(form.levels); } catch { throw new Error('Levels are not valid JSON'); }
      await api(`/escalation-policies/${enc(form.name)}`, { method: 'PUT', body: { levels, repeat: form.repeat, ack_timeout_minutes: form.ack ? Number(form.ack) : null } });
      setForm({ ...form, name: '' });
      list.reload();
    });
  };
  return (
    <section aria-labelledby="policies-title">
      <h2 id="policies-title">Escalation policies</h2>
      <ErrorBox error={list.error} />
      <div className="table-wrap">
        <table aria-label="Escalation policies">
          <thead><tr><th scope="col">Name</th><th scope="col">Levels</th><th scope="col">Repeat</th></tr></thead>
          <tbody>
            {list.data?.items.map((p) => (
              <tr key={p.name} data-policy={p.name}>
                <td>{p.name}</td>
                <td><ol>{p.levels.map((l, i) => <li key={i}>{l.targets.map(target).join(', ')} <span className="muted">— after {l.timeout_minutes} min next level</span></li>)}</ol></td>
                <td>{p.repeat}×{p.ack_timeout_minutes ? <span className="muted"> — accepted, escalates again after {p.ack_timeout_minutes} min unresolved</span> : null}</td>
              </tr>
            ))}
            {list.data?.items.length === 0 && <tr><td colSpan={3} className="muted">No escalation policies yet.</td></tr>}
          </tbody>
        </table>
      </div>
      {admin && (
        <form className="form panel" onSubmit={submit} aria-label="New escalation policy">
          <h3>New or changed escalation policy</h3>
          <ErrorBox error={act.error} labels={{ name: 'Policy name', levels: 'Levels', repeat: 'Repeat', ack_timeout_minutes: 'Acknowledgement timeout', timeout_minutes: 'Level timeout', targets: 'Level targets' }} />
          <div className="row">
            <label>Policy name<input required pattern="[A-Za-z0-9][A-Za-z0-9_-]*" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
            <label>Repeat<input type="number" min={0} max={9} value={form.repeat} onChange={(e) => setForm({ ...form, repeat: Number(e.target.value) })} /></label>
            <label>Acknowledgement timeout (min)<input type="number" min={1} value={form.ack} onChange={(e) => setForm({ ...form, ack: e.target.value })} /></label>
          </div>
          <label>Levels (JSON: timeout_minutes and targets of type user, team, rotation, schedule, email, webhook (optionally with subscription), ilert, pagerduty)
            <textarea rows={6} value={form.levels} onChange={(e) => setForm({ ...form, levels: e.target.value })} spellCheck={false} />
          </label>
          <div><button type="submit" disabled={act.busy}>Save policy</button></div>
        </form>
      )}
    </section>
  );
}

export default function Alerts() {
  const policies = useLoad(() => api<{ items: Policy[] }>('/escalation-policies'), []);
  return (
    <Page title="Alerts">
      <AlertList />
      <Sources policies={policies.data?.items ?? []} />
      <Policies list={policies} />
    </Page>
  );
}
