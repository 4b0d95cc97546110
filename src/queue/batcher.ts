/**
 * @module queue/batcher
 * Group commit: items that arrive while a flush is in flight wait and go together in the next
 * one. Under load batches grow by themselves; idle, an item flushes at once. With PostgreSQL
 * this turns one fsync per webhook into one per batch.
 */

export class Batcher<I, O> {
  #pending: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  #inFlight = 0;
  #scheduled = false;
  readonly #flush: (items: I[]) => Promise<O[]>;
  readonly #max: number;
  readonly #parallel: number;

  /** `parallel` flushes may run at once (PostgreSQL has a pool; SQLite serialises anyway). */
  constructor(flush: (items: I[]) => Promise<O[]>, opts: { maxBatch?: number; parallel?: number } = {}) {
    this.#flush = flush;
    this.#max = opts.maxBatch ?? 500;
    this.#parallel = opts.parallel ?? 1;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      // setImmediate, not a microtask: every request that arrived in this event-loop turn joins
      // the batch. With synchronous SQLite a microtask flushed each request alone (49 µs per
      // enqueue measured, against 16 µs each for 50 in one transaction).
      if (this.#inFlight < this.#parallel && !this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => { this.#scheduled = false; void this.#run(); });
      }
    });
  }

  get pending(): number {
    return this.#pending.length;
  }

  async #run(): Promise<void> {
    if (this.#inFlight >= this.#parallel || this.#pending.length === 0) return;
    const batch = this.#pending.splice(0, this.#max);
    this.#inFlight++;
    try {
      const out = await this.#flush(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i] as O));
    } catch (e) {
      batch.forEach((b) => b.reject(e));
    } finally {
      this.#inFlight--;
      if (this.#pending.length > 0) void this.#run();
    }
  }
}
