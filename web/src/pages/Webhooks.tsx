// Outbound webhooks: subscriptions with their last delivery; per subscription the delivery log,
// each delivery's attempts, and resend; its edit form, admin controls and "Send test" are in
// WebhookManage.tsx.
import { useState, type FormEvent } from 'react';
import { api, enc, q } from '../api';
import { Link } from '../router';
import { CopyButton, ErrorBox, Json, Page, Status, time, useAction, useCan, useLoad } from '../ui';
import { HOOK_LABELS, WebhookAdmin, WebhookEdit, WebhookTest, type Hook } from './WebhookManage';

interface Delivery { id: string; event_type: string; status: string; attempts: number; next_attempt_at: string | null; last_status: number | null; last_error: string | null; payload: unknown; created_at: string }
interface Attempt { id: number; attempt: number; at: string; status_code: number | null; response: string | null; duration_ms: number; error: string | null; trigger: string }

export default function Webhooks({ id }: { id?: string }) {
  return id ? <WebhookDetail id={id} /> : <WebhookList />;
}

function WebhookList() {
  const list = useLoad(() => api<{ items: Hook[] }>('/webhooks'), []);
  const admin = useCan('admin');
  const [f, setF] = useState({ event: 'job.succeeded', uri: '', recipe: '', private_network: false });
  const [secret, setSecret] = useState('');
  const act = useAction();
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const r = await api<Hook & { secret: string }>('/webhooks', { body: { event: f.event, uri: f.uri, ...(f.recipe ? { recipe: f.recipe } : {}), private_network: f.private_network } });
      setSecret(r.secret);
      list.reload();
    });
  };
  return (
    <Page title="Outbound webhooks">
      <ErrorBox error={list.error} />
      <div className="table-wrap">
        <table aria-label="Webhooks">
          <thead><tr><th scope="col">Event</th><th scope="col">URI</th><th scope="col">Status</th><th scope="col">Last delivery</th><th scope="col">Verified</th></tr></thead>
          <tbody>
            {list.data?.items.map((h) => (
              <tr key={h.id}>
                <td><Link to={`/webhooks/${enc(h.id)}`}>{h.event}</Link>{h.recipe && <span className="muted"> ({h.recipe})</span>}</td>
                <td><code>{h.uri}</code></td>
                <td><Status status={h.status} />{h.disabled_reason && <span className="muted"> {h.disabled_reason}</span>}</td>
                <td>{h.last_delivery_at ? <>{time(h.last_delivery_at)} <span className={h.last_delivery_status && h.last_delivery_status < 300 ? 'st-ok' : 'st-failed'}>{h.last_delivery_status ?? h.last_error}</span></> : <span className="muted">never</span>}</td>
                <td>{h.verify ? (h.verified_at ? time(h.verified_at) : 'pending') : '—'}</td>
              </tr>
            ))}
            {list.data?.items.length === 0 && <tr><td colSpan={5} className="muted">No subscriptions.</td></tr>}
          </tbody>
        </table>
      </div>
      {admin && (
        <form className="panel form" onSubmit={create} aria-labelledby="new-hook">
          <h2 id="new-hook">New subscription</h2>
          <label>Event<input required value={f.event} onChange={(e) => setF({ ...f, event: e.target.value })} placeholder="job.succeeded, job.failed, job.*" /></label>
          <label>URI<input required type="url" value={f.uri} onChange={(e) => setF({ ...f, uri: e.target.value })} /></label>
          <label>Only for recipe (optional)<input value={f.recipe} onChange={(e) => setF({ ...f, recipe: e.target.value })} /></label>
          <label className="check"><input type="checkbox" checked={f.private_network} onChange={(e) => setF({ ...f, private_network: e.target.checked })} /> Allow a private network address</label>
          <ErrorBox error={act.error} labels={HOOK_LABELS} />
          <div><button type="submit" disabled={act.busy}>Subscribe</button></div>
          {secret && <p role="status" className="ok">Signing secret (shown once): <code>{secret}</code> <CopyButton text={secret} label="Copy secret" /></p>}
        </form>
      )}
    </Page>
  );
}

function WebhookDetail({ id }: { id: string }) {
  const hook = useLoad(() => api<Hook>(`/webhooks/${enc(id)}`), [id]);
  const [status, setStatus] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const deliveries = useLoad(() => api<{ items: Delivery[]; next_cursor: string | null }>(`/webhooks/${enc(id)}/deliveries${q({ status, cursor, limit: 50 })}`), [id, status, cursor]);
  const [open, setOpen] = useState<string | null>(null);
  const attempts = useLoad(async () => (open ? api<{ items: Attempt[] }>(`/webhooks/${enc(id)}/attempts${q({ delivery: open })}`) : { items: [] }), [id, open]);
  const editor = useCan('editor');
  const admin = useCan('admin');
  const act = useAction();
  const h = hook.data;
  const resend = (d: string) => act.run(async () => { await api(`/webhooks/${enc(id)}/deliveries/${enc(d)}/resend`, { method: 'POST' }); deliveries.reload(); });
  return (
    <Page title={h ? `Webhook ${h.event}` : 'Webhook'}>
      <ErrorBox error={hook.error ?? deliveries.error ?? act.error} />
      {h && <dl className="facts">
        <div><dt>URI</dt><dd><code data-testid="hook-uri">{h.uri}</code></dd></div>
        {h.description && <div><dt>Description</dt><dd data-testid="hook-description">{h.description}</dd></div>}
        {h.recipe && <div><dt>Only for recipe</dt><dd>{h.recipe}</dd></div>}
        <div><dt>Status</dt><dd><Status status={h.status} />{h.disabled_reason && <span className="muted"> {h.disabled_reason}</span>}</dd></div>
        <div><dt>Failures in a row</dt><dd>{h.consecutive_failures}</dd></div>
        {h.last_error && <div><dt>Last error</dt><dd>{h.last_error}</dd></div>}
      </dl>}
      {h && <WebhookTest hook={h} onSettled={deliveries.reload} />}
      {h && admin && <WebhookAdmin hook={h} onChange={hook.set} />}
      {h && admin && <WebhookEdit hook={h} onSaved={hook.set} />}
      <h2>Deliveries</h2>
      <label>Status<select value={status} onChange={(e) => { setStatus(e.target.value); setCursor(null); }}>{['', 'pending', 'succeeded', 'failed', 'canceled'].map((s) => <option key={s} value={s}>{s || 'any'}</option>)}</select></label>
      <div className="table-wrap">
        <table aria-label="Deliveries">
          <thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>{deliveries.data?.items.map((d) => (
            <tr key={d.id}>
              <td>{time(d.created_at)}</td><td>{d.event_type}</td><td><Status status={d.status} /></td><td>{d.attempts}</td>
              <td>{d.last_status ?? d.last_error ?? '—'}</td>
              <td className="actions">
                <button type="button" className="small" onClick={() => setOpen(open === d.id ? null : d.id)} aria-expanded={open === d.id}>Attempts</button>
                {editor && <button type="button" className="small" onClick={() => resend(d.id)} disabled={act.busy}>Resend</button>}
              </td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      {deliveries.data?.next_cursor && <button type="button" onClick={() => setCursor(deliveries.data!.next_cursor)}>Older deliveries</button>}
      {open && (
        <section className="panel" aria-label="Attempts">
          <h3>Attempts of {open}</h3>
          <ol>{attempts.data?.items.map((a) => <li key={a.id}>{time(a.at)}: {a.status_code ?? a.error} in {a.duration_ms} ms ({a.trigger}){a.response && <Json value={a.response} />}</li>)}</ol>
        </section>
      )}
    </Page>
  );
}
