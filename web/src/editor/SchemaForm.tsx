// A step's inputs as a form generated from its action's input schema: one control per named
// input (by type), each switchable to an expression; inputs the schema does not name stay visible,
// marked, so nothing in the YAML is hidden from the form. With `pills`, each field has a datapill
// popover that writes `{{ expr }}` at the field's cursor (switching a literal control to expression).
import { useState } from 'react';
import type { Pill, PillGroup } from '../pills';
import { PillPopover } from './PillPopover';
import { display, fieldsOf, isExpression, isOpen, parseLiteral, readLoose, type Field, type FieldKind, type JsonSchema } from './schema-form';

type Control = HTMLInputElement | HTMLSelectElement;

export interface SchemaFormProps {
  stepId: string;
  schema: JsonSchema | undefined;
  values: Record<string, unknown>;
  disabled: boolean;
  /** undefined removes the key. */
  onChange: (key: string, value: unknown) => void;
  /** A text control got focus: the page remembers it for datapill insertion. */
  onFocus: (key: string, el: HTMLInputElement) => void;
  /** The datapills in scope for this step, read when a field's popover opens. */
  pills?: () => PillGroup[];
}

export function SchemaForm({ stepId, schema, values, disabled, onChange, onFocus, pills }: SchemaFormProps) {
  const fields = fieldsOf(schema);
  const named = new Set(fields.map((f) => f.key));
  const open = isOpen(schema);
  // Keys the schema does not name: free fields of an open schema (transform), else unknown ones.
  const extra: Field[] = Object.keys(values).filter((k) => !named.has(k)).map((k) => ({ key: k, title: k, required: false, kind: 'json' as FieldKind }));
  return (
    <div className="schema-form" role="group" aria-label={`Inputs of ${stepId}`}>
      {fields.map((f) => <FieldControl key={f.key} stepId={stepId} field={f} value={values[f.key]} disabled={disabled} onChange={onChange} onFocus={onFocus} pills={pills} />)}
      {extra.map((f) => <FieldControl key={f.key} stepId={stepId} field={f} value={values[f.key]} disabled={disabled} onChange={onChange} onFocus={onFocus} pills={pills} unknown={!open} free={open} />)}
      {!disabled && open && <AddInput stepId={stepId} onAdd={(k) => onChange(k, '')} />}
    </div>
  );
}

function FieldControl({ stepId, field, value, disabled, onChange, onFocus, pills, unknown, free }: {
  stepId: string; field: Field; value: unknown; disabled: boolean; unknown?: boolean; free?: boolean;
  onChange: (key: string, value: unknown) => void; onFocus: (key: string, el: HTMLInputElement) => void; pills?: () => PillGroup[];
}) {
  // Expression mode starts on when the YAML already holds one; the toggle is the person's choice after.
  const [expr, setExpr] = useState(isExpression(value));
  const id = `f-${stepId}-${field.key}`;
  const helpId = `${id}-help`;
  const label = `${stepId} ${field.key}`;
  const placeholder = field.default !== undefined ? `default: ${display(field.default, 'json')}` : undefined;
  const focus = (e: React.FocusEvent<Control> | React.SyntheticEvent<Control>) => { if (e.currentTarget instanceof HTMLInputElement && e.currentTarget.type === 'text') onFocus(field.key, e.currentTarget); };
  // Free fields (transform) keep the old behaviour: text, JSON-looking text kept typed.
  const kind: FieldKind = free ? 'json' : field.kind;
  const common = { id, 'aria-label': label, 'aria-describedby': field.description ? helpId : undefined, disabled, onFocus: focus };
  // A pill goes in at the text control's cursor (or over its selection); a literal control of another
  // kind (number, select, checkbox, JSON) becomes an expression holding just the pill.
  const insert = (p: Pill) => {
    const text = `{{ ${p.expr} }}`;
    const el = document.getElementById(id);
    const asText = expr || kind === 'text' || free;
    let next = text;
    let at = text.length;
    if (asText && el instanceof HTMLInputElement) {
      const start = el.selectionStart ?? el.value.length;
      const end = el.selectionEnd ?? start;
      next = el.value.slice(0, start) + text + el.value.slice(end);
      at = start + text.length;
    }
    if (!asText) setExpr(true);
    onChange(field.key, free ? readLoose(next) : next);
    requestAnimationFrame(() => {
      const now = document.getElementById(id);
      if (now instanceof HTMLInputElement) { now.focus(); now.setSelectionRange(at, at); }
    });
  };
  let control: React.ReactNode;
  if (expr || kind === 'text') {
    control = <input {...common} type="text" value={display(value, kind)} placeholder={expr ? '{{ expression }}' : placeholder} onSelect={focus}
      onChange={(e) => onChange(field.key, expr ? (e.target.value === '' ? undefined : e.target.value) : parseLiteral(e.target.value, kind))} />;
  } else if (kind === 'boolean') {
    control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(field.key, e.target.checked)} />;
  } else if (kind === 'enum') {
    control = (
      <select {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(field.key, e.target.value || undefined)}>
        <option value="">{placeholder ?? '—'}</option>
        {field.options!.map((o) => <option key={o}>{o}</option>)}
      </select>
    );
  } else if (kind === 'number' || kind === 'integer') {
    control = <input {...common} type="number" step={kind === 'integer' ? 1 : 'any'} value={display(value, kind)} placeholder={placeholder} onChange={(e) => onChange(field.key, parseLiteral(e.target.value, kind))} />;
  } else {
    control = <input {...common} type="text" className="json" value={display(value, kind)} placeholder={placeholder ?? (free ? undefined : 'JSON')} onSelect={focus}
      onChange={(e) => onChange(field.key, free ? readLoose(e.target.value) : parseLiteral(e.target.value, kind))} />;
  }
  return (
    <div className={`field${unknown ? ' unknown' : ''}`} data-field={field.key}>
      <label htmlFor={id}>
        {field.title}{field.required && <span className="required" aria-label="required"> *</span>}
        {field.title !== field.key && <code className="muted"> {field.key}</code>}
        {unknown && <span className="badge warn"> not an input of this action</span>}
      </label>
      <div className="row">
        {control}
        {!disabled && pills && <PillPopover label={label} pills={pills} onPick={insert} />}
        {!disabled && !free && kind !== 'text' && (
          <button type="button" className="small secondary" aria-pressed={expr} aria-label={`${label}: ${expr ? 'use a literal value' : 'use an expression'}`}
            onClick={() => { setExpr(!expr); if (expr && isExpression(value)) onChange(field.key, undefined); }}>
            {expr ? 'Literal' : '{{ }}'}
          </button>
        )}
        {unknown && !disabled && <button type="button" className="small danger" aria-label={`Remove ${label}`} onClick={() => onChange(field.key, undefined)}>Remove</button>}
      </div>
      {field.description && <small id={helpId} className="muted help">{field.description}</small>}
    </div>
  );
}

function AddInput({ onAdd, stepId }: { onAdd: (k: string) => void; stepId: string }) {
  const [k, setK] = useState('');
  const add = () => { if (k.trim()) { onAdd(k.trim()); setK(''); } };
  // Not a <form>: the step list may itself sit in one later, and Enter should add, not submit the page.
  return (
    <div className="row">
      <label>New input of {stepId}<input value={k} onChange={(e) => setK(e.target.value)} placeholder="field name" onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }} /></label>
      <button type="button" className="small" disabled={!k.trim()} onClick={add}>Add input</button>
    </div>
  );
}
