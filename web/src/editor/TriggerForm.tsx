// The trigger: its type from the catalog and its config (everything under `trigger:` but `type`)
// as a form from the catalog trigger's `config` schema. A change of type keeps only the config
// keys the new type's schema names.
import type { parseDocument } from 'yaml';
import { SchemaForm } from './SchemaForm';
import { keepInputs, type JsonSchema } from './schema-form';

type Doc = ReturnType<typeof parseDocument>;
export interface CatalogTrigger { type: string; title?: string; description?: string; config?: JsonSchema; output?: any }

/** The config schema without `type`, which the select above the form sets. */
export function configSchema(t: CatalogTrigger | undefined): JsonSchema | undefined {
  if (!t?.config) return undefined;
  const { type: _type, ...properties } = t.config.properties ?? {};
  return { ...t.config, properties, required: (t.config.required ?? []).filter((k) => k !== 'type') };
}

interface Props {
  trigger: Record<string, unknown> | undefined;
  triggers: CatalogTrigger[];
  editor: boolean;
  edit: (fn: (d: Doc) => void) => void;
  onFieldFocus: (key: string, el: HTMLInputElement) => void;
}

export default function TriggerForm({ trigger, triggers, editor, edit, onFieldFocus }: Props) {
  const type = typeof trigger?.type === 'string' ? trigger.type : 'webhook';
  const { type: _t, ...config } = trigger ?? {};
  const def = triggers.find((t) => t.type === type);
  const schema = configSchema(def);
  const changeType = (next: string) => edit((d) => {
    d.setIn(['trigger', 'type'], next);
    const nextSchema = configSchema(triggers.find((t) => t.type === next));
    if (!nextSchema) return; // not in the catalog: the validator judges the rest
    const kept = keepInputs(config, nextSchema);
    for (const k of Object.keys(config)) if (!(k in kept)) d.deleteIn(['trigger', k]);
  });
  return (
    <div className="trigger-form">
      <label>Trigger<select aria-label="Trigger" value={type} onChange={(e) => changeType(e.target.value)} disabled={!editor}>
        {!def && <option value={type}>{type}</option>}
        {triggers.map((t) => <option key={t.type} value={t.type}>{t.type}</option>)}
      </select></label>
      {def?.description && <p className="muted action-help">{def.description}</p>}
      {schema && <SchemaForm stepId="trigger" schema={schema} values={config} disabled={!editor}
        onChange={(k, v) => edit((d) => (v === undefined ? d.deleteIn(['trigger', k]) : d.setIn(['trigger', k], v)))}
        onFocus={onFieldFocus} />}
    </div>
  );
}
