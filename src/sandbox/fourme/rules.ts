/**
 * @module sandbox/fourme/rules
 * Automation rules as 4me runs them, reduced to what task automation needs: a trigger (`on status
 * update`, `on note added`, `on create`, `on update`, `on update of <field>`), a condition over
 * named expressions (`is_assigned`, `!x`, `a and b`, or `<field> = '<value>'`), and actions as
 * 4me's list of `{name, value}` where a value `call webhook '<webhook>' with payload '<names>'`
 * calls a webhook (AutomationRuleActionInput in the official SDK). Expressions evaluate as 4me's
 * do: `id` is the record's number, `nodeID` its GraphQL id.
 */
import type { Change, Rec, SandboxState } from './state.js';
import { uiPath } from './views.js';

export interface RuleCall { webhook: string; names: string[] }
type Named = Array<{ name: string; value: string }>;

export function parseAction(value: string): RuleCall | null {
  const m = /^\s*call webhook\s+'([^']+)'(?:\s+with payload\s+'([^']*)')?\s*$/i.exec(value);
  return m ? { webhook: m[1]!, names: (m[2] ?? '').split(/[\s,]+/).filter(Boolean) } : null;
}

function fires(rule: Rec, c: Change): boolean {
  const t = String(rule.trigger).trim().toLowerCase();
  if (t === 'on status update') return c.kind === 'status-changed';
  if (t === 'on note added') return c.kind === 'note-added';
  if (t === 'on create') return c.kind === 'create';
  if (t === 'on update') return c.kind !== 'create';
  const f = /^on update of (\w+)$/.exec(t);
  return !!f && c.kind !== 'create' && ((c.record.changed as string[] | undefined) ?? []).includes(f[1]!);
}

/** An expression's value: a quoted literal, a comparison, a few paths 4me offers, or a field. */
export function evaluate(state: SandboxState, rec: Rec, expr: string, exprs: Map<string, string> = new Map(), depth = 0): unknown {
  const e = expr.trim();
  if (depth > 8) return null;
  if (/^'[^']*'$/.test(e)) return e.slice(1, -1);
  const cmp = /^([\w.]+)\s*(=|!=)\s*(.+)$/.exec(e);
  if (cmp) {
    const eq = String(evaluate(state, rec, cmp[1]!, exprs, depth + 1) ?? '') === String(evaluate(state, rec, cmp[3]!, exprs, depth + 1) ?? '');
    return cmp[2] === '=' ? eq : !eq;
  }
  if (exprs.has(e)) return evaluate(state, rec, exprs.get(e)!, exprs, depth + 1);
  if (e === 'id') return rec.id;
  if (e === 'nodeID') return state.nodeId(rec.type, rec.id);
  if (e === 'url') return `https://${state.account}.${state.domain}/${uiPath(rec.type)}/${rec.id}`;
  if (e === 'notes[last].text' || e === 'note') {
    const notes = state.all('Note').filter((n) => n.ownerType === rec.type && n.ownerId === rec.id);
    return notes.length ? notes[notes.length - 1]!.text : null;
  }
  if (e === 'workflow.id' && rec.workflowId) return Number(rec.workflowId);
  if (e === 'workflow.nodeID' && rec.workflowId) return state.nodeId('Workflow', Number(rec.workflowId));
  return rec[e] ?? null;
}

function holds(state: SandboxState, rule: Rec, rec: Rec, exprs: Map<string, string>): boolean {
  return String(rule.condition ?? '').split(/\s+and\s+/).every((part) => {
    const p = part.trim();
    if (!p) return true;
    const neg = p.startsWith('!');
    const v = evaluate(state, rec, neg ? p.slice(1) : p, exprs);
    return neg ? !v : !!v;
  });
}

/** The rules a change fires, with the payload each one sends. */
export function firedRules(state: SandboxState, c: Change): Array<{ rule: Rec; call: RuleCall; payload: Record<string, unknown> }> {
  const out = [];
  for (const rule of state.all('AutomationRule')) {
    if (rule.disabled || rule.ownerType !== c.record.type || rule.ownerId !== c.record.id) continue;
    const exprs = new Map(((rule.expressions as Named) ?? []).map((x) => [x.name, x.value]));
    if (!fires(rule, c) || !holds(state, rule, c.record, exprs)) continue;
    for (const action of (rule.actions as Named) ?? []) {
      const call = parseAction(String(action.value));
      if (!call) continue;
      const payload: Record<string, unknown> = {};
      for (const n of call.names) payload[n] = evaluate(state, c.record, n, exprs);
      out.push({ rule, call, payload });
    }
  }
  return out;
}
