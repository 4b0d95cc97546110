/**
 * @module outbound/events
 * What a subscription may listen to, and whether an event matches its pattern. Wildcards stop at
 * dot boundaries (`job.*` is every `job.` event, `*` is everything) so `job.*` never matches
 * `jobs.x`. `webhook.verify` and `webhook.test` go to one subscription only and match no pattern.
 */
import { HookflowError } from '../errors.js';

export const EVENTS = [
  'job.succeeded', 'job.failed', 'job.waiting',
  'recipe.stopped', 'recipe.started', 'recipe.deleted', 'recipe.published', 'recipe.renamed',
  'webhook.failing', 'webhook.disabled',
] as const;

/** Families whose members are open-ended (alerts are defined by the alerting module). */
const OPEN_FAMILIES = ['alert.'];
export const DIRECT_EVENTS = new Set(['webhook.verify', 'webhook.test']);
const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_-]*)*(\.\*)?$|^\*$/;

export function assertEventPattern(event: unknown): string {
  if (typeof event !== 'string' || !NAME.test(event)) {
    throw new HookflowError('HF_ERR_WEBHOOK_EVENT', { event: String(event), reason: 'use an event name such as job.failed, a family such as job.*, or *' });
  }
  if (event === '*' || (EVENTS as readonly string[]).includes(event) || OPEN_FAMILIES.some((f) => event.startsWith(f))) return event;
  if (event.endsWith('.*') && EVENTS.some((e) => e.startsWith(event.slice(0, -1)))) return event;
  throw new HookflowError('HF_ERR_WEBHOOK_EVENT', { event, reason: `known events are ${EVENTS.join(', ')}, alert.* and wildcards of them` });
}

export function eventMatches(pattern: string, type: string): boolean {
  if (DIRECT_EVENTS.has(type)) return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
