// One step of the step tree: its head (drag handle, collapse, id, action, connection, move and
// remove), its inputs form, and its nested lists (then, else, case …, default, each item, on error),
// each rendered as a labelled, indented list of steps of its own.
import { useState } from 'react';
import type { parseDocument } from 'yaml';
import type { ConnectionView } from '../pages/Connections';
import { SchemaForm } from './SchemaForm';
import type { PillGroup } from '../pills';
import { ActionPicker, ConnectionPicker, type CatalogAction } from './Pickers';
import { at, childLists, dropPlace, isWithin, pathKey, type BlockKind, type Path } from './step-tree';
import { AddRow } from './AddRow';
import type { Step } from './StepList';

type Doc = ReturnType<typeof parseDocument>;
export interface Tree {
  editor: boolean;
  actions: CatalogAction[];
  actionsByName: Map<string, CatalogAction>;
  connections: ConnectionView[] | undefined;
  lists: Array<{ path: Path; label: string }>;
  collapsed: Set<string>;
  edit: (fn: (d: Doc) => void) => void;
  move: (from: Path, list: Path, index: number) => void;
  add: (list: Path, kind: BlockKind) => void;
  changeAction: (path: Path, next: string) => void;
  onFieldFocus: (step: Path, key: string, el: HTMLInputElement) => void;
  /** Datapills in scope for the step at a path, for each field's popover. */
  pillsFor?: (path: Path) => PillGroup[];
  toggle: (key: string) => void;
  focusStep: (path: Path) => void;
}

// The dragged step's path: one drag at a time on the page, and dataTransfer is unreadable on dragover.
let dragging: Path | null = null;
const canDrop = (target: Path) => dragging !== null && !isWithin(target, dragging);

export function StepItem({ tree, step: st, path, count, parent }: { tree: Tree; step: Step; path: Path; count: number; parent: Path | null }) {
  const { editor } = tree;
  const i = path[path.length - 1] as number;
  const list = path.slice(0, -1);
  const id = st.id ?? pathKey(path);
  const key = st.id ?? pathKey(path);
  const open = !tree.collapsed.has(key);
  const def = tree.actionsByName.get(st.action ?? '');
  const nested = childLists(st);
  const [hint, setHint] = useState<'before' | 'after' | null>(null);
  const setIn = (p: Path, value: unknown, dropEmpty = true) => tree.edit((d) => ((dropEmpty && value === '') || value === undefined ? d.deleteIn(at(d, p)) : d.setIn(at(d, p), value)));
  const intoTargets = tree.lists.filter((l) => !isWithin(l.path, path) && pathKey(l.path) !== pathKey(list));

  const onKey = (e: React.KeyboardEvent) => {
    if (!editor || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    if ((e.target as HTMLElement).tagName === 'SELECT') return; // Alt+ArrowDown opens a select
    e.preventDefault();
    e.stopPropagation();
    const j = e.key === 'ArrowUp' ? i - 1 : i + 1;
    if (j >= 0 && j < count) tree.move(path, list, j);
  };
  const where = (e: React.DragEvent<HTMLLIElement>): 'before' | 'after' => {
    const head = e.currentTarget.querySelector(':scope > .step-head') ?? e.currentTarget;
    const r = head.getBoundingClientRect();
    return e.clientY < r.top + r.height / 2 ? 'before' : 'after';
  };

  return (
    <li data-step-path={pathKey(path)} data-step-index={path.length === 2 ? i : undefined} tabIndex={-1} aria-label={`Step ${id}`}
      className={hint ? `drop-${hint}` : undefined}
      onFocusCapture={() => tree.focusStep(path)} onKeyDown={onKey}
      onDragOver={(e) => { if (dragging === null) return; e.stopPropagation(); if (!canDrop(path)) return; e.preventDefault(); setHint(where(e)); }}
      onDragLeave={() => setHint(null)}
      onDrop={(e) => {
        setHint(null);
        if (dragging === null) return;
        e.stopPropagation(); // over the dragged step itself: no drop, and not onto the block around it either
        if (!canDrop(path)) return;
        e.preventDefault();
        const from = dragging!;
        dragging = null;
        const to = dropPlace(from, path, where(e));
        tree.move(from, to.list, to.index);
      }}>
      <div className="row step-head">
        {editor && <span className="drag-handle" draggable title={`Drag ${id}`} aria-hidden="true"
          onDragStart={(e) => { dragging = path; e.dataTransfer.setData('text/plain', pathKey(path)); e.dataTransfer.effectAllowed = 'move'; }}
          onDragEnd={() => { dragging = null; }}>⠿</span>}
        <button type="button" className="small secondary" aria-expanded={open} aria-label={`Toggle ${id}`} onClick={() => tree.toggle(key)}>{open ? '▾' : '▸'}</button>
        <label>Step id<input value={st.id ?? ''} onChange={(e) => setIn([...path, 'id'], e.target.value)} disabled={!editor} /></label>
        <ActionPicker actions={tree.actions} value={st.action ?? ''} disabled={!editor} label={id} onChange={(v) => tree.changeAction(path, v)} />
        <ConnectionPicker action={def} connections={tree.connections} value={st.connection ?? ''} disabled={!editor}
          onChange={(v) => setIn([...path, 'connection'], v)} />
        {editor && (
          <span className="actions">
            <button type="button" className="small" onClick={() => tree.move(path, list, i - 1)} disabled={i === 0} aria-label={`Move ${id} up`}>↑</button>
            <button type="button" className="small" onClick={() => tree.move(path, list, i + 1)} disabled={i === count - 1} aria-label={`Move ${id} down`}>↓</button>
            {parent && <button type="button" className="small secondary" aria-label={`Move ${id} out`}
              onClick={() => tree.move(path, parent.slice(0, -1), (parent[parent.length - 1] as number) + 1)}>Move out</button>}
            {intoTargets.length > 0 && (
              <select aria-label={`Move ${id} into`} value="" onChange={(e) => {
                const to = intoTargets[Number(e.target.value)];
                if (to) tree.move(path, to.path, Number.MAX_SAFE_INTEGER);
              }}>
                <option value="">Move into…</option>
                {intoTargets.map((l, n) => <option key={pathKey(l.path)} value={n}>{l.label}</option>)}
              </select>
            )}
            <button type="button" className="small danger" onClick={() => tree.edit((d) => d.deleteIn(at(d, path)))} aria-label={`Remove ${id}`}>Remove</button>
          </span>
        )}
      </div>
      {open && (
        <>
          {def?.description && <p className="muted action-help">{def.description}</p>}
          <SchemaForm stepId={id} schema={def?.input} values={st.with ?? {}} disabled={!editor}
            onChange={(k, v) => setIn([...path, 'with', k], v, false)}
            onFocus={(k, el) => tree.onFieldFocus(path, k, el)} pills={tree.pillsFor && (() => tree.pillsFor!(path))} />
          {nested.map((c) => <Block key={pathKey(c.key)} tree={tree} owner={id} step={path} keyPath={c.key} label={c.label} list={c.list as Step[]} />)}
          {editor && <BlockAdds tree={tree} step={st} path={path} id={id} />}
        </>
      )}
    </li>
  );
}

/** A nested list: its label, its steps (indented), a drop zone when empty and "Add step to …". */
function Block({ tree, owner, step, keyPath, label, list }: { tree: Tree; owner: string; step: Path; keyPath: Path; label: string; list: Step[] }) {
  const lp = [...step, ...keyPath];
  const name = `${label} of ${owner}`;
  const [hint, setHint] = useState(false);
  const removable = list.length === 0 && keyPath[0] !== 'then' && keyPath[0] !== 'else' && keyPath[0] !== 'steps';
  return (
    <div className="block" data-list-path={pathKey(lp)}>
      <div className="block-label">{label}</div>
      <ol className="steps-list nested" aria-label={name}>
        {list.map((s, j) => <StepItem key={j} tree={tree} step={s} path={[...lp, j]} count={list.length} parent={step} />)}
        {list.length === 0 && (
          <li className={`drop-empty${hint ? ' drop-here' : ''}`} data-empty-list={pathKey(lp)}
            onDragOver={(e) => { if (!canDrop(lp)) return; e.preventDefault(); e.stopPropagation(); setHint(true); }}
            onDragLeave={() => setHint(false)}
            onDrop={(e) => {
              setHint(false);
              if (!canDrop(lp)) return;
              e.preventDefault();
              e.stopPropagation();
              const from = dragging!;
              dragging = null;
              tree.move(from, lp, 0);
            }}>
            <span className="muted">No steps{tree.editor ? ': add one, or drop a step here.' : '.'}</span>
          </li>
        )}
      </ol>
      {tree.editor && (
        <div className="row">
          <AddRow tree={tree} list={lp} name={name} />
          {removable && <button type="button" className="small danger" aria-label={`Remove ${name}`} onClick={() => tree.edit((d) => d.deleteIn(at(d, lp)))}>Remove</button>}
        </div>
      )}
    </div>
  );
}

/** Lists a step may gain: a switch's cases and default, and an on_error handler on any step. */
function BlockAdds({ tree, step: st, path, id }: { tree: Tree; step: Step; path: Path; id: string }) {
  const [value, setValue] = useState('');
  const cases = st.cases && typeof st.cases === 'object' ? (st.cases as Record<string, unknown>) : {};
  const addCase = () => {
    const v = value.trim();
    if (!v || cases[v] !== undefined) return;
    tree.edit((d) => d.setIn([...at(d, path), 'cases', v], d.createNode([])));
    setValue('');
  };
  return (
    <div className="row block-adds">
      {st.action === 'switch' && (
        <>
          <label>New case of {id}<input value={value} onChange={(e) => setValue(e.target.value)} placeholder="value"
            onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); addCase(); } }} /></label>
          <button type="button" className="small" disabled={!value.trim() || cases[value.trim()] !== undefined} onClick={addCase} aria-label={`Add case to ${id}`}>Add case</button>
          {st.default === undefined && <button type="button" className="small secondary" onClick={() => tree.edit((d) => d.setIn([...at(d, path), 'default'], d.createNode([])))} aria-label={`Add default to ${id}`}>Add default</button>}
        </>
      )}
      {st.on_error === undefined && <button type="button" className="small secondary" onClick={() => tree.edit((d) => d.setIn([...at(d, path), 'on_error'], d.createNode([])))} aria-label={`Add on_error handler to ${id}`}>Add on_error handler</button>}
    </div>
  );
}
