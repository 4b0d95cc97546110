/**
 * @module expressions
 * `{{ JSONata }}` templates over `{ trigger, steps, job, error }`. Never JavaScript: JSONata is an
 * interpreter with own-property lookups only, and no custom function that runs user code is
 * registered. Expressions are compiled once per text and evaluated under time, depth, sequence
 * and output-size limits.
 */
import { compileTemplate } from './template.js';
import { Lru } from './lru.js';
import type { CompiledTemplate, ExprContext } from './types.js';

export type { CompiledTemplate, ExprContext, ExprLimits } from './types.js';
export { DEFAULT_LIMITS } from './types.js';
export { compileTemplate } from './template.js';
export { forAnswer } from './lane.js';
export { configurePool, DEFAULT_POOL, type PoolOptions } from './pool.js';

const byString = new Lru<string, CompiledTemplate>(5000);
const byObject = new WeakMap<object, { where: string; tpl: CompiledTemplate }>();

function cached(value: unknown, where: string): CompiledTemplate {
  if (typeof value === 'string') {
    const key = `${where}\u0000${value}`;
    let tpl = byString.get(key);
    if (!tpl) byString.set(key, (tpl = compileTemplate(value, where)));
    return tpl;
  }
  if (value !== null && typeof value === 'object') {
    // Keyed by identity: callers that want caching pass the same (recipe-owned) object each time.
    const hit = byObject.get(value);
    if (hit && hit.where === where) return hit.tpl;
    const tpl = compileTemplate(value, where);
    byObject.set(value, { where, tpl });
    return tpl;
  }
  return compileTemplate(value, where);
}

/** Convenience: compile (cached) and evaluate with the default limits. */
export function evaluateTemplate(value: unknown, ctx: ExprContext, where: string): Promise<unknown> {
  try {
    return cached(value, where).evaluate(ctx);
  } catch (e) {
    return Promise.reject(e);
  }
}
