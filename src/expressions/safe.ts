/**
 * @module expressions/safe
 * Which JSONata expressions may run on the calling thread. The rule is structural: an expression
 * qualifies when its work is bounded by the size of its input times the size of its text — no
 * loops (no functions, bindings, recursion, `..` ranges), no regular expressions, no function that
 * takes a function or repeats text, no `$$` (a root lookup inside a filter would make it quadratic),
 * no descendants, sorting or grouping. Everything else goes to the expression threads, where a
 * runaway can be killed. Most templates (`trigger.body.n * 2`, `a & "-" & b`, `$string(x)`) qualify.
 */
import type jsonata from 'jsonata';

const NODE_TYPES = new Set(['path', 'name', 'string', 'number', 'value', 'binary', 'unary', 'condition', 'block', 'filter', 'function', 'variable', 'wildcard']);
const BINARY = new Set(['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or', 'in']);
const UNARY = new Set(['-', '[', '{']);
/** Linear in their arguments, no function or regular expression arguments, output no larger than input. */
const FUNCTIONS = new Set([
  'string', 'number', 'boolean', 'not', 'exists', 'count', 'length', 'uppercase', 'lowercase', 'trim', 'substring',
  'substringBefore', 'substringAfter', 'contains', 'abs', 'floor', 'ceil', 'round', 'sum', 'max', 'min', 'average',
  'keys', 'lookup', 'type', 'now', 'millis', 'append',
]);
/** Parts of a path step that imply sorting, grouping, positional or parent bindings. */
const REFUSED_KEYS = new Set(['group', 'focus', 'index', 'tuple', 'ancestor', 'seekingParent', 'ancestry']);

type Ast = jsonata.ExprNode & Record<string, unknown>;

function safeNode(n: Ast, budget: { left: number }): boolean {
  if (--budget.left < 0) return false;
  if (!NODE_TYPES.has(n.type)) return false;
  for (const k of Object.keys(n)) if (REFUSED_KEYS.has(k)) return false;
  switch (n.type) {
    case 'binary':
      if (!BINARY.has(n.value as string)) return false;
      break;
    case 'unary':
      if (!UNARY.has(n.value as string)) return false;
      break;
    case 'variable':
      // `$` is the current item; `$$` (the root) and named variables are out.
      if (n.value !== '') return false;
      break;
    case 'function': {
      const p = n.procedure as Ast | undefined;
      if (n.value !== '(' || !p || p.type !== 'variable' || !FUNCTIONS.has(p.value as string)) return false;
      return children(n, ['procedure'])?.every((c) => safeNode(c, budget)) ?? false;
    }
  }
  return children(n, [])?.every((c) => safeNode(c, budget)) ?? false;
}

/**
 * Every AST node below `n`, through arrays (object constructors hold pairs); undefined when some
 * object is not a node, a shape this check does not know.
 */
function children(n: Ast, skip: string[]): Ast[] | undefined {
  const out: Ast[] = [];
  let known = true;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      if (typeof (v as Ast).type === 'string') out.push(v as Ast);
      else known = false;
    }
  };
  for (const [k, v] of Object.entries(n)) if (!skip.includes(k)) visit(v);
  return known ? out : undefined;
}

export function isSafeInThread(compiled: jsonata.Expression): boolean {
  return safeNode(compiled.ast() as Ast, { left: 500 });
}

/**
 * The context keys an expression can reach: every field name in it is a superset of the top-level
 * ones. Undefined (send everything) when it can reach the root without naming a key: `$`, `$$`,
 * wildcards, descendants, parents, `$eval`. Expression threads get only these keys, so a step
 * with megabytes of earlier step outputs does not copy them for an expression that reads the trigger.
 */
export function referencedRoots(compiled: jsonata.Expression): Set<string> | undefined {
  const names = new Set<string>();
  let all = false;
  const visit = (v: unknown): void => {
    if (all) return;
    if (Array.isArray(v)) return v.forEach(visit);
    if (v === null || typeof v !== 'object') return;
    const n = v as Ast;
    if (typeof n.type === 'string') {
      if (n.type === 'name' && typeof n.value === 'string') names.add(n.value);
      else if (n.type === 'variable' && (n.value === '' || n.value === '$' || n.value === 'eval')) all = true;
      else if (n.type === 'wildcard' || n.type === 'descendant' || n.type === 'parent') all = true;
    }
    for (const c of Object.values(n)) visit(c);
  };
  visit(compiled.ast());
  return all ? undefined : names;
}
