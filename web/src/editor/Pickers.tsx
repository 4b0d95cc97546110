// The step's action and connection pickers, built from the catalog and the connection list.
import { Link } from '../router';
import type { ConnectionView } from '../pages/Connections';
import type { JsonSchema } from './schema-form';

export interface CatalogAction { name: string; title: string; description: string; connector: string; input?: JsonSchema; connection_types?: string[]; connection_required?: boolean }

/** The catalog's actions grouped by connector; an action the catalog does not know stays selectable. */
export function ActionPicker({ actions, value, disabled, onChange }: { actions: CatalogAction[]; value: string; disabled: boolean; onChange: (v: string) => void }) {
  const groups = new Map<string, CatalogAction[]>();
  for (const a of actions) groups.set(a.connector, [...(groups.get(a.connector) ?? []), a]);
  const known = actions.some((a) => a.name === value);
  return (
    <label>Action
      {/* Named outright: a wrapping label would add the selected option's text to the name. */}
      <select aria-label="Action" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {!known && <option value={value}>{value ? `${value} (not in the catalog)` : '— pick an action —'}</option>}
        {[...groups].map(([g, list]) => (
          <optgroup key={g} label={g}>{list.map((a) => <option key={a.name} value={a.name}>{a.title} ({a.name})</option>)}</optgroup>
        ))}
      </select>
    </label>
  );
}

/** Existing connections of the types the action accepts; none offered for an action that takes none. */
export function ConnectionPicker({ action, connections, value, disabled, onChange }: { action: CatalogAction | undefined; connections: ConnectionView[] | undefined; value: string; disabled: boolean; onChange: (v: string) => void }) {
  const types = action?.connection_types ?? [];
  if (action && types.length === 0 && !value) return null;
  const fit = (connections ?? []).filter((c) => !action || types.includes(c.type));
  const listed = fit.some((c) => c.name === value);
  return (
    <span className="row">
      <label>Connection
        <select aria-label="Connection" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          <option value="">{action?.connection_required ? '— pick a connection —' : '— none —'}</option>
          {value && !listed && <option value={value}>{value} (not a matching connection)</option>}
          {fit.map((c) => <option key={c.name} value={c.name}>{c.name} ({c.type})</option>)}
        </select>
      </label>
      {!disabled && types.length > 0 && <Link to="/connections/new">New connection…</Link>}
    </span>
  );
}

