/**
 * @module recipes/blocks
 * Where a step holds other steps: if's then/else, a waiting step's on_timeout/on_cancel/
 * on_exception, foreach's steps, switch's cases and default, and any step's on_error. One list,
 * so the validator, the compiler and id naming walk the same tree.
 */
import type { StepDef } from './types.js';

export const LIST_KEYS = ['then', 'else', 'on_timeout', 'on_cancel', 'on_exception', 'steps', 'default', 'on_error'] as const;

/** Each nested list of a (possibly unvalidated) step with its JSON pointer suffix. */
export function childLists(s: Record<string, unknown>): Array<{ key: string; path: string; list: unknown[] }> {
  const out: Array<{ key: string; path: string; list: unknown[] }> = [];
  for (const k of LIST_KEYS) if (Array.isArray(s[k])) out.push({ key: k, path: `/${k}`, list: s[k] as unknown[] });
  const cases = s.cases;
  if (cases && typeof cases === 'object' && !Array.isArray(cases)) {
    for (const [c, list] of Object.entries(cases)) {
      if (Array.isArray(list)) out.push({ key: 'cases', path: `/cases/${c.replace(/~/g, '~0').replace(/\//g, '~1')}`, list });
    }
  }
  return out;
}

/** Every step of a list, nested ones included, depth first. */
export function* allSteps(list: StepDef[] | undefined): Generator<StepDef> {
  for (const s of list ?? []) {
    yield s;
    for (const c of childLists(s as unknown as Record<string, unknown>)) yield* allSteps(c.list as StepDef[]);
  }
}
