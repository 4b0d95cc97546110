// The visual step list: each top-level step's id, action, connection and inputs (a form from the
// action's input schema), with add, move and remove. Edits go through `edit`, which applies them to
// the parsed YAML document so comments and formatting elsewhere survive.
import { useMemo } from 'react';
import type { parseDocument } from 'yaml';
import type { ConnectionView } from '../pages/Connections';
import { SchemaForm } from './SchemaForm';
import { ActionPicker, ConnectionPicker, type CatalogAction } from './Pickers';
import { keepInputs } from './schema-form';
import type { Path, PillGroup } from '../pills';

export interface Step { id?: string; name?: string; action?: string; connection?: string; with?: Record<string, unknown>; then?: unknown[]; else?: unknown[] }
type Doc = ReturnType<typeof parseDocument>;

interface Props {
  steps: Step[];
  edit: (fn: (d: Doc) => void) => void;
  actions: CatalogAction[];
  connections: ConnectionView[] | undefined;
  editor: boolean;
  onStepFocus: (index: number) => void;
  onFieldFocus: (step: number, key: string, el: HTMLInputElement) => void;
  /** Datapills in scope for the step at a YAML path (e.g. ['steps', 2]), for each field's popover. */
  pillsFor?: (path: Path) => PillGroup[];
}

export default function StepList({ steps, edit, actions: actionList, connections, editor, onStepFocus, onFieldFocus, pillsFor }: Props) {
  const actionsByName = useMemo(() => new Map(actionList.map((a) => [a.name, a])), [actionList]);
  const setIn = (path: (string | number)[], value: unknown, dropEmpty = true) => edit((d) => ((dropEmpty && value === '') || value === undefined ? d.deleteIn(path) : d.setIn(path, value)));
  const addStep = () => edit((d) => {
    const ids = new Set(steps.map((s) => s.id));
    let n = steps.length + 1;
    while (ids.has(`step_${n}`)) n++;
    const node = d.createNode({ id: `step_${n}`, action: 'transform', with: { value: '' } });
    if (d.getIn(['steps'])) d.addIn(['steps'], node); else d.setIn(['steps'], d.createNode([{ id: `step_${n}`, action: 'transform', with: { value: '' } }]));
  });
  const moveStep = (i: number, by: number) => edit((d) => {
    const list = d.toJS().steps as unknown[];
    const j = i + by;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    d.setIn(['steps'], d.createNode(list));
  });

  // A new action keeps only the inputs its schema names, and a connection only of a type it accepts.
  const changeAction = (i: number, next: string) => edit((d) => {
    const def = actionsByName.get(next);
    d.setIn(['steps', i, 'action'], next);
    if (!def) return; // not in the catalog (yet): leave the rest for the validator to judge
    const kept = keepInputs(steps[i]?.with, def.input);
    if (Object.keys(kept).length) d.setIn(['steps', i, 'with'], d.createNode(kept)); else d.deleteIn(['steps', i, 'with']);
    const conn = steps[i]?.connection;
    const type = connections?.find((c) => c.name === conn)?.type;
    if (conn && (!def.connection_types?.length || (type && !def.connection_types.includes(type)))) d.deleteIn(['steps', i, 'connection']);
  });


  return (
    <>
    <ol className="steps-list" aria-label="Step list">
      {steps.map((st, i) => {
        const def = actionsByName.get(st.action ?? '');
        return (
        <li key={i} data-step-index={i} onFocusCapture={() => onStepFocus(i)}>
          <div className="row">
            <label>Step id<input value={st.id ?? ''} onChange={(e) => setIn(['steps', i, 'id'], e.target.value)} disabled={!editor} /></label>
            <ActionPicker actions={actionList} value={st.action ?? ''} disabled={!editor} onChange={(v) => changeAction(i, v)} />
            <ConnectionPicker action={def} connections={connections} value={st.connection ?? ''} disabled={!editor}
              onChange={(v) => setIn(['steps', i, 'connection'], v)} />
            {editor && (
              <span className="actions">
                <button type="button" className="small" onClick={() => moveStep(i, -1)} disabled={i === 0} aria-label={`Move ${st.id} up`}>↑</button>
                <button type="button" className="small" onClick={() => moveStep(i, 1)} disabled={i === steps.length - 1} aria-label={`Move ${st.id} down`}>↓</button>
                <button type="button" className="small danger" onClick={() => edit((d) => d.deleteIn(['steps', i]))} aria-label={`Remove ${st.id}`}>Remove</button>
              </span>
            )}
          </div>
          {def?.description && <p className="muted action-help">{def.description}</p>}
          <SchemaForm stepId={st.id ?? String(i)} schema={def?.input} values={st.with ?? {}} disabled={!editor}
            onChange={(k, v) => setIn(['steps', i, 'with', k], v, false)}
            onFocus={(k, el) => onFieldFocus(i, k, el)} pills={pillsFor && (() => pillsFor(['steps', i]))} />
          {(st.then || st.else) && <p className="muted">{(st.then?.length ?? 0) + (st.else?.length ?? 0)} nested steps: edit them in the YAML.</p>}
        </li>
        );
      })}
    </ol>
    {editor && <button type="button" className="secondary" onClick={addStep}>Add step</button>}    </>
  );
}
