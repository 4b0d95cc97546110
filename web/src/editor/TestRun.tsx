// Test run: runs the draft (POST /recipes/{name}/draft/test, a job marked test) when there is one,
// else sends the sample body to the recipe's trigger URL; follows the job it makes.
import { useEffect, useState } from 'react';
import { api, enc } from '../api';
import { Link } from '../router';
import { ErrorBox, Json, Status, useAction, useCan, useJobStream } from '../ui';
import type { RecipeSummary } from '../pages/Recipes';

interface JobDetail { id: string; number: number; status: string; test?: boolean; error: unknown; steps: Array<{ id: string; status: string; attempts: number; output: unknown; error: unknown }> }

export default function TestRun({ recipe, sampleBody, dirty, save }: { recipe: RecipeSummary; sampleBody: unknown; dirty: boolean; save: () => Promise<unknown> }) {
  const [body, setBody] = useState('');
  const [job, setJob] = useState<JobDetail | null>(null);
  const act = useAction();
  const editor = useCan('editor');
  useEffect(() => { if (sampleBody !== undefined && !body) setBody(JSON.stringify(sampleBody, null, 2)); }, [sampleBody, body]);
  const refresh = async () => { if (job) setJob(await api<JobDetail>(`/jobs/${job.id}`)); };
  useJobStream(() => void refresh(), !!job && !['succeeded', 'failed', 'canceled'].includes(job.status));
  if (recipe.trigger_type !== 'webhook' || (!recipe.trigger_url && !recipe.draft)) return null;
  // Unsaved edits are saved as the draft first, so the test runs what the editor shows.
  const ofDraft = dirty || !!recipe.draft;
  const run = () => act.run(async () => {
    if (dirty) await save();
    const parsedBody = body.trim() ? JSON.parse(body) : {};
    if (ofDraft) {
      const r = await api<{ job_id: string }>(`/recipes/${enc(recipe.name)}/draft/test`, { body: parsedBody });
      setJob(await api<JobDetail>(`/jobs/${r.job_id}`));
      return;
    }
    const res = await fetch(new URL(recipe.trigger_url!).pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(parsedBody) });
    const r = await res.json();
    if (!res.ok) throw Object.assign(new Error(r.error?.message ?? res.statusText), { code: r.error?.code });
    setJob(await api<JobDetail>(`/jobs/${r.job_id}`));
  });
  return (
    <section className="panel" aria-labelledby="test-title">
      <h2 id="test-title">Test run</h2>
      <div className="form">
        <label htmlFor="test-body">Sample event body (JSON)</label>
        <textarea id="test-body" rows={5} value={body} onChange={(e) => setBody(e.target.value)} placeholder='{"name": "Ann"}' />
        <div><button type="button" onClick={run} disabled={!editor || act.busy}>{ofDraft ? 'Run test of the draft' : 'Run test'}</button></div>
      </div>
      <ErrorBox error={act.error} />
      {job && (
        <div aria-live="polite" data-test-job={job.number}>
          <p>Job <Link to={`/jobs/${job.number}`}>#{job.number}</Link> <Status status={job.status} />{job.test && <span className="muted"> (test run of the draft)</span>}</p>
          {job.error != null && <Json value={job.error} label="Test job error" />}
          <ol className="timeline">{job.steps.map((st) => (
            <li key={st.id} className={`step st-${st.status}`}><div className="step-head"><strong>{st.id}</strong> <Status status={st.status} /></div><Json value={st.error ?? st.output} label={`Test result of ${st.id}`} /></li>
          ))}</ol>
        </div>
      )}
    </section>
  );
}

