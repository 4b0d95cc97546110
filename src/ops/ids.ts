/**
 * @module ops/ids
 * WorkflowGen's global IDs: base64 of `<Type>:<id>` (Relay style), e.g. `User:1`, `Request:12`,
 * `Action:12---3` (request 12, its action 3). Wherever an operation takes an ID it also takes
 * the plain number, as WorkflowGen does.
 */
import { HookflowError } from '../errors.js';

export type IdType = 'User' | 'Process' | 'Request' | 'Action';

export function globalId(type: IdType, ...parts: number[]): string {
  return Buffer.from(`${type}:${parts.join('---')}`, 'utf8').toString('base64');
}

const POSITIVE = /^[1-9]\d{0,14}$/;

/** A number, a numeric string, or a base64 global ID of the given type; anything else is HF_ERR_OPS_ID. */
export function parseId(type: Exclude<IdType, 'Action'>, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string') {
    if (POSITIVE.test(value)) return Number(value);
    const m = new RegExp(`^${type}:(\\d+)$`).exec(decode(value));
    if (m && POSITIVE.test(m[1]!)) return Number(m[1]);
  }
  throw new HookflowError('HF_ERR_OPS_ID', { value: shown(value), type });
}

/** `Action:R---A` (or `R---A` as text): the request number and the action's number in it. */
export function parseActionId(value: unknown): { request: number; action: number } {
  if (typeof value === 'string') {
    const m = /^(?:Action:)?(\d+)---(\d+)$/.exec(value) ?? /^Action:(\d+)---(\d+)$/.exec(decode(value));
    if (m && POSITIVE.test(m[1]!) && POSITIVE.test(m[2]!)) return { request: Number(m[1]), action: Number(m[2]) };
  }
  throw new HookflowError('HF_ERR_OPS_ID', { value: shown(value), type: 'Action' });
}

function decode(s: string): string {
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(s)) return '';
  return Buffer.from(s, 'base64').toString('utf8');
}

function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
