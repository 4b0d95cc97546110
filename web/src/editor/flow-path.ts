// A job's path through its recipe's flow graph (pure): each box's status from its step rows, loop
// counts, and the edges the job took. Rows inside loops are keyed `<loop>[<index>].<step>` (nested:
// `a[1].b[2].c`), and a finished iteration has its own row `<loop>[<index>]`; step ids are unique
// in a recipe, so the last segment names the box.
import { WAIT_KEYS, type FlowGraph } from './flow-graph.js';

export type RunStatus = 'succeeded' | 'failed' | 'running' | 'waiting' | 'skipped' | 'not reached';
export interface StepRun { id: string; status: string; output?: unknown }
/** `row` is the step row to show for the box: its first failed, waiting or running one, else its first. */
export interface NodeRun { status: RunStatus; runs: number; iterations: number; row?: string }
export interface JobPath { nodes: Map<string, NodeRun>; taken: Set<string> }

const SEG = /^([^[\]]+)\[(\d+)\]$/;
// The worst status of a box's runs wins: one failed iteration of three marks the box failed.
const RANK: RunStatus[] = ['failed', 'waiting', 'running', 'succeeded', 'skipped'];

interface Seen { statuses: Set<RunStatus>; rows: StepRun[]; iterations: Set<string> }

export function jobPath(g: FlowGraph, job: { status: string; steps: StepRun[] }): JobPath {
  const by = new Map<string, Seen>();
  const seen = (id: string) => {
    let s = by.get(id);
    if (!s) by.set(id, (s = { statuses: new Set(), rows: [], iterations: new Set() }));
    return s;
  };
  for (const r of job.steps) {
    const segs = r.id.split('.');
    // Every `loop[i]` segment is one iteration of that loop (nested loops count per outer one).
    segs.forEach((seg, i) => {
      const m = SEG.exec(seg);
      if (m) seen(m[1]!).iterations.add(segs.slice(0, i + 1).join('.'));
    });
    const last = segs[segs.length - 1]!;
    if (SEG.test(last)) continue; // an iteration's own row: counted above
    const s = seen(last);
    s.rows.push(r);
    s.statuses.add(r.status === 'running' && job.status === 'waiting' ? 'waiting' : (r.status as RunStatus));
  }

  const nodes = new Map<string, NodeRun>();
  for (const n of g.nodes) {
    const s = n.step ? by.get(n.step) : undefined;
    let status: RunStatus = s ? RANK.find((x) => s.statuses.has(x)) ?? 'not reached' : 'not reached';
    if (n.kind === 'trigger') status = 'succeeded';
    if (n.kind === 'end') status = job.status === 'succeeded' ? 'succeeded' : 'not reached';
    if (n.kind === 'failed-start' || n.kind === 'failed-end') status = job.status === 'failed' ? 'failed' : 'not reached';
    const row = s?.rows.find((r) => r.status === 'failed') ?? s?.rows.find((r) => r.status === 'running') ?? s?.rows[0];
    nodes.set(n.id, { status, runs: s?.rows.length ?? 0, iterations: s?.iterations.size ?? 0, row: row?.id });
  }

  const reached = (id: string) => nodes.get(id)?.status !== 'not reached';
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const taken = new Set<string>();
  for (const e of g.edges) {
    if (!reached(e.from) || !reached(e.to)) continue;
    const node = byId.get(e.from);
    const rows = node?.step ? by.get(node.step)?.rows ?? [] : [];
    const branches = new Set(rows.map((r) => branchOf(r.output)));
    const ok = node?.kind === 'trigger' || node?.kind === 'failed-start' || e.kind === 'back' ? true
      : e.when === 'error' ? rows.some((r) => r.status === 'failed')
      : e.when === 'each' ? true
      : e.when ? branches.has(e.when)
      : rows.some((r) => r.status === 'succeeded' && !(WAIT_KEYS as readonly string[]).includes(branchOf(r.output)));
    if (ok) taken.add(e.id);
  }
  return { nodes, taken };
}

/** What an output chose: if's then/else, switch's `case:<key>`/default, a waiting step's on_timeout… */
function branchOf(output: unknown): string {
  const o = output as { branch?: unknown; case?: unknown } | null;
  if (!o || typeof o !== 'object' || typeof o.branch !== 'string') return '';
  return o.branch === 'cases' ? `case:${String(o.case)}` : o.branch;
}
