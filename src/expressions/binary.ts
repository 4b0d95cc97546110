/**
 * @module expressions/binary
 * `a + 1`, `steps.check.count > 10`, `trigger.body.kind = "incident"`: one arithmetic or
 * comparison operator between two plain paths or literals. JSONata evaluates these through its
 * async evaluator (about 8 µs and most of a job of two transforms' garbage, measured in process);
 * here they are a walk and a JS operator. Only where the answer is JSONata's by construction:
 * numbers for arithmetic (a finite result), two numbers or two strings for an ordering, two
 * defined primitives for `=` and `!=`. Anything else (a missing value, an array on the path, a
 * type JSONata refuses) answers MISS and the caller asks JSONata, which then also gives its error.
 */
import type jsonata from 'jsonata';
import { MISS, walkPath } from './fastpath.js';

/** JSONata's AST as data (its typings do not list every node type, e.g. `path`). */
type Ast = { type: string; value?: unknown; [k: string]: unknown };
type Operand = { path: string[] } | { value: unknown };

const ARITH = new Set(['+', '-', '*', '/', '%']);
const ORDER = new Set(['<', '<=', '>', '>=']);
const EQUAL = new Set(['=', '!=']);
/** The keys of a plain name step: anything else (predicates, stages, focus, keepArray…) is JSONata's. */
const NAME_KEYS = new Set(['type', 'value', 'position']);

function operand(n: Ast): Operand | undefined {
  if (n.type === 'number' || n.type === 'string' || n.type === 'value') return { value: n.value };
  if (n.type !== 'path' || !Array.isArray(n.steps) || Object.keys(n).some((k) => k !== 'type' && k !== 'steps' && k !== 'position')) return undefined;
  const path: string[] = [];
  for (const s of n.steps as Ast[]) {
    if (s.type !== 'name' || typeof s.value !== 'string' || Object.keys(s).some((k) => !NAME_KEYS.has(k))) return undefined;
    path.push(s.value);
  }
  return path.length ? { path } : undefined;
}

const read = (o: Operand, ctx: object): unknown => ('path' in o ? walkPath(ctx, o.path) : o.value);

const isPrimitive = (x: unknown): boolean => x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';

/** The operator on two read values, or MISS where JSONata's semantics are not plainly JS's. */
function operator(op: string): ((a: unknown, b: unknown) => unknown) | undefined {
  if (ARITH.has(op)) {
    return (a, b) => {
      if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) return MISS;
      const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
      return Number.isFinite(v) ? v : MISS;
    };
  }
  if (ORDER.has(op)) {
    return (a, b) => {
      if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return MISS;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    };
  }
  if (EQUAL.has(op)) return (a, b) => (!isPrimitive(a) || !isPrimitive(b) ? MISS : op === '=' ? a === b : a !== b);
  return undefined;
}

/** An evaluator for the expression, or undefined when it is not one operator between two operands. */
export function binaryFastPath(compiled: jsonata.Expression): ((ctx: object) => unknown) | undefined {
  const ast = compiled.ast() as unknown as Ast;
  if (ast.type !== 'binary' || Object.keys(ast).some((k) => !['type', 'value', 'position', 'lhs', 'rhs'].includes(k))) return undefined;
  const apply = operator(ast.value as string);
  const l = operand(ast.lhs as Ast);
  const r = operand(ast.rhs as Ast);
  if (!apply || !l || !r) return undefined;
  return (ctx) => {
    const a = read(l, ctx);
    const b = read(r, ctx);
    return a === MISS || b === MISS ? MISS : apply(a, b);
  };
}
