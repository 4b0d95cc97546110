/**
 * @module recipes/block-rules
 * Save-time rules of the control steps (foreach, switch, stop, recipe.call, step-level on_error)
 * and of expression scope: inside a loop `steps.<id>` names that iteration's steps, so outside
 * the loop those ids do not exist (the loop's own output is the list), and `loops.<id>` must name
 * an enclosing loop. Like semantics.ts, this runs on unvalidated input: every access is guarded.
 */
import { Ajv } from 'ajv';
import { PATTERNS } from './schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const literal = (v: unknown): boolean => !(typeof v === 'string' && v.includes('{{'));

/** `at` is `with` (the step's with, or the step when it has none) or a pointer suffix of the step. */
export function blockProblems(s: Obj): Array<{ at: string; message: string }> {
  const out: Array<{ at: string; message: string }> = [];
  const w = isObj(s.with) ? s.with : {};
  const add = (at: string, message: string) => out.push({ at, message });
  if (s.action !== 'foreach' && s.steps !== undefined) add('/steps', 'only foreach steps may have steps');
  if (s.action !== 'switch') {
    if (s.cases !== undefined) add('/cases', 'only switch steps may have cases');
    if (s.default !== undefined) add('/default', 'only switch steps may have default');
  }
  if (s.on_error !== undefined && s.continue_on_error !== undefined) add('/continue_on_error', 'give on_error or continue_on_error, not both');
  switch (s.action) {
    case 'foreach':
      if (w.items === undefined) add('with', 'a foreach step needs with.items (a list, usually "{{ … }}")');
      if (!Array.isArray(s.steps) || s.steps.length === 0) add('', 'a foreach step needs steps to run for each item');
      if (w.concurrency !== undefined && literal(w.concurrency) && !(Number.isInteger(w.concurrency) && (w.concurrency as number) >= 1 && (w.concurrency as number) <= 32)) {
        add('with', 'foreach concurrency must be a whole number from 1 to 32');
      }
      if (w.max_items !== undefined && literal(w.max_items) && !(Number.isInteger(w.max_items) && (w.max_items as number) >= 1)) add('with', 'foreach max_items must be a whole number ≥ 1');
      break;
    case 'switch':
      if (w.value === undefined) add('with', 'a switch step needs with.value');
      if (s.cases === undefined && s.default === undefined) add('', 'a switch step needs cases, default or both');
      if (s.cases !== undefined && !isObj(s.cases)) add('/cases', 'cases must map values to lists of steps');
      break;
    case 'stop':
      if (w.status !== undefined && literal(w.status) && w.status !== 'succeeded' && w.status !== 'failed') add('with', 'stop status must be succeeded or failed');
      break;
    case 'recipe.call':
      if (w.recipe === undefined) add('with', 'a recipe.call step needs with.recipe (the name of a callable recipe)');
      else if (typeof w.recipe !== 'string' || (literal(w.recipe) && !new RegExp(PATTERNS.name).test(w.recipe))) add('with', 'recipe.call with.recipe must be a recipe name');
      break;
  }
  return out;
}

const schemaAjv = new Ajv({ strict: false });

/** Why a callable trigger's input_schema is no usable JSON Schema, or null. */
export function inputSchemaProblem(schema: unknown): string | null {
  if (schema === undefined) return null;
  try {
    schemaAjv.compile(schema as Obj);
    return null;
  } catch (e) {
    return `input_schema is not valid JSON Schema: ${(e as Error).message}`;
  }
}

/** Names referred to inside `{{ }}`: `steps.<id>` and `loops.<id>`. */
function refs(v: unknown, into: Array<{ kind: 'steps' | 'loops'; id: string }>): void {
  if (typeof v === 'string') {
    for (const m of v.matchAll(/\{\{([\s\S]*?)\}\}/g)) {
      for (const r of m[1]!.matchAll(/(?<![\w$.])(steps|loops)\.([a-z_][a-z0-9_]*)/g)) into.push({ kind: r[1] as 'steps' | 'loops', id: r[2]! });
    }
  } else if (Array.isArray(v)) v.forEach((x) => refs(x, into));
  else if (isObj(v)) Object.values(v).forEach((x) => refs(x, into));
}

export class ScopeChecker {
  readonly #loops: string[] = [];
  readonly #where = new Map<string, string[]>();
  readonly #uses: Array<{ id: string; loops: string[]; path: string }> = [];
  readonly #bad: Array<{ path: string; message: string }> = [];

  enter(s: Obj, path: string): void {
    if (typeof s.id === 'string' && !this.#where.has(s.id)) this.#where.set(s.id, [...this.#loops]);
    this.check(s.with, `${path}/with`);
    if (s.action === 'foreach' && typeof s.id === 'string') this.#loops.push(s.id);
  }

  leave(s: Obj): void {
    if (s.action === 'foreach' && typeof s.id === 'string') this.#loops.pop();
  }

  check(value: unknown, path: string): void {
    const found: Array<{ kind: 'steps' | 'loops'; id: string }> = [];
    refs(value, found);
    for (const r of found) {
      if (r.kind === 'steps') this.#uses.push({ id: r.id, loops: [...this.#loops], path });
      else if (!this.#loops.includes(r.id)) this.#bad.push({ path, message: `loops.${r.id} names no foreach around this step` });
    }
  }

  problems(): Array<{ path: string; message: string }> {
    const out = [...this.#bad];
    for (const u of this.#uses) {
      const inside = this.#where.get(u.id);
      if (!inside || inside.every((l, i) => u.loops[i] === l)) continue;
      const loop = inside[inside.length - 1]!;
      out.push({ path: u.path, message: `steps.${u.id} is inside foreach ${loop} and not in scope here; outside the loop use steps.${loop} (each iteration's last output)` });
    }
    return out;
  }
}
