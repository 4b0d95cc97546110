/**
 * @module recipes/validate
 * Schema plus semantic checks, all problems collected at once, one HookflowError thrown.
 */
import { HookflowError } from '../errors.js';
import { schemaProblems } from './ajv.js';
import { semanticProblems } from './semantics.js';
import type { Recipe, RecipeProblem } from './types.js';
import { allSteps } from './blocks.js';

export function invalidRecipe(problems: RecipeProblem[]): HookflowError {
  const first = problems[0]!;
  const where = `${first.path || '/'}${first.line ? ` (line ${first.line})` : ''}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new HookflowError('HF_ERR_RECIPE_INVALID', { reason: `${where}: ${first.message}${more}` }, { details: problems });
}

export function recipeProblems(obj: unknown): RecipeProblem[] {
  return [...schemaProblems(obj), ...semanticProblems(obj)];
}

/** on_error steps (job- or step-level) may omit `id`; give them `on_error_<n>`, skipping ids already taken. */
function nameOnErrorSteps(r: Recipe): void {
  const used = new Set<string>();
  for (const s of allSteps([...r.steps, ...(r.on_error ?? [])])) if (s.id !== undefined) used.add(s.id);
  let n = 1;
  for (const s of allSteps([...r.steps, ...(r.on_error ?? [])])) {
    if (s.id !== undefined) continue;
    while (used.has(`on_error_${n}`)) n++;
    s.id = `on_error_${n}`;
    used.add(s.id);
  }
}

/** The recipe as the rest of Hookflow sees it; call only on an object without problems. */
export function finishRecipe(obj: unknown): Recipe {
  const recipe = structuredClone(obj) as Recipe;
  nameOnErrorSteps(recipe);
  return recipe;
}

/** Returns a validated copy (the input is never changed); throws HF_ERR_RECIPE_INVALID. */
export function validateRecipe(obj: unknown): Recipe {
  const problems = recipeProblems(obj);
  if (problems.length > 0) throw invalidRecipe(problems);
  return finishRecipe(obj);
}
