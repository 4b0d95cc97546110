/**
 * @module outbound/retry
 * When to try again and when to give up. The schedule is Svix's (5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h after the first attempt) with ±20% jitter so a recovering receiver is not hit by
 * every message at the same second. `Retry-After` is honoured but clamped to [base, 2×base], as
 * Svix does: a receiver can slow us down, not stall a message for a week or pull retries forward.
 */
export const DEFAULT_SCHEDULE_S = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

export interface RetryPolicy {
  scheduleS: readonly number[];
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = { scheduleS: DEFAULT_SCHEDULE_S, jitter: 0.2 };

/**
 * Delay in ms before the next attempt after `attempts` failed ones, or null when the schedule is
 * exhausted. `random` is injectable so tests can pin the jitter.
 */
export function nextDelayMs(attempts: number, policy: RetryPolicy = DEFAULT_RETRY, retryAfterMs?: number, random = Math.random): number | null {
  const base = policy.scheduleS[attempts - 1];
  if (base === undefined) return null;
  const baseMs = base * 1000;
  const jittered = baseMs * (1 + policy.jitter * (2 * random() - 1));
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return Math.round(jittered);
  return Math.round(Math.min(Math.max(retryAfterMs, baseMs), 2 * baseMs));
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; undefined when absent or junk. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export interface DisableRule {
  /** Consecutive failed attempts (default 20, as 4me)… */
  failures: number;
  /** …spanning more than this (default one week, as 4me). */
  spanMs: number;
}

export const DEFAULT_DISABLE: DisableRule = { failures: 20, spanMs: 7 * 86_400_000 };

export function shouldDisable(rule: DisableRule, consecutiveFailures: number, failingSince: number | null, now: number): boolean {
  return consecutiveFailures >= rule.failures && failingSince !== null && now - failingSince > rule.spanMs;
}
