// One job as a timeline of its steps; repeat and cancel.
import { api, enc } from '../api';
import { Link, navigate } from '../router';
import { ErrorBox, Json, Page, Status, duration, time, useAction, useCan, useJobStream, useLoad } from '../ui';

interface Step { id: string; status: string; attempts: number; input: unknown; output: unknown; error: unknown; started_at: string | null; finished_at: string | null }
interface JobDetail { id: string; number: number; recipe: string; recipe_version: number; status: string; trigger: unknown; error: unknown; repeat_of: string | null; created_at: string; started_at: string | null; finished_at: string | null; steps: Step[] }
const ACTIVE = new Set(['queued', 'running', 'waiting']);

export default function Job({ id }: { id: string }) {
  const job = useLoad(() => api<JobDetail>(`/jobs/${enc(id)}`), [id]);
  const j = job.data;
  const editor = useCan('editor');
  const act = useAction();
  useJobStream(job.reload, !!j && ACTIVE.has(j.status));

  const repeat = () => act.run(async () => {
    const n = await api<JobDetail>(`/jobs/${enc(j!.id)}/repeat`, { method: 'POST' });
    navigate(`/jobs/${n.number}`);
  });
  const cancel = () => act.run(async () => {
    job.set(await api<JobDetail>(`/jobs/${enc(j!.id)}/cancel`, { method: 'POST' }));
  });

  return (
    <Page title={j ? `Job #${j.number}` : `Job ${id}`} actions={j && (
      <>
        <button type="button" onClick={repeat} disabled={!editor || act.busy} title={editor ? 'Run the same trigger data again' : 'Needs the editor role'}>Repeat</button>
        <button type="button" className="danger" onClick={cancel} disabled={!editor || act.busy || !ACTIVE.has(j.status)}>Cancel</button>
      </>
    )}>
      <ErrorBox error={job.error ?? act.error} />
      {j && (
        <>
          <dl className="facts">
            <div><dt>Status</dt><dd><Status status={j.status} /></dd></div>
            <div><dt>Recipe</dt><dd><Link to={`/recipes/${enc(j.recipe)}`}>{j.recipe}</Link> v{j.recipe_version}</dd></div>
            <div><dt>Created</dt><dd>{time(j.created_at)}</dd></div>
            <div><dt>Finished</dt><dd>{time(j.finished_at)}</dd></div>
            <div><dt>Duration</dt><dd>{duration(j.started_at ?? j.created_at, j.finished_at)}</dd></div>
            {j.repeat_of && <div><dt>Repeat of</dt><dd><Link to={`/jobs/${enc(j.repeat_of)}`}>{j.repeat_of.slice(0, 8)}…</Link></dd></div>}
            <div><dt>ID</dt><dd><code>{j.id}</code></dd></div>
          </dl>
          {j.error != null && <div className="error" role="note"><strong>Job error</strong><Json value={j.error} /></div>}
          <details>
            <summary>Trigger data</summary>
            <Json value={j.trigger} label="Trigger data" download={`/api/v1/jobs/${enc(j.id)}/values/trigger`} />
          </details>
          <h2>Steps</h2>
          {j.steps.length === 0 && <p className="muted">No step has run yet.</p>}
          <ol className="timeline" aria-label="Steps">
            {j.steps.map((s) => (
              <li key={s.id} className={`step st-${s.status}`} data-step={s.id}>
                <div className="step-head">
                  <strong>{s.id}</strong> <Status status={s.status} />
                  <span className="muted">{s.attempts} attempt{s.attempts === 1 ? '' : 's'} · {time(s.started_at)} · {duration(s.started_at, s.finished_at)}</span>
                </div>
                <details><summary>Input</summary><Json value={s.input} label={`Input of ${s.id}`} download={`/api/v1/jobs/${enc(j.id)}/steps/${enc(s.id)}/input`} /></details>
                <details open={s.status === 'succeeded'}><summary>Output</summary><Json value={s.output} label={`Output of ${s.id}`} download={`/api/v1/jobs/${enc(j.id)}/steps/${enc(s.id)}/output`} /></details>
                {s.error != null && <details open><summary>Error</summary><Json value={s.error} label={`Error of ${s.id}`} /></details>}
              </li>
            ))}
          </ol>
        </>
      )}
    </Page>
  );
}
