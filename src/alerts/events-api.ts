/**
 * @module alerts/events-api
 * The ilert-compatible Events API body (`integrationKey`, `eventType` ALERT | ACCEPT | RESOLVE,
 * `summary`, `details`, `alertKey`, `priority` HIGH | LOW, `images`, `links`, `customDetails`,
 * `routingKey`) checked and turned into an AlertEvent, and the per-key rate limit (ilert: 50 per
 * minute, answered with 429). The limit is per process: it protects this process's store, which
 * is what it is for; several processes behind a balancer each allow the full rate.
 */
import { HookflowError } from '../errors.js';
import type { AlertEvent, EventType, Priority } from './types.js';

export const DEFAULT_RATE_PER_MINUTE = 50;

export const eventsBodySchema = {
  type: 'object', required: ['integrationKey', 'eventType'],
  properties: {
    integrationKey: { type: 'string', minLength: 1 }, eventType: { type: 'string', enum: ['ALERT', 'ACCEPT', 'RESOLVE'] },
    summary: { type: 'string' }, details: { type: 'string' }, alertKey: { type: 'string', maxLength: 255 }, priority: { type: 'string', enum: ['HIGH', 'LOW'] },
    images: { type: 'array', items: { type: 'object', required: ['src'], properties: { src: { type: 'string' }, href: { type: 'string' }, alt: { type: 'string' } } } },
    links: { type: 'array', items: { type: 'object', required: ['href'], properties: { href: { type: 'string' }, text: { type: 'string' } } } },
    customDetails: { type: 'object', additionalProperties: true }, routingKey: { type: 'string' },
  },
} as const;

export interface EventsBody {
  integrationKey: string; eventType: EventType; summary?: string; details?: string; alertKey?: string; priority?: Priority;
  images?: AlertEvent['images']; links?: AlertEvent['links']; customDetails?: Record<string, unknown>; routingKey?: string;
}

export function eventFromBody(b: EventsBody): AlertEvent {
  if (b.eventType === 'ALERT' && !b.summary) throw new HookflowError('HF_ERR_ALERT_EVENT', { reason: 'an ALERT event needs a summary' });
  if (b.eventType !== 'ALERT' && !b.alertKey) throw new HookflowError('HF_ERR_ALERT_EVENT', { reason: `an ${b.eventType} event needs the alertKey of the alert` });
  return {
    type: b.eventType, alertKey: b.alertKey ?? null, summary: b.summary ?? `${b.eventType} ${b.alertKey}`, details: b.details ?? null, priority: b.priority ?? null,
    images: b.images ?? [], links: b.links ?? [], customDetails: b.customDetails ?? null, record: null, dedupKey: null, actor: 'events-api',
    data: { eventType: b.eventType, alertKey: b.alertKey, summary: b.summary, details: b.details, priority: b.priority, customDetails: b.customDetails },
  };
}

/** Fixed one-minute windows per key hash. */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  take(key: string, limit: number, now: number): { ok: true } | { ok: false; retryAfterS: number } {
    let w = this.#windows.get(key);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size > 10_000) for (const [k, v] of this.#windows) if (now - v.start >= 60_000) this.#windows.delete(k);
    }
    if (w.count >= limit) return { ok: false, retryAfterS: Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000)) };
    w.count++;
    return { ok: true };
  }
}
