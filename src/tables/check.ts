/**
 * @module tables/check
 * Save-time check: a `table.*` step naming a table (literally, not by expression) that does not
 * exist is refused with the recipe. Nested step lists are found by shape (any array of objects
 * with an `action`, or an object of such arrays, as `switch` cases), so blocks added later
 * (foreach, switch, on_error) are covered without a list of their keys here.
 */
import type { Store } from '../store/types.js';
import type { RecipeProblem } from '../recipes/types.js';
import { invalidRecipe } from '../recipes/validate.js';

export interface TableUse {
  table: string;
  /** JSON pointer of the step's `with/table`. */
  path: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const pointerPart = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const isStepList = (v: unknown): v is Obj[] => Array.isArray(v) && v.length > 0 && v.every((s) => isObj(s) && typeof s.action === 'string');

function visit(steps: Obj[], path: string, out: TableUse[]): void {
  steps.forEach((s, i) => {
    const p = `${path}/${i}`;
    const w = s.with;
    if (typeof s.action === 'string' && s.action.startsWith('table.') && isObj(w) && typeof w.table === 'string' && !w.table.includes('{{')) {
      out.push({ table: w.table, path: `${p}/with/table` });
    }
    for (const [k, v] of Object.entries(s)) {
      if (k === 'with') continue;
      if (isStepList(v)) visit(v, `${p}/${k}`, out);
      else if (isObj(v)) for (const [c, list] of Object.entries(v)) if (isStepList(list)) visit(list, `${p}/${k}/${pointerPart(c)}`, out);
    }
  });
}

/** Every literal table name a recipe's steps use, with where. */
export function tableNamesUsed(recipe: unknown): TableUse[] {
  const out: TableUse[] = [];
  if (!isObj(recipe)) return out;
  for (const k of ['steps', 'on_error']) if (isStepList(recipe[k])) visit(recipe[k] as Obj[], `/${k}`, out);
  return out;
}

export async function tableProblems(store: Store, recipe: unknown): Promise<RecipeProblem[]> {
  const uses = tableNamesUsed(recipe);
  if (uses.length === 0) return [];
  const names = [...new Set(uses.map((u) => u.table))];
  const found = new Set((await store.db.selectFrom('lookup_tables').select('name').where('name', 'in', names).execute()).map((r) => r.name));
  const message = (t: string) => `table ${t} does not exist (create it first: hookflow tables create ${t})`;
  return uses.filter((u) => !found.has(u.table)).map((u) => ({ path: u.path, message: message(u.table) }));
}

/** Throws HF_ERR_RECIPE_INVALID (422) with every missing table at once. */
export async function checkRecipeTables(store: Store, recipe: unknown): Promise<void> {
  const problems = await tableProblems(store, recipe);
  if (problems.length) throw invalidRecipe(problems);
}
