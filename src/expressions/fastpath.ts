/**
 * @module expressions/fastpath
 * Most template expressions are plain paths like `trigger.body.id`. Walking those with own-property
 * lookups is several times faster than JSONata (see bench notes in shared/reference/libraries.md)
 * and never touches a prototype. Whenever JSONata's semantics could differ — an array on the way,
 * JSONata's own function markers — the walk answers MISS and the caller asks JSONata.
 */

export const MISS: unique symbol = Symbol('fastpath.miss');

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Words JSONata reads as literals, operators or lambdas rather than field names. */
const RESERVED = new Set(['true', 'false', 'null', 'and', 'or', 'in', 'function']);

/** The segments of a dotted path expression, or undefined when JSONata must evaluate it. */
export function parsePath(expr: string): string[] | undefined {
  const segs = expr.split('.');
  for (const s of segs) {
    if (!SEGMENT.test(s) || RESERVED.has(s)) return undefined;
  }
  return segs;
}

/** Arrays map a path over their items in JSONata; leave those cases to it. */
export function walkPath(root: unknown, segs: readonly string[]): unknown {
  let cur: unknown = root;
  for (let i = 0; i < segs.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) return MISS;
    const o = cur as Record<string, unknown>;
    if (o._jsonata_function === true || o._jsonata_lambda === true) return MISS;
    const k = segs[i]!;
    if (!Object.hasOwn(o, k)) return undefined;
    cur = o[k];
  }
  return Array.isArray(cur) ? MISS : cur;
}
