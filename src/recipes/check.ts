/**
 * @module recipes/check
 * Save-time checks against the catalog, beside the schema and semantic checks: every problem at
 * once, each with its JSON pointer (parse.ts adds the line). Driven by catalog entries only: an
 * action's `input` schema, its `connection_types`, its `blocks` (nested step lists), a trigger's
 * `connection_types` and `check`. A new step type is a new catalog entry, not a validator change.
 * Runs on possibly invalid input, so every access is guarded.
 */
import type { Catalog } from '../catalog/catalog.js';
import { nearest } from '../catalog/catalog.js';
import { schemaErrors } from '../catalog/ajv.js';
import { expressionProblems, stepRefs } from './expr-check.js';
import type { RecipeProblem } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isTemplate = (v: unknown): boolean => typeof v === 'string' && v.includes('{{');
const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Keys that hold step lists on steps whose action is unknown (so their steps are still checked). */
const ANY_BLOCKS = ['then', 'else', 'on_timeout', 'on_cancel', 'on_exception', 'steps', 'cases', 'default', 'do'];

export interface CheckContext {
  catalog: Catalog;
  /** Every connection's type by name. */
  connections: ReadonlyMap<string, string>;
}

function at(obj: unknown, pointer: string): unknown {
  let v = obj;
  for (const seg of pointer.split('/').slice(1)) v = isObj(v) || Array.isArray(v) ? (v as Obj)[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return v;
}

class Checker {
  readonly problems: RecipeProblem[] = [];
  constructor(private readonly ctx: CheckContext) {}

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  connection(name: unknown, accepts: string[] | undefined, required: boolean | undefined, path: string, owner: string): void {
    if (name === undefined) {
      if (required) this.add(path.replace(/\/connection$/, ''), `${owner} needs a connection${accepts?.length ? ` of type ${accepts.join(' or ')}` : ''}`);
      return;
    }
    if (typeof name !== 'string') return;
    if (!accepts?.length) return this.add(path, `${owner} takes no connection`);
    const type = this.ctx.connections.get(name);
    if (type === undefined) {
      const near = nearest(name, this.ctx.connections.keys());
      return this.add(path, `connection "${name}" does not exist${near ? ` (did you mean "${near}"?)` : `; create the ${accepts[0]} connection first`}`);
    }
    if (!accepts.includes(type)) this.add(path, `connection "${name}" is a ${type} connection; ${owner} accepts ${accepts.join(' or ')}`);
  }

  trigger(t: unknown): void {
    if (!isObj(t) || typeof t.type !== 'string') return;
    const def = this.ctx.catalog.trigger(t.type);
    // An unknown type is reported by the schema, with the nearest name.
    if (!def) return;
    if (def.connection_types) this.connection(t.connection, def.connection_types, false, '/trigger/connection', `a ${t.type} trigger`);
    for (const p of def.check?.(t) ?? []) this.add(`/trigger${p.path}`, p.message);
  }

  /** Checks a list of steps; `visible` holds the ids an expression in it may refer to. Returns the ids it defines. */
  steps(list: unknown, path: string, visible: Set<string>): Set<string> {
    const defined = new Set<string>();
    if (!Array.isArray(list)) return defined;
    const seen = new Set(visible);
    list.forEach((s, i) => {
      for (const id of this.step(s, `${path}/${i}`, seen)) { seen.add(id); defined.add(id); }
    });
    return defined;
  }

  private step(s: unknown, path: string, visible: Set<string>): Set<string> {
    const ids = new Set<string>();
    if (!isObj(s) || typeof s.action !== 'string') return ids;
    const id = typeof s.id === 'string' ? s.id : undefined;
    const action = this.ctx.catalog.action(s.action);
    if (!action) {
      const near = nearest(s.action, this.ctx.catalog.actions.map((a) => a.name));
      this.add(`${path}/action`, `unknown action "${s.action}"${near ? `; did you mean "${near}"?` : ''}`);
    } else {
      if (isObj(s.with) || s.with === undefined) this.input(action.input, s.with ?? {}, `${path}/with`);
      this.connection(s.connection, action.connection_types, action.connection_required, `${path}/connection`, s.action);
    }
    this.expressions(s.with, `${path}/with`, id, visible);
    // Inside its blocks the step itself has run (its output chose the branch); the blocks never see each other.
    const inner = new Set(visible);
    if (id) inner.add(id);
    // A block is a step list, or a map of them (switch `cases`); any step may carry `on_error`.
    for (const b of [...(action?.blocks ?? ANY_BLOCKS), 'on_error']) {
      const v = s[b];
      const lists: Array<[unknown, string]> = isObj(v) ? Object.entries(v).map(([k, l]) => [l, `${path}/${escape(b)}/${escape(k)}`]) : [[v, `${path}/${escape(b)}`]];
      for (const [l, p] of lists) for (const x of this.steps(l, p, inner)) ids.add(x);
    }
    if (id) ids.add(id);
    return ids;
  }

  /** Literal values against the input schema; a value that is or holds a {{ }} is accepted where any value is. */
  private input(schema: Parameters<typeof schemaErrors>[0], w: unknown, path: string): void {
    for (const e of schemaErrors(schema, w)) {
      if (isTemplate(at(w, e.path))) continue;
      this.add(`${path}${e.path}`, e.message);
    }
  }

  private expressions(v: unknown, path: string, self: string | undefined, visible: Set<string>): void {
    if (typeof v === 'string') {
      if (!v.includes('{{')) return;
      const { problems, expressions } = expressionProblems(v);
      for (const m of problems) this.add(path, m);
      for (const ref of expressions.flatMap(stepRefs)) {
        if (ref === self) this.add(path, `steps.${ref} is this step itself; a step sees only the steps before it`);
        else if (!visible.has(ref)) this.add(path, `steps.${ref} is not an earlier step here${this.hint(ref, visible)}`);
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => this.expressions(x, `${path}/${i}`, self, visible));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) this.expressions(x, `${path}/${escape(k)}`, self, visible);
  }

  private hint(ref: string, visible: Set<string>): string {
    const near = nearest(ref, visible);
    return near ? ` (did you mean steps.${near}?)` : visible.size ? ` (earlier steps: ${[...visible].slice(0, 8).join(', ')})` : ' (there is no earlier step)';
  }
}

export function catalogProblems(obj: unknown, ctx: CheckContext): RecipeProblem[] {
  if (!isObj(obj)) return [];
  const c = new Checker(ctx);
  c.trigger(obj.trigger);
  const main = c.steps(obj.steps, '/steps', new Set());
  // on_error runs after any step may have failed: it may refer to every step, and to earlier on_error steps.
  c.steps(obj.on_error, '/on_error', main);
  return c.problems;
}
