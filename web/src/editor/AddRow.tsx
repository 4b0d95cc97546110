// "Add step" at the end of a list of the step tree: a plain action step (a transform to change), or
// an if, switch or foreach block with its inputs and empty lists; ids stay unique recipe-wide.
import { useState } from 'react';
import type { BlockKind, Path } from './step-tree';
import type { Tree } from './StepItem';

const KINDS: Array<[BlockKind, string]> = [['action', 'Action step'], ['if', 'If / else'], ['switch', 'Switch'], ['foreach', 'For each']];

/** `name` null: the top-level list ("Add step"); else the list's label ("Add step to then of check"). */
export function AddRow({ tree, list, name }: { tree: Tree; list: Path; name: string | null }) {
  const [kind, setKind] = useState<BlockKind>('action');
  return (
    <span className="row add-row">
      <select aria-label={name ? `Kind of step to add to ${name}` : 'Kind of step to add'} value={kind} onChange={(e) => setKind(e.target.value as BlockKind)}>
        {KINDS.map(([k, l]) => <option key={k} value={k}>{l}</option>)}
      </select>
      <button type="button" className="secondary small" onClick={() => tree.add(list, kind)}>{name ? `Add step to ${name}` : 'Add step'}</button>
    </span>
  );
}
