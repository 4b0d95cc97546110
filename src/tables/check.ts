/**
 * @module tables/check
 * Save-time check: a `table.*` step naming a table (literally, not by expression) that does not
 * exist is refused with the recipe. Nested step lists are the ones `recipes/blocks.ts` names for
 * every walker (then/else, foreach steps, switch cases, on_error, ...).
 */
import type { Store } from '../store/types.js';
import type { RecipeProblem } from '../recipes/types.js';
import { childLists } from '../recipes/blocks.js';

export interface TableUse {
  table: string;
  /** JSON pointer of the step's `with/table`. */
  path: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function visit(steps: unknown[], path: string, out: TableUse[]): void {
  steps.forEach((s, i) => {
    if (!isObj(s)) return;
    const p = `${path}/${i}`;
    const w = s.with;
    if (typeof s.action === 'string' && s.action.startsWith('table.') && isObj(w) && typeof w.table === 'string' && !w.table.includes('{{')) {
      out.push({ table: w.table, path: `${p}/with/table` });
    }
    for (const c of childLists(s)) visit(c.list, `${p}${c.path}`, out);
  });
}

/** Every literal table name a recipe's steps use, with where. */
export function tableNamesUsed(recipe: unknown): TableUse[] {
  const out: TableUse[] = [];
  if (!isObj(recipe)) return out;
  for (const k of ['steps', 'on_error']) if (Array.isArray(recipe[k])) visit(recipe[k] as unknown[], `/${k}`, out);
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
