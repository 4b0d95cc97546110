// The step's action picker (grouped by connector, with search) and connection picker, built from
// the catalog and the connection list.
import { useState } from 'react';
import { Link } from '../router';
import type { ConnectionView } from '../pages/Connections';
import type { JsonSchema } from './schema-form';

export interface CatalogAction { name: string; title: string; description: string; connector: string; input?: JsonSchema; connection_types?: string[]; connection_required?: boolean }

/** Does an action match every word of a search (name, title, connector, description)? */
export function matchesAction(a: CatalogAction, query: string): boolean {
  const text = `${a.name} ${a.title} ${a.connector} ${a.description}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((w) => text.includes(w));
}

/**
 * The catalog's actions grouped by connector, narrowed by a search box (Enter picks the first
 * match); the chosen action and one the catalog does not know always stay listed.
 */
export function ActionPicker({ actions, value, disabled, label, onChange }: { actions: CatalogAction[]; value: string; disabled: boolean; label?: string; onChange: (v: string) => void }) {
  const [query, setQuery] = useState('');
  const shown = actions.filter((a) => a.name === value || matchesAction(a, query));
  const groups = new Map<string, CatalogAction[]>();
  for (const a of shown) groups.set(a.connector, [...(groups.get(a.connector) ?? []), a]);
  const known = actions.some((a) => a.name === value);
  const matches = shown.filter((a) => matchesAction(a, query));
  const searchLabel = label ? `Search actions for ${label}` : 'Search actions';
  return (
    <span className="row action-picker">
      {!disabled && <input type="search" aria-label={searchLabel} placeholder="Search actions" value={query} onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter' && query && matches[0]) { e.preventDefault(); onChange(matches[0].name); setQuery(''); } }} />}
      {query && <span className="muted" role="status">{matches.length} match{matches.length === 1 ? '' : 'es'}</span>}
      <label>Action
        {/* Named outright: a wrapping label would add the selected option's text to the name. */}
        <select aria-label="Action" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          {!known && <option value={value}>{value ? `${value} (not in the catalog)` : '— pick an action —'}</option>}
          {[...groups].map(([g, list]) => (
            <optgroup key={g} label={g}>{list.map((a) => <option key={a.name} value={a.name} title={a.description}>{a.title} ({a.name})</option>)}</optgroup>
          ))}
        </select>
      </label>
    </span>
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

