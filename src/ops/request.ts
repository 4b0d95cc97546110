/**
 * @module ops/request
 * A request is a job: its number is the job number, `Request:N` its id. Requests are found by
 * `number` or `id`; actions by `id` (`Action:R---A`) or `requestNumber` + `actionNumber`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.js';
import type { JobRow } from '../queue/types.js';
import { HookflowError } from '../errors.js';
import { findAction, type ActionRow } from './actions.js';
import { parseActionId, parseId } from './ids.js';

export interface RequestTrigger {
  request?: { number?: number; id?: string; parameters?: Record<string, unknown>; is_test?: boolean };
  user?: { number?: number } | null;
  on_behalf_of?: { number?: number } | null;
}

export interface LoadedRequest {
  job: JobRow;
  trigger: RequestTrigger;
  /** The user who created it and, in delegation mode, the one it was created for. */
  creators: number[];
  actions: ActionRow[];
}

export const FINAL = new Set(['succeeded', 'failed', 'canceled']);

export async function loadRequest(db: Kysely<DB>, input: Record<string, unknown>, operation: string): Promise<LoadedRequest> {
  const ref = input.id ?? input.number ?? input.requestId ?? input.requestNumber;
  if (ref === undefined || ref === null) throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'give the request number or id' });
  return requestByNumber(db, parseId('Request', ref));
}

export async function requestByNumber(db: Kysely<DB>, number: number): Promise<LoadedRequest> {
  const job = (await db.selectFrom('jobs').selectAll().where('number', '=', number).executeTakeFirst()) as JobRow | undefined;
  if (!job) throw new HookflowError('HF_ERR_OPS_REQUEST_UNKNOWN', { request: String(number) });
  const trigger = (JSON.parse(job.trigger) ?? {}) as RequestTrigger;
  const creators = [trigger.user?.number, trigger.on_behalf_of?.number].filter((n): n is number => typeof n === 'number');
  const actions = await db.selectFrom('ops_actions').selectAll().where('job_id', '=', job.id).execute();
  return { job: { ...job, number: Number(job.number) }, trigger, creators, actions: actions.map((a) => ({ ...a, id: Number(a.id), assignee_user_id: a.assignee_user_id === null ? null : Number(a.assignee_user_id) })) };
}

export async function loadAction(db: Kysely<DB>, input: Record<string, unknown>, operation: string): Promise<ActionRow> {
  if (input.id !== undefined && input.id !== null) {
    const { request, action } = parseActionId(input.id);
    return findAction(db, request, action);
  }
  const num = input.actionNumber ?? input.number;
  if (input.requestNumber === undefined || num === undefined) throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'give the action id, or requestNumber and actionNumber' });
  const request = parseId('Request', input.requestNumber);
  const n = typeof num === 'number' || (typeof num === 'string' && /^\d+$/.test(num)) ? Number(num) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new HookflowError('HF_ERR_OPS_ID', { value: String(num), type: 'action number' });
  return findAction(db, request, n);
}
