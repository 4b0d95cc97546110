/**
 * @module outbound/lanes
 * One in-memory lane per endpoint, each with its own concurrency cap and optional rate limit (a
 * token bucket). A dead endpoint fills only its own lane with requests that wait for their
 * timeout; the claimer sees the lane is full and claims for other endpoints, so healthy ones are
 * never queued behind it (no head-of-line blocking across endpoints).
 */
export interface LaneLimits {
  concurrency: number;
  /** Requests per second; null for no limit. */
  ratePerSec: number | null;
}

interface Lane<T> {
  limits: LaneLimits;
  active: number;
  queue: T[];
  tokens: number;
  refilledAt: number;
  timer: NodeJS.Timeout | null;
}

export class Lanes<T> {
  readonly #lanes = new Map<string, Lane<T>>();
  #busy = 0;
  #idle: Array<() => void> = [];

  constructor(private readonly run: (key: string, item: T) => Promise<void>) {}

  /** Items queued or running across all lanes. */
  get busy(): number {
    return this.#busy;
  }

  /**
   * How many more items the lane takes now: room for one more round queued behind the running
   * ones, so a claim refills a lane before it runs dry. A lane that still holds more than one
   * and a half rounds answers 0: topping it up one slot at a time cost a claim statement per
   * finished request, while waiting for half a round loses nothing (the queued half keeps it busy).
   */
  free(key: string, limits: LaneLimits): number {
    const l = this.#lane(key, limits);
    const c = l.limits.concurrency;
    const room = 2 * c - l.active - l.queue.length;
    return room >= Math.ceil(c / 2) ? room : 0;
  }

  push(key: string, item: T, limits: LaneLimits): void {
    const l = this.#lane(key, limits);
    l.queue.push(item);
    this.#busy++;
    this.#pump(key, l);
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    return this.#busy === 0 ? Promise.resolve() : new Promise((r) => this.#idle.push(r));
  }

  #lane(key: string, limits: LaneLimits): Lane<T> {
    let l = this.#lanes.get(key);
    if (!l) this.#lanes.set(key, (l = { limits, active: 0, queue: [], tokens: limits.ratePerSec ?? 0, refilledAt: Date.now(), timer: null }));
    l.limits = limits;
    return l;
  }

  #take(l: Lane<T>): number {
    const rate = l.limits.ratePerSec;
    if (!rate) return 0;
    const now = Date.now();
    l.tokens = Math.min(rate, l.tokens + ((now - l.refilledAt) / 1000) * rate);
    l.refilledAt = now;
    if (l.tokens >= 1) {
      l.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - l.tokens) / rate) * 1000);
  }

  #pump(key: string, l: Lane<T>): void {
    while (l.queue.length && l.active < l.limits.concurrency && !l.timer) {
      const wait = this.#take(l);
      if (wait > 0) {
        l.timer = setTimeout(() => { l.timer = null; this.#pump(key, l); }, wait);
        return;
      }
      const item = l.queue.shift()!;
      l.active++;
      void this.run(key, item).catch(() => undefined).finally(() => {
        l.active--;
        this.#busy--;
        if (l.active === 0 && l.queue.length === 0 && !l.timer) this.#lanes.delete(key);
        else this.#pump(key, l);
        if (this.#busy === 0) for (const r of this.#idle.splice(0)) r();
      });
    }
  }
}
