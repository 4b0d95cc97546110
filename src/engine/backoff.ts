/**
 * @module engine/backoff
 * Delay before a step's next attempt: exponential with full jitter (AWS's analysis shows it
 * spreads retry storms best), or fixed; a server's Retry-After wins when it asks for longer.
 */
import type { RetryPolicy } from '../recipes/types.js';

export function retryDelayMs(policy: RetryPolicy | undefined, attempt: number, retryAfterSeconds?: number, rand = Math.random): number {
  const base = policy?.delay_ms ?? 1000;
  const cap = policy?.max_delay_ms ?? 300_000;
  const planned = policy?.backoff === 'fixed'
    ? base
    : Math.min(cap, base * 2 ** Math.max(0, attempt - 1)) * (0.5 + rand() / 2);
  const asked = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : 0;
  // Retry-After is honoured up to an hour; beyond that a step should fail and say why.
  return Math.round(Math.max(planned, Math.min(asked, 3_600_000)));
}
