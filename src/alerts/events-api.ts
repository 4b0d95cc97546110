/**
 * @module alerts/events-api
 * The ilert-compatible Events API body checked and turned into an AlertEvent, and the per-key
 * rate limit (ilert: 50 per minute, answered with 429). The key comes as `integrationKey` (ilert's
 * documented name) or `apiKey` (what ilert's Go client sends), or in the path form
 * `/api/v1/events/{eventType}/{key}`. `eventType` is ALERT | ACCEPT | RESOLVE | COMMENT; an
 * `alertKey` over 255 characters is trimmed as ilert does, and `severity` (ilert: 1..5), `labels` and
 * `services` are kept in the alert's custom details. ilert-go writes unset fields as empty
 * strings, so an empty `priority` means none (the source's). The limit is per process: it protects this
 * process's store; several processes behind a balancer each allow the full rate.
 */
import { HookflowError } from '../errors.js';
import { ALERT_KEY_MAX, type AlertEvent, type EventType, type Priority } from './types.js';

export const DEFAULT_RATE_PER_MINUTE = 50;

export const eventsBodySchema = {
  type: 'object',
  properties: {
    integrationKey: { type: 'string', minLength: 1 }, apiKey: { type: 'string', minLength: 1 },
    eventType: { type: 'string', enum: ['ALERT', 'ACCEPT', 'RESOLVE', 'COMMENT'] },
    summary: { type: 'string' }, details: { type: 'string' }, alertKey: { type: 'string' }, priority: { type: 'string', enum: ['HIGH', 'LOW', ''] },
    images: { type: 'array', items: { type: 'object', required: ['src'], properties: { src: { type: 'string' }, href: { type: 'string' }, alt: { type: 'string' } } } },
    links: { type: 'array', items: { type: 'object', required: ['href'], properties: { href: { type: 'string' }, text: { type: 'string' } } } },
    comments: { type: 'array', items: { type: 'object', required: ['content'], properties: { content: { type: 'string', minLength: 1 }, creator: { type: 'string' } } } },
    customDetails: { type: 'object', additionalProperties: true }, routingKey: { type: 'string' },
    severity: { type: 'integer', minimum: 1, maximum: 5 }, labels: { type: 'object', additionalProperties: true }, services: { type: 'array' },
  },
} as const;

export interface EventsBody {
  integrationKey?: string; apiKey?: string; eventType?: EventType; summary?: string; details?: string; alertKey?: string; priority?: Priority | '';
  images?: AlertEvent['images']; links?: AlertEvent['links']; comments?: AlertEvent['comments']; customDetails?: Record<string, unknown>; routingKey?: string;
  severity?: number; labels?: Record<string, unknown>; services?: unknown[];
}

/** The source's key, wherever the sender put it; a missing key or type is a validation error. */
export function eventsKey(b: EventsBody): string {
  const key = b.integrationKey ?? b.apiKey;
  if (!key) throw new HookflowError('HF_ERR_VALIDATION', { reason: "body must have required property 'integrationKey' (or 'apiKey')" });
  if (!b.eventType) throw new HookflowError('HF_ERR_VALIDATION', { reason: "body must have required property 'eventType'" });
  return key;
}

export function eventFromBody(b: EventsBody): AlertEvent {
  const type = b.eventType!;
  const alertKey = b.alertKey ? b.alertKey.slice(0, ALERT_KEY_MAX) : null;
  if (type === 'ALERT' && !b.summary) throw new HookflowError('HF_ERR_ALERT_EVENT', { reason: 'an ALERT event needs a summary' });
  if (type !== 'ALERT' && !alertKey) throw new HookflowError('HF_ERR_ALERT_EVENT', { reason: `an ${type} event needs the alertKey of the alert` });
  if (type === 'COMMENT' && !b.comments?.length) throw new HookflowError('HF_ERR_ALERT_EVENT', { reason: 'a COMMENT event needs comments' });
  const extra = Object.fromEntries(Object.entries({ severity: b.severity, labels: b.labels, services: b.services }).filter(([, v]) => v !== undefined));
  const customDetails = b.customDetails || Object.keys(extra).length ? { ...b.customDetails, ...extra } : null;
  return {
    type, alertKey, summary: b.summary ?? `${type} ${alertKey}`, details: b.details ?? null, priority: b.priority || null,
    images: b.images ?? [], links: b.links ?? [], comments: b.comments ?? [], customDetails, record: null, dedupKey: null, actor: 'events-api',
    data: { eventType: type, alertKey, summary: b.summary, details: b.details, priority: b.priority, customDetails },
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
