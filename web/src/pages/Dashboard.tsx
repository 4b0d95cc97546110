// Dashboard: jobs per minute, success rate and p95 duration per recipe, failing recipes and queue
// health, from GET /api/v1/stats; plain SVG, each chart with a text alternative.
import { useState } from 'react';
import { api } from '../api';
import { Link } from '../router';
import { ErrorBox, Page, ms, useJobStream, useLoad } from '../ui';

interface Stats {
  window_minutes: number; sampled: boolean;
  per_minute: Array<{ minute: string; succeeded: number; failed: number; canceled: number }>;
  recipes: Array<{ recipe: string; finished: number; succeeded: number; failed: number; success_rate: number | null; p95_ms: number | null }>;
  queue: { counts: Record<string, number>; oldest_queued_age_seconds: number; expired_leases: number };
}

function PerMinute({ data }: { data: Stats['per_minute'] }) {
  const W = 720;
  const H = 160;
  const max = Math.max(1, ...data.map((d) => d.succeeded + d.failed + d.canceled));
  const bw = W / Math.max(1, data.length);
  const total = data.reduce((a, d) => a + d.succeeded + d.failed + d.canceled, 0);
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H + 20}`} width="100%" role="img" aria-label={`Jobs finished per minute: ${total} in ${data.length} minutes, at most ${max} in a minute`}>
        <line x1="0" y1={H} x2={W} y2={H} stroke="currentColor" strokeOpacity=".3" />
        {data.map((d, i) => {
          const hs = (d.succeeded / max) * H;
          const hf = (d.failed / max) * H;
          return (
            <g key={d.minute}>
              <title>{`${new Date(d.minute).toLocaleTimeString()}: ${d.succeeded} succeeded, ${d.failed} failed`}</title>
              <rect x={i * bw + 1} y={H - hs} width={Math.max(1, bw - 2)} height={hs} fill="var(--ok)" />
              <rect x={i * bw + 1} y={H - hs - hf} width={Math.max(1, bw - 2)} height={hf} fill="var(--bad)" />
            </g>
          );
        })}
        <text x="0" y={H + 15}>{data[0] ? new Date(data[0].minute).toLocaleTimeString([], { timeStyle: 'short' }) : ''}</text>
        <text x={W} y={H + 15} textAnchor="end">now</text>
        <text x="2" y="12">{max}/min</text>
      </svg>
      <figcaption className="muted"><span style={{ color: 'var(--ok)' }}>■</span> succeeded <span style={{ color: 'var(--bad)' }}>■</span> failed</figcaption>
    </figure>
  );
}

function Bar({ value, max, color, label }: { value: number; max: number; color: string; label: string }) {
  return (
    <svg width="120" height="14" role="img" aria-label={label}>
      <rect width="120" height="14" fill="currentColor" fillOpacity=".08" />
      <rect width={max > 0 ? (value / max) * 120 : 0} height="14" fill={color} />
    </svg>
  );
}

export default function Dashboard() {
  const [minutes, setMinutes] = useState(60);
  const stats = useLoad(() => api<Stats>(`/stats?minutes=${minutes}`), [minutes]);
  // Stats scan the window: refreshed on activity, but at most every 5 s.
  useJobStream(stats.reload, true, 5000);
  const s = stats.data;
  const maxP95 = Math.max(0, ...(s?.recipes.map((r) => r.p95_ms ?? 0) ?? []));
  const failing = s?.recipes.filter((r) => r.failed > 0) ?? [];
  const c = s?.queue.counts ?? {};
  return (
    <Page title="Dashboard" actions={
      <label>Window<select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
        <option value={15}>15 minutes</option><option value={60}>1 hour</option><option value={360}>6 hours</option><option value={1440}>24 hours</option>
      </select></label>
    }>
      <ErrorBox error={stats.error} />
      {s && (
        <>
          <div className="tiles" aria-label="Queue">
            <div className="tile"><b>{c.queued ?? 0}</b>queued</div>
            <div className="tile"><b>{c.running ?? 0}</b>running</div>
            <div className="tile"><b>{c.waiting ?? 0}</b>waiting</div>
            <div className={`tile ${s.queue.oldest_queued_age_seconds > 60 ? 'st-failed' : ''}`}><b>{Math.round(s.queue.oldest_queued_age_seconds)} s</b>oldest queued</div>
            <div className={`tile ${s.queue.expired_leases ? 'st-failed' : ''}`}><b>{s.queue.expired_leases}</b>stuck (lease expired)</div>
            <div className="tile"><b>{c.failed ?? 0}</b><Link to="/jobs?status=failed">failed jobs</Link></div>
          </div>
          <h2>Jobs per minute</h2>
          <PerMinute data={s.per_minute} />
          {failing.length > 0 && (
            <>
              <h2>Failing recipes</h2>
              <ul>{failing.map((r) => <li key={r.recipe}><Link to={`/jobs?recipe=${encodeURIComponent(r.recipe)}&status=failed`}>{r.recipe}</Link>: {r.failed} failed of {r.finished}</li>)}</ul>
            </>
          )}
          <h2>Per recipe</h2>
          <div className="table-wrap">
            <table aria-label="Per recipe">
              <thead><tr><th scope="col">Recipe</th><th scope="col">Finished</th><th scope="col">Success rate</th><th scope="col">p95 duration</th></tr></thead>
              <tbody>
                {s.recipes.map((r) => (
                  <tr key={r.recipe}>
                    <td><Link to={`/recipes/${encodeURIComponent(r.recipe)}`}>{r.recipe}</Link></td>
                    <td>{r.finished}</td>
                    <td>{r.success_rate === null ? '—' : <span className="row"><Bar value={r.success_rate} max={1} color={r.success_rate < 0.95 ? 'var(--bad)' : 'var(--ok)'} label={`${Math.round(r.success_rate * 100)}% succeeded`} /> {Math.round(r.success_rate * 100)}%</span>}</td>
                    <td>{r.p95_ms === null ? '—' : <span className="row"><Bar value={r.p95_ms} max={maxP95} color="var(--accent)" label={`p95 ${ms(r.p95_ms)}`} /> {ms(r.p95_ms)}</span>}</td>
                  </tr>
                ))}
                {s.recipes.length === 0 && <tr><td colSpan={4} className="muted">No job finished in this window.</td></tr>}
              </tbody>
            </table>
          </div>
          {s.sampled && <p className="muted">Busy window: computed from the newest 50,000 jobs.</p>}
        </>
      )}
    </Page>
  );
}
