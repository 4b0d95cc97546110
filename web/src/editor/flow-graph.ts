// A recipe definition as a flow graph (pure, no DOM): a box for the trigger and each step, edges
// for the way a job can go. Nested lists follow src/recipes/blocks.ts (LIST_KEYS, switch `cases`);
// after a branch every path joins the next step of the parent list. Tolerates unvalidated input,
// since the editor draws whatever YAML parses.

/** Mirror of src/recipes/blocks.ts LIST_KEYS (the browser bundle does not import server code). */
export const LIST_KEYS = ['then', 'else', 'on_timeout', 'on_cancel', 'on_exception', 'steps', 'default', 'on_error'] as const;
/** A waiting step's branches: taken when its output's `branch` names them, else the step goes on. */
export const WAIT_KEYS = ['on_timeout', 'on_cancel', 'on_exception'] as const;

export type NodeKind = 'trigger' | 'step' | 'if' | 'switch' | 'loop' | 'stop' | 'end' | 'failed-start' | 'failed-end';
export interface FlowNode { id: string; kind: NodeKind; title: string; subtitle: string; step?: string }
/** `when` is what the source's run must show for the edge to be taken (see flow-path.ts). */
export type EdgeKind = 'next' | 'branch' | 'loop' | 'back' | 'error';
export interface FlowEdge { id: string; from: string; to: string; kind: EdgeKind; label?: string; when?: string }
export interface OutlineItem { node: string; lists: Array<{ label: string; items: OutlineItem[] }> }
/** `hints` are layout-only edges (never drawn): a loop's next step ranks below the loop's body. */
export interface FlowGraph { nodes: FlowNode[]; edges: FlowEdge[]; hints: Array<{ from: string; to: string }>; outline: OutlineItem[]; onError: OutlineItem[] }

type Obj = Record<string, unknown>;
interface Pending { from: string; kind: EdgeKind; label?: string; when?: string; after?: string[] }

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const label = (k: string) => k.replace(/_/g, ' ');

/** Every step, nested ones included, depth first (as src/recipes/blocks.ts allSteps). */
function* walk(steps: unknown[]): Generator<Obj> {
  for (const s of steps) {
    if (!isObj(s)) continue;
    yield s;
    for (const k of LIST_KEYS) yield* walk(list(s[k]));
    if (isObj(s.cases)) for (const c of Object.values(s.cases)) yield* walk(list(c));
  }
}

/**
 * The ids the server gives on_error steps without one (src/recipes/validate.ts nameOnErrorSteps);
 * only those may lack one, so a step elsewhere without an id stays unnamed here.
 */
function onErrorIds(def: Obj): Map<Obj, string> {
  const all = [...walk([...list(def.steps), ...list(def.on_error)])];
  const handlers = new Set<unknown>([...list(def.on_error), ...all.flatMap((s) => list(s.on_error))]);
  const used = new Set(all.map((s) => s.id).filter((id): id is string => typeof id === 'string'));
  const names = new Map<Obj, string>();
  let n = 1;
  for (const s of all) {
    if (s.id !== undefined) continue;
    while (used.has(`on_error_${n}`)) n++;
    if (handlers.has(s)) names.set(s, `on_error_${n}`);
    used.add(`on_error_${n}`);
  }
  return names;
}

export function flowGraph(definition: unknown): FlowGraph {
  const def = isObj(definition) ? definition : {};
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const hints: FlowGraph['hints'] = [];
  const named = onErrorIds(def);
  const connect = (pending: Pending[], to: string) => {
    for (const p of pending) {
      edges.push({ id: `e${edges.length}`, from: p.from, to, kind: p.kind, label: p.label, when: p.when });
      for (const a of p.after ?? []) hints.push({ from: a, to });
    }
  };

  // Adds one list's steps after `incoming`; answers the ends that go on to whatever follows.
  const chain = (steps: unknown[], path: string, incoming: Pending[], out: OutlineItem[]): Pending[] => {
    let pending = incoming;
    steps.forEach((raw, i) => {
      if (!isObj(raw)) return;
      pending = step(raw, `${path}/${i}`, pending, out);
    });
    return pending;
  };

  const step = (s: Obj, path: string, incoming: Pending[], out: OutlineItem[]): Pending[] => {
    const action = typeof s.action === 'string' ? s.action : '';
    const id = typeof s.id === 'string' ? s.id : named.get(s);
    const kind: NodeKind = action === 'if' ? 'if' : action === 'switch' ? 'switch' : action === 'foreach' ? 'loop' : action === 'stop' || action === 'fail' ? 'stop' : 'step';
    const node: FlowNode = { id: `n${path}`, kind, title: id ?? '(no id)', subtitle: action || '(no action)', step: id };
    nodes.push(node);
    connect(incoming, node.id);
    const item: OutlineItem = { node: node.id, lists: [] };
    out.push(item);
    const sub = (key: string, steps: unknown[], p: string, first: Pending): Pending[] => {
      const items: OutlineItem[] = [];
      item.lists.push({ label: key, items });
      return chain(steps, p, [first], items);
    };
    let next: Pending[] = [];
    if (kind === 'if') {
      for (const k of ['then', 'else']) next.push(...sub(k, list(s[k]), `${path}/${k}`, { from: node.id, kind: 'branch', label: k, when: k }));
    } else if (kind === 'switch') {
      const cases = isObj(s.cases) ? s.cases : {};
      for (const [c, l] of Object.entries(cases)) next.push(...sub(`case ${c}`, list(l), `${path}/cases/${c}`, { from: node.id, kind: 'branch', label: c, when: `case:${c}` }));
      next.push(...sub('default', list(s.default), `${path}/default`, { from: node.id, kind: 'branch', label: 'default', when: 'default' }));
    } else if (kind === 'loop') {
      const body = list(s.steps);
      const ends = sub('each item', body, `${path}/steps`, { from: node.id, kind: 'loop', label: 'each item', when: 'each' });
      // An empty body leaves the entry edge dangling: nothing to loop back from.
      if (body.some(isObj)) connect(ends.map((p) => ({ ...p, kind: 'back', label: 'next item', when: undefined })), node.id);
      next.push({ from: node.id, kind: 'next', label: 'done', after: ends.flatMap((p) => [p.from, ...(p.after ?? [])]).filter((f) => f !== node.id) });
    } else if (kind !== 'stop') {
      next.push({ from: node.id, kind: 'next' });
    }
    for (const k of WAIT_KEYS) {
      if (Array.isArray(s[k])) next.push(...sub(label(k), s[k] as unknown[], `${path}/${k}`, { from: node.id, kind: 'branch', label: label(k), when: k }));
    }
    if (Array.isArray(s.on_error)) next.push(...sub('on error', s.on_error, `${path}/on_error`, { from: node.id, kind: 'error', label: 'on error', when: 'error' }));
    return next;
  };

  const trigger = isObj(def.trigger) ? def.trigger : {};
  nodes.push({ id: 'trigger', kind: 'trigger', title: 'Trigger', subtitle: typeof trigger.type === 'string' ? trigger.type : '(no type)' });
  const outline: OutlineItem[] = [{ node: 'trigger', lists: [] }];
  const ends = chain(list(def.steps), '/steps', [{ from: 'trigger', kind: 'next' }], outline);
  nodes.push({ id: 'end', kind: 'end', title: 'End', subtitle: 'job succeeds' });
  connect(ends, 'end');
  outline.push({ node: 'end', lists: [] });

  const onError: OutlineItem[] = [];
  if (Array.isArray(def.on_error) && def.on_error.length > 0) {
    nodes.push({ id: 'failed', kind: 'failed-start', title: 'On error', subtitle: 'when the job fails' });
    onError.push({ node: 'failed', lists: [] });
    const last = chain(def.on_error, '/on_error', [{ from: 'failed', kind: 'error' }], onError);
    nodes.push({ id: 'failed-end', kind: 'failed-end', title: 'Failed', subtitle: 'job failed' });
    connect(last, 'failed-end');
    onError.push({ node: 'failed-end', lists: [] });
  }
  return { nodes, edges, hints, outline, onError };
}

/** Changes only when boxes or edges do, so a layout can be reused while inputs are typed. */
export function graphKey(g: FlowGraph): string {
  return JSON.stringify([g.nodes.map((n) => [n.id, n.kind, n.title, n.subtitle]), g.edges.map((e) => [e.from, e.to, e.kind, e.label])]);
}
