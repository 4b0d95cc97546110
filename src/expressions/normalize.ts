/**
 * @module expressions/normalize
 * Turns a JSONata result into plain JSON data and enforces the output size limit in one walk.
 * JSONata can hand back its own function objects (which hold the evaluation environment) and
 * arrays carrying sequence flags; neither may leave the expression layer. Unchanged subtrees are
 * returned by reference so the common case allocates nothing.
 */

const MAX_NESTING = 1000;

export class OutputTooLarge extends Error {}

function isJsonataFunction(v: object): boolean {
  const o = v as { implementation?: unknown; environment?: { lookup?: unknown } };
  // Data parsed from JSON can never hold functions, so these mark real JSONata closures only.
  return typeof o.implementation === 'function' || typeof o.environment?.lookup === 'function';
}

export function normalize(value: unknown, maxBytes: number): unknown {
  const budget = { left: maxBytes };
  const out = walk(value, budget, 0);
  return out === undefined ? null : out;
}

function spend(budget: { left: number }, n: number): void {
  budget.left -= n;
  if (budget.left < 0) throw new OutputTooLarge();
}

function walk(v: unknown, budget: { left: number }, depth: number): unknown {
  switch (typeof v) {
    case 'string':
      spend(budget, v.length + 2);
      return v;
    case 'number':
      spend(budget, 8);
      return Number.isFinite(v) ? v : null;
    case 'boolean':
      spend(budget, 5);
      return v;
    case 'undefined':
      return undefined;
    case 'function':
      return undefined;
    case 'bigint':
      spend(budget, 8);
      return Number(v);
    case 'symbol':
      return undefined;
  }
  if (v === null) {
    spend(budget, 4);
    return null;
  }
  if (depth > MAX_NESTING) throw new OutputTooLarge();
  if (Array.isArray(v)) return walkArray(v, budget, depth);
  if (isJsonataFunction(v as object)) return undefined;
  // Dates and the like in an engine-built context serialise the way JSON.stringify would.
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return walk(toJSON.call(v), budget, depth + 1);
  return walkObject(v as Record<string, unknown>, budget, depth);
}

function walkArray(a: unknown[], budget: { left: number }, depth: number): unknown[] {
  // A JSONata sequence is a real array with extra own flags; copy it into a plain one.
  const f = a as { sequence?: unknown; keepSingleton?: unknown; outerWrapper?: unknown; tupleStream?: unknown };
  const flagged = f.sequence !== undefined || f.keepSingleton !== undefined || f.outerWrapper !== undefined || f.tupleStream !== undefined;
  let copy: unknown[] | undefined = flagged ? [] : undefined;
  spend(budget, 2);
  for (let i = 0; i < a.length; i++) {
    const item = a[i];
    let n = walk(item, budget, depth + 1);
    if (n === undefined) n = null;
    spend(budget, 1);
    if (n !== item && !copy) copy = a.slice(0, i);
    if (copy) copy.push(n);
  }
  return copy ?? a;
}

function walkObject(o: Record<string, unknown>, budget: { left: number }, depth: number): Record<string, unknown> {
  // JSONata builds null-prototype objects; callers expect ordinary ones (hasOwnProperty, instanceof).
  let copy: Record<string, unknown> | undefined = Object.getPrototypeOf(o) === Object.prototype ? undefined : {};
  const keys = Object.keys(o);
  spend(budget, 2);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const item = o[k];
    const n = walk(item, budget, depth + 1);
    spend(budget, k.length + 4);
    if (n !== item && !copy) {
      copy = {};
      for (let j = 0; j < i; j++) define(copy, keys[j]!, o[keys[j]!]);
    }
    if (copy && n !== undefined) define(copy, k, n);
  }
  return copy ?? o;
}

/** Plain assignment of `__proto__` would swap the prototype instead of adding a key. */
function define(target: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
  else target[k] = v;
}
