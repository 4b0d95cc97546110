// The job page's flow: the diagram of the recipe version the job ran, with the job's path on it
// (updated whenever the page reloads the job). Activating a box shows its step in the timeline.
import { useMemo } from 'react';
import { api, enc } from '../api';
import { useLoad } from '../ui';
import FlowDiagram from '../editor/FlowDiagram';
import { flowGraph } from '../editor/flow-graph';
import { jobPath, type StepRun } from '../editor/flow-path';

interface Props { job: { recipe: string; recipe_version: number; status: string; steps: StepRun[] } }

/** Opens the folded iterations around a step row of the timeline, then scrolls to and focuses it. */
export function focusTimelineStep(key: string): void {
  const el = document.querySelector<HTMLElement>(`ol.timeline [data-step="${CSS.escape(key)}"]`);
  if (!el) return;
  for (let d = el.parentElement?.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
  el.tabIndex = -1;
  el.scrollIntoView({ block: 'center' });
  el.focus({ preventScroll: true });
}

export default function JobFlow({ job }: Props) {
  const version = useLoad(() => api<{ definition: unknown }>(`/recipes/${enc(job.recipe)}/versions/${job.recipe_version}`), [job.recipe, job.recipe_version]);
  const graph = useMemo(() => (version.data ? flowGraph(version.data.definition) : null), [version.data]);
  const path = useMemo(() => (graph ? jobPath(graph, job) : undefined), [graph, job.status, job.steps]);
  return (
    <section className="panel" aria-labelledby="flow-title">
      <h2 id="flow-title">Flow</h2>
      {version.error != null && <p className="muted">The definition of {job.recipe} v{job.recipe_version} could not be loaded, so there is no flow to show; the steps below are complete.</p>}
      {graph && path && (
        <FlowDiagram graph={graph} path={path} label={`Flow of ${job.recipe} v${job.recipe_version} with this job's path`} onActivate={(_, r) => r.row && focusTimelineStep(r.row)} />
      )}
    </section>
  );
}
