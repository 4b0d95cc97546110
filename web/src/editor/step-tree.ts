// Pure helpers behind the step tree: where a step's nested lists are, unique ids across the whole
// recipe, and moving step nodes between lists of the parsed YAML document (the nodes themselves
// move, so their comments go with them). No React here; the tree's rules can be tested apart.
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';

/** A step's (or a list's) place in the YAML: ['steps', 1, 'cases', 'incident', 0]. */
export type Path = (string | number)[];
export interface ChildList { key: Path; label: string; list: unknown[] }

// The same lists, in the same order, as src/recipes/blocks.ts LIST_KEYS (cases go before default).
const LISTS: Array<[string, string]> = [['then', 'then'], ['else', 'else'], ['on_timeout', 'on timeout'], ['on_cancel', 'on cancel'],
  ['on_exception', 'on exception'], ['steps', 'each item']];
const TAIL: Array<[string, string]> = [['default', 'default'], ['on_error', 'on error']];

/** The nested lists a step holds, each with its key path below the step and a label to show. */
export function childLists(step: Record<string, unknown>): ChildList[] {
  const out: ChildList[] = [];
  for (const [k, label] of LISTS) if (Array.isArray(step[k])) out.push({ key: [k], label, list: step[k] as unknown[] });
  const cases = step.cases;
  if (cases && typeof cases === 'object' && !Array.isArray(cases)) {
    for (const [c, list] of Object.entries(cases)) if (Array.isArray(list)) out.push({ key: ['cases', c], label: `case ${c}`, list });
  }
  for (const [k, label] of TAIL) if (Array.isArray(step[k])) out.push({ key: [k], label, list: step[k] as unknown[] });
  return out;
}

/** Every step id in the recipe: main steps, nested ones and the recipe's own on_error steps. */
export function allIds(recipe: { steps?: unknown; on_error?: unknown } | null | undefined): Set<string> {
  const ids = new Set<string>();
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const s of list) {
      if (!s || typeof s !== 'object') continue;
      if (typeof (s as { id?: unknown }).id === 'string') ids.add((s as { id: string }).id);
      for (const c of childLists(s as Record<string, unknown>)) walk(c.list);
    }
  };
  walk(recipe?.steps);
  walk(recipe?.on_error);
  return ids;
}

/** `<base>_<n>` with the smallest n from 1 that no step of the recipe uses. */
export function uniqueId(ids: Set<string>, base: string): string {
  let n = 1;
  while (ids.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

export type BlockKind = 'action' | 'if' | 'switch' | 'foreach';
/** A new step of a kind: a plain action is a transform; blocks come with their inputs and empty lists. */
export function newStep(kind: BlockKind, ids: Set<string>): Record<string, unknown> {
  if (kind === 'if') return { id: uniqueId(ids, 'if'), action: 'if', with: { condition: '' }, then: [], else: [] };
  if (kind === 'switch') return { id: uniqueId(ids, 'switch'), action: 'switch', with: { value: '' }, cases: {} };
  if (kind === 'foreach') return { id: uniqueId(ids, 'foreach'), action: 'foreach', with: { items: '' }, steps: [] };
  return { id: uniqueId(ids, 'step'), action: 'transform', with: { value: '' } };
}

/** The lists a block action always has (added when a step's action becomes it). */
export function blockLists(action: string): Record<string, unknown> {
  if (action === 'if') return { then: [], else: [] };
  if (action === 'switch') return { cases: {} };
  if (action === 'foreach') return { steps: [] };
  return {};
}

export const pathKey = (p: Path): string => p.join('.');
export const sameList = (a: Path, b: Path): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const startsWith = (p: Path, prefix: Path): boolean => prefix.length <= p.length && prefix.every((x, i) => p[i] === x);

/** Is `target` (a list or step path) the step at `step` or inside it? A step cannot move into itself. */
export const isWithin = (target: Path, step: Path): boolean => startsWith(target, step);

/** Where `p` is once the step at `removed` is taken out of its list (later siblings shift up by one). */
export function afterRemoval(p: Path, removed: Path): Path {
  const list = removed.slice(0, -1);
  const i = removed[removed.length - 1] as number;
  if (p.length <= list.length || !startsWith(p, list)) return p;
  const at = p[list.length];
  if (typeof at !== 'number' || at <= i) return p;
  const out = [...p];
  out[list.length] = at - 1;
  return out;
}

/**
 * The path as the document spells it: plain data turns a key like `cases: { 1: [...] }` into the
 * text "1", while the YAML map's key is the number 1. Segments that match no key stay as they are.
 */
export function at(d: Document, p: Path): Path {
  const out: Path = [];
  let node: unknown = d.contents;
  for (const k of p) {
    let key: unknown = k;
    if (isMap(node) && typeof k === 'string' && !node.has(k)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === k);
      if (pair) key = (pair.key as { value: unknown }).value;
    }
    out.push(key as string | number);
    node = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
  }
  return out;
}

/** The YAML sequence at a list path, created (empty) when missing. */
function seqAt(d: Document, path: Path): { items: unknown[] } {
  const list = at(d, path);
  let node = d.getIn(list, true);
  if (!isSeq(node)) {
    d.setIn(list, d.createNode([]));
    node = d.getIn(list, true);
  }
  if (!isSeq(node)) throw new Error(`no list at ${pathKey(list)}`);
  return node;
}

/**
 * Moves the step at `from` into the list at `list` (a path as it is before the move), at `index`
 * counted in that list once the step has left its place. Answers the step's new path, or null when
 * the move is impossible (into itself, or nothing there).
 */
export function moveStep(d: Document, from: Path, list: Path, index: number): Path | null {
  if (isWithin(list, from)) return null;
  const src = d.getIn(at(d, from.slice(0, -1)), true);
  const i = from[from.length - 1] as number;
  if (!isSeq(src) || i < 0 || i >= src.items.length) return null;
  const to = afterRemoval(list, from);
  const [node] = src.items.splice(i, 1);
  const dst = seqAt(d, to);
  const pos = Math.max(0, Math.min(index, dst.items.length));
  dst.items.splice(pos, 0, node);
  return [...to, pos];
}

/** Inserts a new step (plain data) at the end of a list, creating the list; answers its path. */
export function appendStep(d: Document, list: Path, step: Record<string, unknown>): Path {
  const dst = seqAt(d, list);
  dst.items.push(d.createNode(step) as Node);
  return [...list, dst.items.length - 1];
}

/** Where a step dropped before or after `target` lands: the list and the index after removal of `from`. */
export function dropPlace(from: Path, target: Path, where: 'before' | 'after'): { list: Path; index: number } {
  const t = afterRemoval(target, from);
  const list = t.slice(0, -1);
  const i = t[t.length - 1] as number;
  if (sameList(from, target)) return { list, index: i }; // onto itself: it stays
  return { list, index: where === 'before' ? i : i + 1 };
}

/** The step (plain data) at a path, from the recipe's `steps`. */
export function stepAt<T = Record<string, unknown>>(steps: unknown[], path: Path): T | undefined {
  let cur: unknown = { steps };
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[k] : undefined;
  return cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as T) : undefined;
}

/** Is there a map at the path (e.g. a switch's `cases`)? */
export const hasMap = (d: Document, p: Path): boolean => isMap(d.getIn(at(d, p), true));
