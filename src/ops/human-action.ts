/**
 * @module ops/human-action
 * `human.action`: a step that waits for a person. It opens an action (assignee, form, due time)
 * and suspends the job without holding a worker. The operations API or `/api/v1/actions` ends
 * the wait by writing the step's output (the form's values, or a branch: on_cancel,
 * on_exception); at the due time, when the step has on_timeout, the job wakes here and takes it.
 */
import { isStoreUnavailable } from '../store/unavailable.js';
import { Suspend, type ActionContext, type ActionDef, type ActionServices } from '../engine/actions.js';
import { HookflowError } from '../errors.js';
import { actionOfStep, openAction, type ActionRow, type Exception } from './actions.js';
import { globalId } from './ids.js';
import type { DataItem, DataType } from './params.js';

const ROLES = new Set(['process_manager', 'supervisor', 'participant', 'system_access', 'admin']);
const TYPES = new Set(['TEXT', 'NUMERIC', 'DATETIME', 'FILE']);

const bad = (reason: string) => new HookflowError('HF_ERR_VALIDATION', { reason: `human.action: ${reason}` });

type User = Awaited<ReturnType<ActionServices['users']['get']>>;

async function assignee(v: unknown, users: ActionServices['users']): Promise<{ user: User | null; role: string | null }> {
  const spec = typeof v === 'string' ? (v.startsWith('role:') ? { role: v.slice(5) } : { user: v }) : (v ?? {}) as { user?: unknown; role?: unknown };
  if (typeof spec !== 'object') throw bad('assignee must be a username, { user } or { role }');
  const role = spec.role === undefined || spec.role === null ? null : String(spec.role).replace(/-/g, '_');
  if (role !== null && !ROLES.has(role)) throw bad(`unknown role ${role}; use process_manager, supervisor, participant, system_access or admin`);
  let user: User | null = null;
  if (spec.user !== undefined && spec.user !== null && spec.user !== '') {
    user = await (typeof spec.user === 'number' ? users.getById(spec.user) : users.get(String(spec.user))).catch((e: unknown) => {
      // The store being away is not a missing user: the step retries instead of failing for good.
      if (isStoreUnavailable(e)) throw e;
      throw bad(`assignee user ${String(spec.user)} not found`);
    });
  }
  if (!user && !role) throw bad('assignee names no user and no role');
  return { user, role };
}

function form(v: unknown): DataItem[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw bad('form must be a list of fields');
  return v.map((f, i) => {
    const o = (f ?? {}) as Record<string, unknown>;
    const type = String(o.type ?? 'TEXT').toUpperCase();
    if (typeof o.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.name) || !TYPES.has(type)) throw bad(`form field ${i} needs a name and a type TEXT, NUMERIC, DATETIME or FILE`);
    return { name: o.name, type: type as DataType, ...(o.required ? { required: true } : {}) };
  });
}

function due(w: Record<string, unknown>, now: number): number | null {
  if (w.due_seconds !== undefined && w.due_seconds !== null) {
    const s = Number(w.due_seconds);
    if (!Number.isFinite(s) || s < 0) throw bad('due_seconds must be a number ≥ 0');
    return now + s * 1000;
  }
  if (w.due === undefined || w.due === null || w.due === '') return null;
  const t = typeof w.due === 'number' ? w.due : Date.parse(String(w.due));
  if (!Number.isFinite(t)) throw bad(`due ${String(w.due)} is not a time`);
  return t;
}

function exceptions(ctx: ActionContext): Exception[] {
  const s = ctx.step;
  return [...(s.on_timeout ? ['timeout' as const] : []), ...(s.on_cancel ? ['cancel' as const] : []), ...(s.on_exception ? ['exception' as const] : [])];
}

/** What the waiting step shows as its output: the open action. */
function summary(r: ActionRow, assigneeName: string | null) {
  return {
    action: {
      id: globalId('Action', r.job_number, r.number), request_number: r.job_number, number: r.number, activity_name: r.activity_name,
      assignee: assigneeName, assignee_role: r.assignee_role, due_at: r.due_at ? new Date(r.due_at).toISOString() : null,
    },
  };
}

/** When the job wakes while the action is open: past due with on_timeout, time out; otherwise wait on. */
function wakeUntil(r: ActionRow): number | null {
  return r.due_at !== null && (JSON.parse(r.exceptions) as string[]).includes('timeout') ? r.due_at : null;
}

export const humanAction: ActionDef = {
  name: 'human.action',
  async run(input, ctx) {
    const w = (input ?? {}) as Record<string, unknown>;
    const now = ctx.now();
    const who = await assignee(w.assignee, ctx.services.users);
    const fields = form(w.form);
    const dueAt = due(w, now);
    const row = await ctx.store.tx((trx) => openAction(trx, {
      // Inside a loop each iteration's action is its own: keyed by the step's row id.
      job: ctx.job, stepId: ctx.stepKey ?? ctx.step.id, activityName: String(w.activity_name ?? ctx.step.name ?? ctx.step.id),
      assigneeUserId: who.user?.id ?? null, assigneeRole: who.role, form: fields, exceptions: exceptions(ctx),
      instructions: typeof w.instructions === 'string' ? w.instructions : null, dueAt,
    }, now));
    return new Suspend(summary(row, who.user?.username ?? null), wakeUntil(row));
  },
  async resume(state, _input, ctx) {
    const { store } = ctx;
    const row = await actionOfStep(store.db, ctx.job.id, ctx.stepKey ?? ctx.step.id);
    if (!row) throw new HookflowError('HF_ERR_INTERNAL', { reason: `the action of step ${ctx.stepKey ?? ctx.step.id} is missing` });
    const until = wakeUntil(row);
    if (row.status === 'open') {
      if (until === null || ctx.now() < until) return new Suspend(state, until);
      await store.tx(async (trx) => {
        await trx.updateTable('ops_actions').set({ status: 'timed_out', closed_at: ctx.now() }).where('id', '=', row.id).where('status', '=', 'open').execute();
      });
      return timedOut(row);
    }
    if (row.status === 'timed_out') return timedOut(row);
    // Closed by someone whose step result did not land (should not happen: both commit together).
    return { _action: { id: globalId('Action', row.job_number, row.number), number: row.number, outcome: row.status } };
  },
};

function timedOut(r: ActionRow) {
  return { branch: 'on_timeout', _action: { id: globalId('Action', r.job_number, r.number), number: r.number, outcome: 'timed_out', at: new Date(r.due_at ?? Date.now()).toISOString() } };
}
