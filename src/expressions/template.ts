/**
 * @module expressions/template
 * Compiles any JSON value holding `{{ }}` strings into a tree that evaluates against a context.
 * Fast-path expressions answer synchronously, so a node only returns a Promise when JSONata ran;
 * awaiting plain values would cost a microtask per field on the hot path.
 */
import { compileExpr, type Expr } from './expr.js';
import { limitError, syntaxError } from './errors.js';
import { soleExpression, splitTemplate, TemplateSyntaxError } from './split.js';
import { resolveLimits, type CompiledTemplate, type ExprContext, type ExprLimits } from './types.js';

type Node = { static: true; value: unknown } | { static: false; run(ctx: ExprContext): unknown };

interface Build {
  limits: Required<ExprLimits>;
  expressions: string[];
  threaded: boolean;
}

function settle(values: unknown[]): unknown[] | Promise<unknown[]> {
  for (const v of values) if (v instanceof Promise) return Promise.all(values);
  return values;
}

function render(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function compileString(s: string, where: string, b: Build): Node {
  if (!s.includes('{{')) return { static: true, value: s };
  let parts;
  try {
    parts = splitTemplate(s);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw syntaxError(e.expr, where, e.message);
    throw e;
  }
  const sole = soleExpression(parts);
  if (sole !== undefined) {
    b.expressions.push(sole);
    const expr = compileExpr(sole, where, b.limits);
    if (expr.threaded) b.threaded = true;
    return { static: false, run: (ctx) => expr.run(ctx) };
  }
  const pieces: (string | Expr)[] = parts.map((p) => {
    if (typeof p === 'string') return p;
    b.expressions.push(p.expr);
    const expr = compileExpr(p.expr, where, b.limits);
    if (expr.threaded) b.threaded = true;
    return expr;
  });
  const max = b.limits.maxOutputBytes;
  const join = (values: unknown[]): string => {
    const text = values.map(render).join('');
    if (text.length > max) throw limitError(s, where, `output size (${max} bytes)`);
    return text;
  };
  return {
    static: false,
    run(ctx) {
      const values = settle(pieces.map((p) => (typeof p === 'string' ? p : p.run(ctx))));
      return values instanceof Promise ? values.then(join) : join(values);
    },
  };
}

function compileNode(value: unknown, where: string, b: Build): Node {
  if (typeof value === 'string') return compileString(value, where, b);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileNode(v, `${where}[${i}]`, b));
    if (items.every((n) => n.static)) return { static: true, value };
    return { static: false, run: (ctx) => settle(items.map((n) => (n.static ? n.value : n.run(ctx)))) };
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const nodes = keys.map((k) => compileNode((value as Record<string, unknown>)[k], `${where}.${k}`, b));
    if (nodes.every((n) => n.static)) return { static: true, value };
    const build = (values: unknown[]): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        // Assigning `__proto__` would swap the prototype rather than add the key.
        if (k === '__proto__') Object.defineProperty(out, k, { value: values[i], enumerable: true, writable: true, configurable: true });
        else out[k] = values[i];
      }
      return out;
    };
    return {
      static: false,
      run(ctx) {
        const values = settle(nodes.map((n) => (n.static ? n.value : n.run(ctx))));
        return values instanceof Promise ? values.then(build) : build(values);
      },
    };
  }
  return { static: true, value };
}

/** Walks any JSON value (objects, arrays, strings); `where` names the location for errors. */
export function compileTemplate(value: unknown, where: string, limits?: Partial<ExprLimits>): CompiledTemplate {
  const b: Build = { limits: resolveLimits(limits), expressions: [], threaded: false };
  const node = compileNode(value, where, b);
  if (node.static) {
    const done = Promise.resolve(node.value);
    return { expressions: b.expressions, isStatic: true, threaded: false, evaluate: () => done };
  }
  return {
    expressions: b.expressions,
    isStatic: false,
    threaded: b.threaded,
    evaluate: async (ctx) => node.run(ctx),
  };
}
