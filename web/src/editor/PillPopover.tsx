// The datapill popover beside a field: a "{}" button opens a dialog with a search box over a grouped
// listbox of pills (label, type, sample value). Arrow keys move, Enter or a click picks, Escape closes;
// focus goes back to the button on close and to the field after a pick (the caller focuses it).
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { filterPills, type Pill, type PillGroup } from '../pills';

export interface PillPopoverProps {
  /** What the pills are for, e.g. "first url": names the button and the dialog. */
  label: string;
  /** Read when the popover opens, so it reflects the recipe as it is then. */
  pills: () => PillGroup[];
  onPick: (p: Pill) => void;
}

export function PillPopover({ label, pills, onPick }: PillPopoverProps) {
  const [groups, setGroups] = useState<PillGroup[] | null>(null); // null: closed
  const anchor = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const close = (refocus: boolean) => { setGroups(null); if (refocus) button.current?.focus(); };
  return (
    <span className="pill-anchor" ref={anchor} onKeyDown={(e) => { if (e.key === 'Escape' && groups) { e.preventDefault(); close(true); } }}>
      <button type="button" ref={button} className="small secondary" aria-haspopup="dialog" aria-expanded={groups !== null}
        title="Insert datapill" onClick={() => setGroups(groups ? null : pills())}>
        {/* Named by its content, not aria-label: getByLabel('<field>') should find the field alone. */}
        <span aria-hidden="true">{'{}'}</span><span className="sr-only">Insert datapill into {label}</span>
      </button>
      {groups && <PillDialog label={label} groups={groups} anchor={anchor} onClose={(refocus = true) => close(refocus)} onPick={(p) => { close(false); onPick(p); }} />}
    </span>
  );
}

function PillDialog({ label, groups, anchor, onClose, onPick }: {
  label: string; groups: PillGroup[]; anchor: React.RefObject<HTMLElement | null>; onClose: (refocus?: boolean) => void; onPick: (p: Pill) => void;
}) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const id = useId();
  const search = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);
  // Outside means outside the anchor too: its button toggles the popover itself.
  const outside = (n: EventTarget | null) => !!n && !anchor.current?.contains(n as Node);
  const shown = useMemo(() => filterPills(groups, q), [groups, q]);
  const flat = shown.flatMap((g) => g.pills);
  const current = flat[Math.min(active, flat.length - 1)];
  const optId = (p: Pill) => `${id}-${p.group}-${p.expr}`.replace(/[^\w-]/g, '_');
  useEffect(() => { search.current?.focus(); }, []);
  useEffect(() => { setActive(0); }, [q]);
  useEffect(() => { if (current) document.getElementById(optId(current))?.scrollIntoView({ block: 'nearest' }); });
  // A click outside, or Tab out of it, closes without moving focus (the person is going elsewhere).
  useEffect(() => {
    const down = (e: MouseEvent) => { if (outside(e.target)) onClose(false); };
    document.addEventListener('mousedown', down);
    return () => document.removeEventListener('mousedown', down);
  }, [onClose]);
  const key = (e: React.KeyboardEvent) => {
    const move = (to: number) => { e.preventDefault(); setActive(Math.max(0, Math.min(flat.length - 1, to))); };
    if (e.key === 'ArrowDown') move(active + 1);
    else if (e.key === 'ArrowUp') move(active - 1);
    else if (e.key === 'Home' && e.ctrlKey) move(0);
    else if (e.key === 'End' && e.ctrlKey) move(flat.length - 1);
    else if (e.key === 'Enter') { e.preventDefault(); if (current) onPick(current); }
    else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose(); }
  };
  return (
    <div ref={root} className="pill-popover" role="dialog" aria-label={`Datapills for ${label}`} onKeyDown={key}
      onBlur={(e) => { if (outside(e.relatedTarget)) onClose(false); }}>
      <input ref={search} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search fields"
        aria-label="Search datapills" role="combobox" aria-expanded="true" aria-controls={`${id}-list`} aria-autocomplete="list"
        aria-activedescendant={current ? optId(current) : undefined} />
      {flat.length === 0 ? <p className="muted">No field matches.</p> : (
        <div id={`${id}-list`} role="listbox" aria-label="Datapills" className="pill-list" tabIndex={-1}>
          {shown.map((g) => (
            <div key={g.group} role="group" aria-label={g.group}>
              <div className="pill-group" aria-hidden="true">{g.group}</div>
              {g.pills.map((p) => (
                <div key={p.expr} id={optId(p)} role="option" aria-selected={p === current} className="pill-option"
                  onMouseDown={(e) => e.preventDefault()} onMouseMove={() => setActive(flat.indexOf(p))} onClick={() => onPick(p)}>
                  <code>{p.label}</code>
                  {p.type && <span className="muted pill-type">{p.type}</span>}
                  {p.sample !== undefined && <span className="pill-sample" title={p.sample}>{p.sample}</span>}
                </div>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
