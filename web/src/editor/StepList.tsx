// The visual step list: the whole step tree (if's then/else, switch cases and default, foreach
// bodies, on_error handlers) as nested lists, each step addressed by its YAML path. Add, move
// (buttons, Alt+ArrowUp/Down, drag and drop, into and out of blocks), collapse and remove. Edits go
// through `edit`, which applies them to the parsed YAML document so comments elsewhere survive.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { parseDocument } from 'yaml';
import type { ConnectionView } from '../pages/Connections';
import type { CatalogAction } from './Pickers';
import { keepInputs } from './schema-form';
import { allIds, appendStep, at, blockLists, childLists, moveStep, newStep, pathKey, stepAt, type BlockKind, type Path } from './step-tree';
import { StepItem, type Tree } from './StepItem';
import { AddRow } from './AddRow';
import type { PillGroup } from '../pills';

export interface Step { id?: string; name?: string; action?: string; connection?: string; with?: Record<string, unknown>; [k: string]: unknown }
type Doc = ReturnType<typeof parseDocument>;

interface Props {
  steps: Step[];
  edit: (fn: (d: Doc) => void) => void;
  actions: CatalogAction[];
  connections: ConnectionView[] | undefined;
  editor: boolean;
  /** The top-level step (index in `steps`) that holds the focus, for the datapills offered. */
  onStepFocus: (index: number) => void;
  /** A step's text field got focus: the step's YAML path, the input key and the control. */
  onFieldFocus: (step: Path, key: string, el: HTMLInputElement) => void;
  /** Datapills in scope for the step at a YAML path, for each field's popover. */
  pillsFor?: (path: Path) => PillGroup[];
}

/** Every list of the tree with a label a person reads ("then of check"), for "Move into" and announcements. */
function listLabels(steps: Step[]): Array<{ path: Path; label: string }> {
  const out: Array<{ path: Path; label: string }> = [{ path: ['steps'], label: 'top level' }];
  const walk = (list: unknown[], base: Path) => list.forEach((s, i) => {
    if (!s || typeof s !== 'object') return;
    const p = [...base, i];
    for (const c of childLists(s as Record<string, unknown>)) {
      out.push({ path: [...p, ...c.key], label: `${c.label} of ${(s as Step).id ?? pathKey(p)}` });
      walk(c.list, [...p, ...c.key]);
    }
  });
  walk(steps, ['steps']);
  return out;
}

export default function StepList({ steps, edit, actions, connections, editor, onStepFocus, onFieldFocus, pillsFor }: Props) {
  const actionsByName = useMemo(() => new Map(actions.map((a) => [a.name, a])), [actions]);
  const lists = useMemo(() => listLabels(steps), [steps]);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [said, setSaid] = useState('');
  const root = useRef<HTMLDivElement>(null);
  // Steps are keyed by place, not id (typing an id must not remount its step and lose the focus);
  // so after a move, focus goes to the moved step's new place (the same control when it is there).
  const pending = useRef<{ path: Path; label: string | null } | null>(null);
  useEffect(() => {
    const p = pending.current;
    if (!p || !root.current) return;
    pending.current = null;
    const li = root.current.querySelector<HTMLElement>(`li[data-step-path="${CSS.escape(pathKey(p.path))}"]`);
    const same = p.label ? li?.querySelector<HTMLElement>(`[aria-label="${CSS.escape(p.label)}"]:not(:disabled)`) : null;
    (same ?? li)?.focus();
  });

  const labelOf = (list: Path) => lists.find((l) => pathKey(l.path) === pathKey(list))?.label ?? pathKey(list);
  const move = (from: Path, list: Path, index: number) => {
    const id = stepAt<Step>(steps, from)?.id ?? pathKey(from);
    const focused = document.activeElement?.getAttribute('aria-label') ?? null;
    let to: Path | null = null;
    edit((d) => { to = moveStep(d, from, list, index); });
    if (!to) return;
    const at = to as Path;
    pending.current = { path: at, label: focused };
    setSaid(`Moved ${id} to position ${(at[at.length - 1] as number) + 1} of ${labelOf(list)}.`);
  };
  const add = (list: Path, kind: BlockKind) => edit((d) => {
    const at = appendStep(d, list, newStep(kind, allIds(d.toJS())));
    pending.current = { path: at, label: null };
  });
  // A new action keeps only the inputs its schema names, a connection only of a type it accepts,
  // and a block action gets its lists (nested steps already there are never dropped).
  const changeAction = (jsPath: Path, next: string) => edit((d) => {
    const st = stepAt<Step>(steps, jsPath);
    const path = at(d, jsPath);
    const def = actionsByName.get(next);
    d.setIn([...path, 'action'], next);
    if (!def) return; // not in the catalog (yet): leave the rest for the validator to judge
    const kept = keepInputs(st?.with, def.input);
    if (Object.keys(kept).length) d.setIn([...path, 'with'], d.createNode(kept)); else d.deleteIn([...path, 'with']);
    for (const [k, v] of Object.entries(blockLists(next))) if (st?.[k] === undefined) d.setIn([...path, k], d.createNode(v));
    const conn = st?.connection;
    const type = connections?.find((c) => c.name === conn)?.type;
    if (conn && (!def.connection_types?.length || (type && !def.connection_types.includes(type)))) d.deleteIn([...path, 'connection']);
  });

  const tree: Tree = {
    editor, actions, actionsByName, connections, lists, collapsed, edit, move, add, changeAction, onFieldFocus, pillsFor,
    toggle: (key) => setCollapsed((c) => { const n = new Set(c); if (n.has(key)) n.delete(key); else n.add(key); return n; }),
    focusStep: (path) => onStepFocus(path[1] as number),
  };
  return (
    <div ref={root} className="step-tree">
      <ol className="steps-list" aria-label="Step list">
        {steps.map((st, i) => <StepItem key={i} tree={tree} step={st} path={['steps', i]} count={steps.length} parent={null} />)}
      </ol>
      {editor && <AddRow tree={tree} list={['steps']} name={null} />}
      <p className="sr-only" role="status" aria-live="polite">{said}</p>
    </div>
  );
}
