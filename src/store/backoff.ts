/**
 * @module store/backoff
 * Capped exponential backoff with jitter for loops that meet an unreachable store: fast enough
 * to be back within a second or two of the database, slow enough not to flood its log (or ours).
 */
export class Backoff {
  #failures = 0;
  #until = 0;

  constructor(private readonly baseMs = 250, private readonly capMs = 5_000) {}

  /** The delay before the next try; grows 250 ms, 500 ms, 1 s, … up to the cap. */
  next(): number {
    const ms = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.#failures, 20));
    this.#failures++;
    const out = Math.round(Math.min(this.capMs, ms * (0.75 + Math.random() * 0.5)));
    this.#until = Date.now() + out;
    return out;
  }

  /** For loops driven by an interval: false while the last failure's delay has not passed. */
  ready(): boolean {
    return Date.now() >= this.#until;
  }

  reset(): void {
    this.#failures = 0;
    this.#until = 0;
  }

  get failing(): boolean {
    return this.#failures > 0;
  }
}
