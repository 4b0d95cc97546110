/**
 * @module expressions/expr
 * One `{{ }}` expression: compiled by JSONata once per distinct text (and limits) and cached.
 *
 * Concurrency: jsonata 2.x keeps the timeout/depth/sequence guard state in a fresh execution
 * frame per `evaluate()` call (`exec_env.guardrails`, `exec_env.depth`), so one compiled
 * expression is safe to evaluate concurrently. We use those built-in options instead of the
 * `__evaluate_entry` hooks, which would live on the shared environment and leak between calls.
 * (Only `$now()`/`$millis()` read a per-expression timestamp, so concurrent calls may see each
 * other's start time, milliseconds apart.)
 *
 * Where it runs: plain paths and the bounded subset of safe.ts run here; anything else runs on an
 * expression thread (pool.ts), where a runaway is terminated and a memory blow-up stays contained.
 */
import jsonata from 'jsonata';
import { fromCompile, fromEvaluate, fromWire, limitError } from './errors.js';
import { MISS, parsePath, walkPath } from './fastpath.js';
import { answering } from './lane.js';
import { Lru } from './lru.js';
import { normalize, OutputTooLarge } from './normalize.js';
import { evalPool } from './pool.js';
import { isSafeInThread, referencedRoots } from './safe.js';
import { binaryFastPath } from './binary.js';
import type { ExprLimits } from './types.js';

const cache = new Lru<string, jsonata.Expression>(5000);

export interface Expr {
  readonly text: string;
  /** Runs on an expression thread (it could run away), answering only after a hop there. */
  readonly threaded?: true;
  /** Evaluates to plain JSON data; `undefined` results become `null`. */
  run(ctx: object): unknown;
}

function compileJsonata(text: string, where: string, limits: Required<ExprLimits>): jsonata.Expression {
  const key = `${limits.timeoutMs}|${limits.maxDepth}|${limits.maxSequence}|${text}`;
  let compiled = cache.get(key);
  if (!compiled) {
    try {
      compiled = jsonata(text, { timeout: limits.timeoutMs, stack: limits.maxDepth, sequence: limits.maxSequence });
    } catch (e) {
      throw fromCompile(e, text, where);
    }
    cache.set(key, compiled);
  }
  return compiled;
}

async function runJsonata(compiled: jsonata.Expression, text: string, where: string, limits: Required<ExprLimits>, ctx: object): Promise<unknown> {
  let result: unknown;
  try {
    result = await compiled.evaluate(ctx);
  } catch (e) {
    throw fromEvaluate(e, text, where, limits);
  }
  try {
    return normalize(result, limits.maxOutputBytes);
  } catch (e) {
    if (e instanceof OutputTooLarge) throw limitError(text, where, `output size (${limits.maxOutputBytes} bytes)`);
    throw e;
  }
}

/** Anything that could run away runs on an expression thread, where it can be killed. */
async function runThread(text: string, where: string, limits: Required<ExprLimits>, roots: Set<string> | undefined, ctx: object): Promise<unknown> {
  let sent = ctx;
  if (roots) {
    const some: Record<string, unknown> = {};
    for (const k of roots) if (Object.hasOwn(ctx, k)) some[k] = (ctx as Record<string, unknown>)[k];
    sent = some;
  }
  const out = await evalPool().run(text, sent, limits, answering(ctx));
  if (out.ok) return out.value;
  throw fromWire(out.err, text, where, limits);
}

/**
 * JSONata syntax is checked here, at compile time; plain paths are valid by construction and only
 * compile JSONata the first time they meet an array. `run` returns a value (fast path) or a Promise.
 */
export function compileExpr(text: string, where: string, limits: Required<ExprLimits>): Expr {
  const segs = parsePath(text);
  if (!segs) {
    const compiled = compileJsonata(text, where, limits);
    if (isSafeInThread(compiled)) {
      const fast = binaryFastPath(compiled);
      if (!fast) return { text, run: (ctx) => runJsonata(compiled, text, where, limits, ctx) };
      return {
        text,
        run(ctx) {
          const v = fast(ctx);
          return v !== MISS ? v : runJsonata(compiled, text, where, limits, ctx);
        },
      };
    }
    const roots = referencedRoots(compiled);
    return { text, threaded: true, run: (ctx) => runThread(text, where, limits, roots, ctx) };
  }
  let compiled: jsonata.Expression | undefined;
  return {
    text,
    run(ctx) {
      const v = walkPath(ctx, segs);
      if (v !== MISS) return v === undefined ? null : v;
      compiled ??= compileJsonata(text, where, limits);
      return runJsonata(compiled, text, where, limits, ctx);
    },
  };
}

/** For tests: how many compiled JSONata expressions are cached. */
export function cachedExpressionCount(): number {
  return cache.size;
}
