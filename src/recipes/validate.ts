/**
 * @module recipes/validate
 * Schema plus semantic checks, all problems collected at once, one HookflowError thrown.
 */
import { HookflowError } from '../errors.js';
import { schemaProblems } from './ajv.js';
import { semanticProblems } from './semantics.js';
import type { Recipe, RecipeProblem, StepDef } from './types.js';

export function invalidRecipe(problems: RecipeProblem[]): HookflowError {
  const first = problems[0]!;
  const where = `${first.path || '/'}${first.line ? ` (line ${first.line})` : ''}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new HookflowError('HF_ERR_RECIPE_INVALID', { reason: `${where}: ${first.message}${more}` }, { details: problems });
}

export function recipeProblems(obj: unknown): RecipeProblem[] {
  return [...schemaProblems(obj), ...semanticProblems(obj)];
}

function stepIds(steps: StepDef[] | undefined, into: Set<string>): void {
  for (const s of steps ?? []) {
    if (s.id !== undefined) into.add(s.id);
    stepIds(s.then, into);
    stepIds(s.else, into);
  }
}

/** on_error steps may omit `id`; give them `on_error_<n>`, skipping ids already taken. */
function nameOnErrorSteps(r: Recipe): void {
  const used = new Set<string>();
  stepIds(r.steps, used);
  stepIds(r.on_error, used);
  let n = 1;
  const visit = (steps: StepDef[] | undefined): void => {
    for (const s of steps ?? []) {
      if (s.id === undefined) {
        while (used.has(`on_error_${n}`)) n++;
        s.id = `on_error_${n}`;
        used.add(s.id);
      }
      visit(s.then);
      visit(s.else);
    }
  };
  visit(r.on_error);
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
