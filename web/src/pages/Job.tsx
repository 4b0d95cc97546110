// One job as a timeline of its steps; repeat and cancel.
import { api, enc } from '../api';
import { FormError } from '../formError';
import { Link, navigate } from '../router';
import { Json, Page, Status, duration, time, useAction, useCan, useJobStream, useLoad } from '../ui';
import { StepList, stepTree, type JobLink, type Step } from './JobSteps';
import JobFlow from './JobFlow';

interface JobDetail {
  id: string; number: number; recipe: string; recipe_version: number; test?: boolean; status: string; title: string | null; trigger: unknown; error: unknown; repeat_of: string | null;
  repeat_of_job?: JobRef | null; repeats?: JobRef[];
  created_at: string; started_at: string | null; finished_at: string | null; steps: Step[]; parent?: JobLink | null; children?: JobLink[]; result?: unknown;
}
interface JobRef { id: string; number: number; status: string }
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
      <FormError error={job.error ?? act.error} labels={{}} />
      {j && (
        <>
          {j.title && <p className="job-heading-title" data-testid="job-title">{j.title}</p>}
          {j.repeat_of && (
            <p className="repeat-link">
              {j.repeat_of_job ? <>Repeat of <Link to={`/jobs/${j.repeat_of_job.number}`}>job #{j.repeat_of_job.number}</Link> <Status status={j.repeat_of_job.status} /></>
                : <>Repeat of a job that is no longer kept ({j.repeat_of.slice(0, 8)}…)</>}
            </p>
          )}
          {(j.repeats?.length ?? 0) > 0 && (
            <p className="repeat-link">Repeated as {j.repeats!.map((r, i) => <span key={r.id}>{i > 0 && ', '}<Link to={`/jobs/${r.number}`}>#{r.number}</Link> <Status status={r.status} /></span>)}
              {j.repeats!.length >= 20 && <span className="muted"> (newest 20)</span>}</p>
          )}
          <dl className="facts">
            <div><dt>Status</dt><dd><Status status={j.status} /></dd></div>
            <div><dt>Recipe</dt><dd><Link to={`/recipes/${enc(j.recipe)}`}>{j.recipe}</Link> {j.test ? 'test run of a draft' : `v${j.recipe_version}`}</dd></div>
            <div><dt>Created</dt><dd>{time(j.created_at)}</dd></div>
            <div><dt>Finished</dt><dd>{time(j.finished_at)}</dd></div>
            <div><dt>Duration</dt><dd>{duration(j.started_at ?? j.created_at, j.finished_at)}</dd></div>
            {j.parent && <div><dt>Called by</dt><dd><Link to={`/jobs/${j.parent.number}`}>#{j.parent.number}</Link> {j.parent.recipe} (step {j.parent.step})</dd></div>}
            {(j.children?.length ?? 0) > 0 && <div><dt>Called</dt><dd>{j.children!.map((c) => <span key={c.id}><Link to={`/jobs/${c.number}`}>#{c.number}</Link> {c.recipe} <Status status={c.status} /> </span>)}</dd></div>}
            <div><dt>ID</dt><dd><code>{j.id}</code></dd></div>
          </dl>
          {j.error != null && <div className="error" role="note"><strong>Job error</strong><Json value={j.error} /></div>}
          <details>
            <summary>Trigger data</summary>
            <Json value={j.trigger} label="Trigger data" download={`/api/v1/jobs/${enc(j.id)}/values/trigger`} />
          </details>
          <JobFlow job={j} />
          <h2>Steps</h2>
          {j.steps.length === 0 && <p className="muted">No step has run yet.</p>}
          <StepList nodes={stepTree(j.steps)} jobId={j.id} calls={j.children ?? []} label="Steps" />
          {j.result !== undefined && j.result !== null && <details open><summary>Result</summary><Json value={j.result} label="Result" /></details>}
        </>
      )}
    </Page>
  );
}
