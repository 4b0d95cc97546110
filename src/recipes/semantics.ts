/**
 * @module recipes/semantics
 * Rules JSON Schema states badly: ids unique across branches, what each core action needs, the
 * cron pattern. Runs on possibly invalid input (beside the schema, to report everything at once),
 * so every access is guarded.
 */
import { cronProblem, isTimezone } from './cron.js';
import type { RecipeProblem } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const has = (o: unknown, k: string): boolean => isObj(o) && o[k] !== undefined;

class Checker {
  readonly problems: RecipeProblem[] = [];
  private readonly ids = new Map<string, string>();

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  steps(list: unknown, path: string, needsId: boolean): void {
    if (!Array.isArray(list)) return;
    list.forEach((s, i) => this.step(s, `${path}/${i}`, needsId));
  }

  private step(s: unknown, path: string, needsId: boolean): void {
    if (!isObj(s)) return;
    if (typeof s.id === 'string') {
      const first = this.ids.get(s.id);
      if (first) this.add(`${path}/id`, `duplicate step id "${s.id}" (first used at ${first})`);
      else this.ids.set(s.id, `${path}/id`);
    } else if (s.id === undefined && needsId) {
      this.add(path, "must have required property 'id'");
    }
    this.action(s, path);
    for (const b of BRANCHES) this.steps(s[b], `${path}/${b}`, needsId);
  }

  private action(s: Obj, path: string): void {
    if (s.action === 'if' || s.action === 'wait' || s.action === 'fail' || s.action === 'transform') {
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
  }

  trigger(t: unknown): void {
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
  c.trigger(obj.trigger);
  c.steps(obj.steps, '/steps', true);
  // on_error steps may omit ids (they are rarely referred to); validate.ts assigns them.
  c.steps(obj.on_error, '/on_error', false);
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

/** Branch keys: then/else belong to if steps; the others to steps that wait (e.g. human.action). */
const WAIT_BRANCHES = ['on_timeout', 'on_cancel', 'on_exception'] as const;
const BRANCHES = ['then', 'else', ...WAIT_BRANCHES] as const;
