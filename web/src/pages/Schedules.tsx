// On-call schedules: who is on call now, a timeline of the next 7 days (overrides marked), adding
// and removing overrides, and a JSON editor for a schedule's layers. Viewers read; editors change.
import { useState, type FormEvent } from 'react';
import { api, enc } from '../api';
import { Link, navigate } from '../router';
import { ErrorBox, Page, time, useAction, useCan, useLoad } from '../ui';

interface Override { id: number; user: string; from: string; to: string; note: string | null; created_by: string | null }
interface Schedule { name: string; description: string | null; time_zone: string; layers: Array<Record<string, unknown>>; overrides: Override[]; on_call_now: string | null }
interface Shift { user: string; from: string; to: string; layer: number | null; layer_name: string | null; override_id: number | null }
const DAY = 86_400_000;
const EXAMPLE = JSON.stringify([{ name: 'Primary', users: ['admin'], handoff: 'weekly', start: '2026-01-05T09:00', restrictions: [] }], null, 2);

/** The browser's local midnights in the period: where the day labels go. */
function midnights(from: number, span: number): number[] {
  const out: number[] = [];
  const d = new Date(from);
  d.setHours(24, 0, 0, 0);
  for (; d.getTime() < from + span; d.setDate(d.getDate() + 1)) out.push(d.getTime());
  return out;
}

function Timeline({ name, from, shifts }: { name: string; from: number; shifts: Shift[] }) {
  const span = 7 * DAY;
  const pct = (t: number) => `${(Math.max(0, Math.min(span, t - from)) / span) * 100}%`;
  return (
    <div className="timeline" role="img" aria-label={`Who is on call in ${name} over the next 7 days`}>
      {midnights(from, span).map((t) => <span key={t} className="tick" style={{ left: pct(t) }}>{new Date(t).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })}</span>)}
      {shifts.map((s, i) => {
        const a = Date.parse(s.from);
        const b = Date.parse(s.to);
        return (
          <span key={i} className={`shift${s.override_id ? ' override' : ''}`} title={`${s.user}: ${time(s.from)} – ${time(s.to)}`}
            style={{ left: pct(a), width: `calc(${pct(b)} - ${pct(a)})` }}>{s.user}</span>
        );
      })}
    </div>
  );
}

function Detail({ name }: { name: string }) {
  const editor = useCan('editor');
  const [from] = useState(() => Date.now());
  const s = useLoad(() => api<Schedule>(`/schedules/${enc(name)}`), [name]);
  const tl = useLoad(() => api<{ items: Shift[] }>(`/schedules/${enc(name)}/timeline`), [name]);
  const act = useAction();
  const [ov, setOv] = useState({ user: '', from: '', to: '', note: '' });
  const reload = () => { s.reload(); tl.reload(); };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      // datetime-local values are the browser's local time; the API takes instants.
      await api(`/schedules/${enc(name)}/overrides`, { body: { user: ov.user, from: new Date(ov.from).toISOString(), to: new Date(ov.to).toISOString(), ...(ov.note ? { note: ov.note } : {}) } });
      setOv({ user: '', from: '', to: '', note: '' });
      reload();
    });
  };
  const remove = (id: number) => act.run(async () => { await api(`/schedules/${enc(name)}/overrides/${id}`, { method: 'DELETE' }); reload(); });
  return (
    <section aria-labelledby="schedule-title" className="panel">
      <h2 id="schedule-title">Schedule {name}</h2>
      <ErrorBox error={s.error ?? tl.error} />
      {s.data && <p>On call now: <strong data-testid="on-call-now">{s.data.on_call_now ?? 'nobody'}</strong> <span className="muted">({s.data.time_zone})</span></p>}
      {tl.data && <Timeline name={name} from={from} shifts={tl.data.items} />}
      <div className="table-wrap">
        <table aria-label="Who is on call">
          <thead><tr><th scope="col">Who</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th></tr></thead>
          <tbody>{tl.data?.items.map((x, i) => (
            <tr key={i} data-shift={x.user} className={x.override_id ? 'override' : undefined}>
              <td>{x.user}</td><td>{time(x.from)}</td><td>{time(x.to)}</td><td>{x.override_id ? `Override ${x.override_id}` : x.layer_name}</td>
            </tr>
          ))}
          {tl.data?.items.length === 0 && <tr><td colSpan={4} className="muted">Nobody is on call in the next 7 days.</td></tr>}</tbody>
        </table>
      </div>
      <h3>Overrides</h3>
      <ul aria-label="Overrides">
        {s.data?.overrides.map((o) => (
          <li key={o.id} data-override={o.id}>{o.user}: {time(o.from)} – {time(o.to)}{o.note ? ` (${o.note})` : ''}
            {editor && <> <button type="button" className="small secondary" onClick={() => void remove(o.id)} aria-label={`Remove override ${o.id}`}>Remove</button></>}</li>
        ))}
        {s.data?.overrides.length === 0 && <li className="muted">No current or future overrides.</li>}
      </ul>
      {editor && (
        <form className="form" onSubmit={add} aria-label="Add an override">
          <ErrorBox error={act.error} labels={{ user: 'Person', from: 'From', to: 'To', note: 'Note' }} />
          <div className="row">
            <label>Person<input required list="schedule-people" value={ov.user} onChange={(e) => setOv({ ...ov, user: e.target.value })} /></label>
            <datalist id="schedule-people">{[...new Set(s.data?.layers.flatMap((l) => (l.users as string[]) ?? []))].map((u) => <option key={u} value={u} />)}</datalist>
            <label>From<input type="datetime-local" required value={ov.from} onChange={(e) => setOv({ ...ov, from: e.target.value })} /></label>
            <label>To<input type="datetime-local" required value={ov.to} onChange={(e) => setOv({ ...ov, to: e.target.value })} /></label>
            <label>Note<input value={ov.note} onChange={(e) => setOv({ ...ov, note: e.target.value })} /></label>
          </div>
          <div><button type="submit" disabled={act.busy}>Add override</button></div>
        </form>
      )}
    </section>
  );
}

export default function Schedules({ name }: { name?: string }) {
  const list = useLoad(() => api<{ items: Schedule[] }>('/schedules'), []);
  const editor = useCan('editor');
  const act = useAction();
  // Bumped by a save: the open schedule's timeline is read again.
  const [saved, setSaved] = useState(0);
  const [form, setForm] = useState({ name: '', time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone, layers: EXAMPLE });
  const save = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      let layers: unknown;
      try { layers = JSON.parse(form.layers); } catch { throw new Error('Layers are not valid JSON'); }
      await api(`/schedules/${enc(form.name)}`, { method: 'PUT', body: { time_zone: form.time_zone, layers } });
      list.reload();
      setSaved((n) => n + 1);
      navigate(`/schedules/${enc(form.name)}`);
    });
  };
  return (
    <Page title="On-call schedules">
      <ErrorBox error={list.error} />
      <div className="table-wrap">
        <table aria-label="Schedules">
          <thead><tr><th scope="col">Name</th><th scope="col">Time zone</th><th scope="col">Layers</th><th scope="col">On call now</th></tr></thead>
          <tbody>
            {list.data?.items.map((s) => (
              <tr key={s.name} data-schedule={s.name}><td><Link to={`/schedules/${enc(s.name)}`}>{s.name}</Link></td><td>{s.time_zone}</td><td>{s.layers.length}</td><td>{s.on_call_now ?? <span className="muted">nobody</span>}</td></tr>
            ))}
            {list.data?.items.length === 0 && <tr><td colSpan={4} className="muted">No schedules yet.</td></tr>}
          </tbody>
        </table>
      </div>
      {name && <Detail key={`${name}:${saved}`} name={decodeURIComponent(name)} />}
      {name && editor && list.data?.items.some((x) => x.name === decodeURIComponent(name)) && (
        <button type="button" className="secondary" onClick={() => {
          const x = list.data!.items.find((y) => y.name === decodeURIComponent(name))!;
          setForm({ name: x.name, time_zone: x.time_zone, layers: JSON.stringify(x.layers, null, 2) });
        }}>Edit layers of {decodeURIComponent(name)}</button>
      )}
      {editor && (
        <form className="form panel" onSubmit={save} aria-label="New or changed schedule">
          <h2>New or changed schedule</h2>
          <ErrorBox error={act.error} labels={{ name: 'Schedule name', time_zone: 'Time zone', layers: 'Layers', users: 'Layer users', handoff: 'Layer handoff', start: 'Layer start', restrictions: 'Layer restrictions' }} />
          <div className="row">
            <label>Schedule name<input required pattern="[A-Za-z0-9][A-Za-z0-9_-]*" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
            <label>Time zone<input required value={form.time_zone} onChange={(e) => setForm({ ...form, time_zone: e.target.value })} /></label>
          </div>
          <label>Layers (JSON: users, handoff daily, weekly or custom with every and unit hours or days, start as local YYYY-MM-DDTHH:MM, restrictions of days, from, to; later layers override earlier)
            <textarea rows={8} value={form.layers} onChange={(e) => setForm({ ...form, layers: e.target.value })} spellCheck={false} />
          </label>
          <div><button type="submit" disabled={act.busy}>Save schedule</button></div>
        </form>
      )}
    </Page>
  );
}
