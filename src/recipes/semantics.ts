/**
 * @module recipes/semantics
 * Rules JSON Schema states badly: ids unique across branches, what each core action needs, the
 * cron pattern. Runs on possibly invalid input (beside the schema, to report everything at once),
 * so every access is guarded.
 */
import { cronProblem, isTimezone } from './cron.js';
import type { RecipeProblem } from './types.js';
import { childLists } from './blocks.js';
import { blockProblems, inputSchemaProblem, ScopeChecker } from './block-rules.js';
import { expressionProblems, stepRefs } from './expr-check.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const has = (o: unknown, k: string): boolean => isObj(o) && o[k] !== undefined;

class Checker {
  readonly problems: RecipeProblem[] = [];
  private readonly ids = new Map<string, string>();
  readonly scope = new ScopeChecker();

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  steps(list: unknown, path: string, needsId: boolean): void {
    if (!Array.isArray(list)) return;
    list.forEach((s, i) => this.step(s, `${path}/${i}`, needsId));
  }

  private step(s: unknown, path: string, needsId: boolean): void {
    if (!isObj(s)) return;
    this.scope.enter(s, path);
    if (typeof s.id === 'string') {
      const first = this.ids.get(s.id);
      if (first) this.add(`${path}/id`, `duplicate step id "${s.id}" (first used at ${first})`);
      else this.ids.set(s.id, `${path}/id`);
    } else if (s.id === undefined && needsId) {
      this.add(path, "must have required property 'id'");
    }
    this.action(s, path);
    // Step-level on_error steps may omit ids, like the job-level ones.
    for (const c of childLists(s)) this.steps(c.list, `${path}${c.path}`, c.key === 'on_error' ? false : needsId);
    this.scope.leave(s);
  }

  private action(s: Obj, path: string): void {
    if (['if', 'wait', 'fail', 'transform', 'foreach', 'switch', 'stop'].includes(String(s.action))) {
      for (const b of WAIT_BRANCHES) if (s[b] !== undefined) this.add(`${path}/${b}`, `${String(s.action)} steps may not have ${b}`);
    }
    const w = s.with;
    const withPath = isObj(w) ? `${path}/with` : path;
    if (s.action === 'if') {
      if (!has(w, 'condition')) this.add(withPath, 'an if step needs with.condition');
      if (s.then === undefined && s.else === undefined) this.add(path, 'an if step needs then, else or both');
      return;
    }
    for (const branch of ['then', 'else'] as const) {
      if (s[branch] !== undefined) this.add(`${path}/${branch}`, `only if steps may have ${branch}`);
    }
    if (s.action === 'wait' && !has(w, 'seconds') && !has(w, 'until')) this.add(withPath, 'a wait step needs with.seconds or with.until');
    if (s.action === 'fail' && !has(w, 'message')) this.add(withPath, 'a fail step needs with.message');
    if (s.action === 'human.action') humanActionProblems(w).forEach((m) => this.add(withPath, m));
    for (const p of blockProblems(s)) this.add(p.at === 'with' ? withPath : `${path}${p.at}`, p.message);
  }

  /** A title is made with the job, before any step ran: it sees only `trigger`. */
  title(t: unknown): void {
    if (typeof t !== 'string' || !t.includes('{{')) return;
    const { problems, expressions } = expressionProblems(t);
    for (const m of problems) this.add('/title', m);
    if (expressions.some((e) => stepRefs(e).length > 0)) this.add('/title', 'a title is made when the job is, before any step ran: it can use trigger, not steps');
  }

  trigger(t: unknown, result: unknown): void {
    if (result !== undefined && !(isObj(t) && t.type === 'callable')) this.add('/result', 'only recipes with a callable trigger have a result');
    if (isObj(t) && t.type === 'callable') {
      const why = inputSchemaProblem(t.input_schema);
      if (why) this.add('/trigger/input_schema', why);
    }
    if (!isObj(t) || t.type !== 'schedule') return;
    if (typeof t.timezone === 'string' && !isTimezone(t.timezone)) {
      this.add('/trigger/timezone', `unknown time zone "${t.timezone}"; use an IANA name like Europe/Amsterdam`);
    }
    if (typeof t.cron === 'string') {
      const why = cronProblem(t.cron, typeof t.timezone === 'string' ? t.timezone : undefined);
      if (why) this.add('/trigger/cron', why);
    }
  }
}

export function semanticProblems(obj: unknown): RecipeProblem[] {
  if (!isObj(obj)) return [];
  const c = new Checker();
  c.trigger(obj.trigger, obj.result);
  c.steps(obj.steps, '/steps', true);
  // on_error steps may omit ids (they are rarely referred to); validate.ts assigns them.
  c.steps(obj.on_error, '/on_error', false);
  c.scope.check(obj.result, '/result');
  c.title(obj.title);
  for (const p of c.scope.problems()) c.add(p.path, p.message);
  return c.problems;
}

/** A person's action: whom it waits for, and a literal form's fields (templated values are checked when the step runs). */
function humanActionProblems(w: unknown): string[] {
  const out: string[] = [];
  if (!has(w, 'assignee')) out.push('a human.action step needs with.assignee (a username, { user }, or { role })');
  const form = isObj(w) ? w.form : undefined;
  if (Array.isArray(form)) {
    form.forEach((f, i) => {
      if (!isObj(f) || typeof f.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name) || f.name === 'branch' || f.name === '_action') out.push(`form field ${i} needs a name of letters, digits and _ (not branch or _action)`);
      else if (f.type !== undefined && !['TEXT', 'NUMERIC', 'DATETIME', 'FILE'].includes(String(f.type))) out.push(`form field ${f.name}: type must be TEXT, NUMERIC, DATETIME or FILE`);
    });
  }
  return out;
}

/** Branch keys of steps that wait (e.g. human.action); then/else belong to if steps. */
const WAIT_BRANCHES = ['on_timeout', 'on_cancel', 'on_exception'] as const;
