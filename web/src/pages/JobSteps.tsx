// A job's step rows as a tree: loop iterations (`loop[3].step`) grouped per index and
// collapsible, recipe.call steps linking the child job they started.
import { enc } from '../api';
import { Link } from '../router';
import { Json, Status, duration, time } from '../ui';

export interface Step { id: string; status: string; attempts: number; input: unknown; output: unknown; error: unknown; started_at: string | null; finished_at: string | null }
export interface JobLink { id: string; number: number; recipe: string; status: string; step: string | null }

interface Iteration { index: number; row?: Step; children: Node[] }
interface Node { step: Step; name: string; iterations: Iteration[] }

// `a[1].b[2].c`: the last `[n]` splits loop key, index and the step inside that iteration.
const ITER = /^(.*)\[(\d+)\](?:\.([a-z0-9_]+))?$/;

export function stepTree(steps: Step[]): Node[] {
  const roots: Node[] = [];
  const byKey = new Map<string, Node>();
  for (const s of steps) {
    const m = ITER.exec(s.id);
    const loop = m ? byKey.get(m[1]!) : undefined;
    if (!m || !loop) {
      const node = { step: s, name: s.id, iterations: [] };
      roots.push(node);
      byKey.set(s.id, node);
      continue;
    }
    const index = Number(m[2]);
    let it = loop.iterations.find((x) => x.index === index);
    if (!it) {
      it = { index, children: [] };
      loop.iterations.push(it);
    }
    if (!m[3]) it.row = s;
    else {
      const node = { step: s, name: m[3], iterations: [] };
      it.children.push(node);
      byKey.set(s.id, node);
    }
  }
  for (const n of byKey.values()) n.iterations.sort((a, b) => a.index - b.index);
  return roots;
}

function iterationStatus(it: Iteration): string {
  if (it.row) return it.row.status;
  const s = it.children.map((c) => c.step.status);
  return s.includes('failed') ? 'failed' : 'running';
}

export function StepList({ nodes, jobId, calls, label }: { nodes: Node[]; jobId: string; calls: JobLink[]; label: string }) {
  return (
    <ol className="timeline" aria-label={label}>
      {nodes.map((n) => <StepItem key={n.step.id} node={n} jobId={jobId} calls={calls} />)}
    </ol>
  );
}

function StepItem({ node, jobId, calls }: { node: Node; jobId: string; calls: JobLink[] }) {
  const s = node.step;
  const child = calls.find((c) => c.step === s.id);
  return (
    <li className={`step st-${s.status}`} data-step={s.id}>
      <div className="step-head">
        <strong>{node.name}</strong> <Status status={s.status} />
        <span className="muted">{s.attempts} attempt{s.attempts === 1 ? '' : 's'} · {time(s.started_at)} · {duration(s.started_at, s.finished_at)}</span>
      </div>
      {child && <p className="muted">Child job <Link to={`/jobs/${child.number}`}>#{child.number}</Link> ({child.recipe}) <Status status={child.status} /></p>}
      <details><summary>Input</summary><Json value={s.input} label={`Input of ${s.id}`} download={`/api/v1/jobs/${enc(jobId)}/steps/${enc(s.id)}/input`} /></details>
      <details open={s.status === 'succeeded' && node.iterations.length === 0}><summary>Output</summary><Json value={s.output} label={`Output of ${s.id}`} download={`/api/v1/jobs/${enc(jobId)}/steps/${enc(s.id)}/output`} /></details>
      {s.error != null && <details open><summary>Error</summary><Json value={s.error} label={`Error of ${s.id}`} /></details>}
      {node.iterations.length > 0 && (
        <details className="iterations" data-iterations={s.id}>
          <summary>{node.iterations.length} iteration{node.iterations.length === 1 ? '' : 's'}</summary>
          {node.iterations.map((it) => (
            <details key={it.index} data-iteration={`${s.id}[${it.index}]`}>
              <summary>Iteration {it.index} <Status status={iterationStatus(it)} /></summary>
              <StepList nodes={it.children} jobId={jobId} calls={calls} label={`Steps of ${s.id} iteration ${it.index}`} />
            </details>
          ))}
        </details>
      )}
    </li>
  );
}
