// The alert lifecycle in the UI: the open alert's panel with its buttons (accept, un-accept, snooze
// until, reassign, resolve, reopen), a comment box and its log, and under each alert source its maintenance
// windows and heartbeats. Uses /api/v1/alerts/{id}/*, /alert-sources/{name}/maintenance and
// /heartbeats as they are; the server refuses what the alert's status does not allow.
import { useState, type FormEvent } from 'react';
import { api, enc, q } from '../api';
import { CopyButton, ErrorBox, Status, time, useAction, useCan, useLoad } from '../ui';

export interface AlertDetail {
  id: number; summary: string; details: string | null; status: string; snoozed_until: string | null; assignee: Record<string, string> | null;
  accepted_by: string | null; resolved_by: string | null; log: Array<{ at: string; kind: string; actor: string | null; text: string }>;
}
interface Window { id: number; from: string; to: string; reason: string; active: boolean; absorbed: number }
interface Beat { name: string; status: string; interval_minutes: number; grace_minutes: number; last_beat_at: string | null; due_at: string; ping_url?: string }

/** `datetime-local` gives local time without a zone; the API wants an instant. */
const instant = (local: string) => new Date(local).toISOString();
const inAnHour = () => { const d = new Date(Date.now() + 3_600_000); d.setSeconds(0, 0); return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16); };
const LABELS = { text: 'Comment', until: 'Snooze until', target: 'Reassign to', 'target.username': 'User name', 'target.team': 'Team', 'target.name': 'Schedule' };
const who = (t: Record<string, string>) => `${t.type} ${t.username ?? t.team ?? t.schedule ?? ''}`;

export function AlertPanel({ alert, onChange }: { alert: AlertDetail; onChange: (a: AlertDetail) => void }) {
  const editor = useCan('editor');
  const act = useAction();
  const [until, setUntil] = useState(inAnHour);
  const [target, setTarget] = useState({ type: 'user', name: '' });
  const [comment, setComment] = useState('');
  const post = (verb: string, body: Record<string, unknown> = {}) => act.run(async () => onChange(await api<AlertDetail>(`/alerts/${alert.id}/${verb}`, { body })));
  const reassign = (e: FormEvent) => {
    e.preventDefault();
    const key = target.type === 'user' ? 'username' : target.type === 'schedule' ? 'name' : target.type;
    void post('reassign', { target: { type: target.type, [key]: target.name } });
  };
  const addComment = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => { onChange(await api<AlertDetail>(`/alerts/${alert.id}/comment`, { body: { text: comment.trim() } })); setComment(''); });
  };
  const s = alert.status;
  return (
    <div className="panel" role="region" aria-label={`Alert ${alert.id}`}>
      <h3>Alert {alert.id}: {alert.summary}</h3>
      <p><Status status={s} />
        {alert.snoozed_until && <span className="muted"> snoozed until {time(alert.snoozed_until)}</span>}
        {alert.assignee && <span className="muted"> assigned to {who(alert.assignee)}</span>}
      </p>
      {alert.details && <p>{alert.details}</p>}
      <ErrorBox error={act.error} labels={LABELS} />
      {editor && (
        <div className="row" role="group" aria-label="Alert actions">
          {s === 'pending' && <button type="button" className="small" disabled={act.busy} onClick={() => void post('accept')}>Accept</button>}
          {s === 'accepted' && <button type="button" className="small secondary" disabled={act.busy} onClick={() => void post('unaccept')}>Un-accept</button>}
          {s !== 'resolved' && <button type="button" className="small secondary" disabled={act.busy} onClick={() => void post('resolve')}>Resolve</button>}
          {s === 'resolved' && <button type="button" className="small" disabled={act.busy} onClick={() => void post('reopen')}>Reopen</button>}
          {s !== 'resolved' && (
            <>
              <label>Snooze until<input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} /></label>
              <button type="button" className="small secondary" disabled={act.busy || !until} onClick={() => void post('snooze', { until: instant(until) })}>Snooze</button>
            </>
          )}
        </div>
      )}
      {editor && s !== 'resolved' && (
        <form className="row" onSubmit={reassign} aria-label="Reassign">
          <label>Reassign to<select value={target.type} onChange={(e) => setTarget({ ...target, type: e.target.value })}><option value="user">User</option><option value="team">Team</option><option value="schedule">Schedule</option></select></label>
          <label>Name<input required value={target.name} onChange={(e) => setTarget({ ...target, name: e.target.value })} /></label>
          <button type="submit" className="small secondary" disabled={act.busy}>Reassign</button>
        </form>
      )}
      {editor && (
        <form className="form" onSubmit={addComment} aria-label="Add a comment">
          <label>Comment<textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} /></label>
          <div><button type="submit" className="small" disabled={act.busy || !comment.trim()}>Add comment</button></div>
        </form>
      )}
      <ol className="log" aria-label="Alert log">
        {alert.log.map((l, i) => <li key={i}><span className="muted">{time(l.at)}</span> <b>{l.kind}</b> {l.actor ? `${l.actor}: ` : ''}{l.text}</li>)}
      </ol>
    </div>
  );
}

export function SourceExtras({ source }: { source: string }) {
  const editor = useCan('editor');
  const admin = useCan('admin');
  const windows = useLoad(() => api<{ items: Window[] }>(`/alert-sources/${enc(source)}/maintenance`), [source]);
  const beats = useLoad(() => api<{ items: Beat[] }>(`/heartbeats${q({ source })}`), [source]);
  const act = useAction();
  const [w, setW] = useState({ from: '', to: inAnHour(), reason: '' });
  const [b, setB] = useState({ name: '', interval: 60, grace: 5 });
  const [made, setMade] = useState<Beat | null>(null);
  const plan = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      await api(`/alert-sources/${enc(source)}/maintenance`, { body: { from: w.from ? instant(w.from) : new Date().toISOString(), to: instant(w.to), reason: w.reason } });
      setW({ ...w, reason: '' });
      windows.reload();
    });
  };
  const end = (id: number) => act.run(async () => { await api(`/alert-sources/${enc(source)}/maintenance/${id}`, { method: 'DELETE' }); windows.reload(); });
  const addBeat = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      setMade(await api<Beat>(`/heartbeats/${enc(b.name)}`, { method: 'PUT', body: { source, interval_minutes: b.interval, grace_minutes: b.grace } }));
      setB({ ...b, name: '' });
      beats.reload();
    });
  };
  return (
    <div className="panel" role="region" aria-label={`Source ${source}: maintenance and heartbeats`}>
      <ErrorBox error={windows.error ?? beats.error ?? act.error} labels={{ from: 'From', to: 'To', reason: 'Reason', interval_minutes: 'Interval (min)', grace_minutes: 'Grace (min)', source: 'Source' }} />
      <h4>Maintenance windows</h4>
      <div className="table-wrap"><table aria-label={`Maintenance windows of ${source}`}>
        <thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Reason</th><th scope="col">Absorbed events</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {windows.data?.items.map((x) => (
            <tr key={x.id} data-window={x.id}>
              <td>{time(x.from)}</td><td>{time(x.to)}</td><td>{x.reason}{x.active && <b> (active)</b>}</td><td>{x.absorbed}</td>
              <td>{editor && <button type="button" className="small secondary" onClick={() => void end(x.id)} aria-label={`Delete maintenance window ${x.id}`}>Delete</button>}</td>
            </tr>
          ))}
          {windows.data?.items.length === 0 && <tr><td colSpan={5} className="muted">No maintenance windows.</td></tr>}
        </tbody>
      </table></div>
      {editor && (
        <form className="row" onSubmit={plan} aria-label={`New maintenance window for ${source}`}>
          <label>From<input type="datetime-local" value={w.from} onChange={(e) => setW({ ...w, from: e.target.value })} /></label>
          <label>To<input type="datetime-local" required value={w.to} onChange={(e) => setW({ ...w, to: e.target.value })} /></label>
          <label>Reason<input required value={w.reason} onChange={(e) => setW({ ...w, reason: e.target.value })} /></label>
          <button type="submit" className="small" disabled={act.busy}>Plan maintenance</button>
        </form>
      )}
      <h4>Heartbeats</h4>
      <div className="table-wrap"><table aria-label={`Heartbeats of ${source}`}>
        <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Every</th><th scope="col">Last beat</th><th scope="col">Due</th></tr></thead>
        <tbody>
          {beats.data?.items.map((x) => (
            <tr key={x.name} data-heartbeat={x.name}>
              <td>{x.name}</td><td><Status status={x.status} /></td><td>{x.interval_minutes} min (+{x.grace_minutes})</td><td>{time(x.last_beat_at)}</td><td>{time(x.due_at)}</td>
            </tr>
          ))}
          {beats.data?.items.length === 0 && <tr><td colSpan={5} className="muted">No heartbeats.</td></tr>}
        </tbody>
      </table></div>
      {admin && (
        <form className="row" onSubmit={addBeat} aria-label={`New heartbeat for ${source}`}>
          <label>Heartbeat name<input required pattern="[A-Za-z0-9][A-Za-z0-9_-]*" value={b.name} onChange={(e) => setB({ ...b, name: e.target.value })} /></label>
          <label>Interval (min)<input type="number" min={1} value={b.interval} onChange={(e) => setB({ ...b, interval: Number(e.target.value) })} /></label>
          <label>Grace (min)<input type="number" min={0} value={b.grace} onChange={(e) => setB({ ...b, grace: Number(e.target.value) })} /></label>
          <button type="submit" className="small" disabled={act.busy}>Add heartbeat</button>
        </form>
      )}
      {made?.ping_url && <p role="status" className="ok">Heartbeat {made.name}: its ping URL, shown only now: <code data-testid="ping-url">{made.ping_url}</code> <CopyButton text={made.ping_url} /></p>}
    </div>
  );
}
