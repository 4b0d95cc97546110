/**
 * @module expressions/lane
 * Marks evaluations made while a request waits for its answer (a webhook's dedup key), so the
 * expression threads take them before queued job steps. A context, not a parameter: the mark
 * crosses templates, triggers and services without every signature carrying it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const lane = new AsyncLocalStorage<true>();

export function whileAnswering<T>(fn: () => T): T {
  return lane.run(true, fn);
}

export function answering(): boolean {
  return lane.getStore() === true;
}
