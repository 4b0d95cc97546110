/**
 * @module expressions/lane
 * Marks contexts evaluated while a request waits for its answer (a webhook's dedup key), so the
 * expression threads take them before queued job steps. A mark on the context object rather than
 * an AsyncLocalStorage: that would switch on promise hooks for the whole process, and JSONata
 * evaluation is made of promises.
 */
const marked = new WeakSet<object>();

/** The same context, marked as one a request is waiting on. */
export function forAnswer<T extends object>(ctx: T): T {
  marked.add(ctx);
  return ctx;
}

export function answering(ctx: object): boolean {
  return marked.has(ctx);
}
