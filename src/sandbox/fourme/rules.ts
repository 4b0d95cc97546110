/**
 * @module sandbox/fourme/rules
 * Automation rules as 4me runs them, reduced to what task automation needs: a trigger (`on status
 * update`, `on note added`, `on update`, `on update of <field>`), an optional condition
 * (`<field> = <value>`), named expressions, and the action
 * `call webhook '<webhook>' with payload '<names>'`.
 */
import type { Change, Rec, SandboxState } from './state.js';
import { uiPath } from './views.js';

export interface RuleCall { webhook: string; names: string[] }

export function parseAction(actions: string): RuleCall | null {
  const m = /call webhook\s+'([^']+)'(?:\s+with payload\s+'([^']*)')?/i.exec(actions);
  return m ? { webhook: m[1]!, names: (m[2] ?? '').split(/\s+/).filter(Boolean) } : null;
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

function holds(rule: Rec, rec: Rec): boolean {
  const cond = String(rule.condition ?? '').trim();
  if (!cond) return true;
  const m = /^(\w+)\s*(=|!=)\s*'?([^']*)'?$/.exec(cond);
  if (!m) return false;
  const eq = String(rec[m[1]!] ?? '') === m[3]!;
  return m[2] === '=' ? eq : !eq;
}

/** An expression's value: a few paths 4me offers, a quoted literal, or a field. */
export function evaluate(state: SandboxState, rec: Rec, expr: string): unknown {
  const e = expr.trim();
  if (/^'.*'$/.test(e)) return e.slice(1, -1);
  if (e === 'id' || e === 'nodeID') return state.nodeId(rec.type, rec.id);
  if (e === 'url') return `https://${state.account}.${state.domain}/${uiPath(rec.type)}/${rec.id}`;
  if (e === 'notes[last].text' || e === 'note') {
    const notes = state.all('Note').filter((n) => n.ownerType === rec.type && n.ownerId === rec.id);
    return notes.length ? notes[notes.length - 1]!.text : null;
  }
  if (e === 'workflow.id' && rec.workflowId) return state.nodeId('Workflow', Number(rec.workflowId));
  return rec[e] ?? null;
}

/** The rules a change fires, with the payload each one sends. */
export function firedRules(state: SandboxState, c: Change): Array<{ rule: Rec; call: RuleCall; payload: Record<string, unknown> }> {
  const out = [];
  for (const rule of state.all('AutomationRule')) {
    if (rule.disabled || rule.ownerType !== c.record.type || rule.ownerId !== c.record.id) continue;
    if (!fires(rule, c) || !holds(rule, c.record)) continue;
    const call = parseAction(String(rule.actions));
    if (!call) continue;
    const exprs = new Map(((rule.expressions as Array<{ name: string; value: string }>) ?? []).map((x) => [x.name, x.value]));
    const payload: Record<string, unknown> = {};
    for (const n of call.names) payload[n] = evaluate(state, c.record, exprs.get(n) ?? n);
    out.push({ rule, call, payload });
  }
  return out;
}
