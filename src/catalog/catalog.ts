/**
 * @module catalog/catalog
 * The one registry of actions, trigger types and connection types. Built per runtime (each module
 * adds its entries through its `register(catalog)`), then handed to the engine, the validator, the
 * API and the reference generator. Nothing reads a module-level list, so two runtimes in one test
 * process never share entries.
 */
import { HookflowError } from '../errors.js';
import type { CatalogAction, CatalogConnectionType, CatalogTrigger } from './types.js';

export type Register = (catalog: Catalog) => void;

export class Catalog {
  readonly #actions = new Map<string, CatalogAction>();
  readonly #triggers = new Map<string, CatalogTrigger>();
  readonly #connectionTypes = new Map<string, CatalogConnectionType>();

  /** Adds (or, for tests, replaces) an action. */
  addAction(a: CatalogAction): this {
    this.#actions.set(a.name, a);
    return this;
  }

  addTrigger(t: CatalogTrigger): this {
    this.#triggers.set(t.type, t);
    return this;
  }

  addConnectionType(c: CatalogConnectionType): this {
    this.#connectionTypes.set(c.type, c);
    return this;
  }

  use(...registers: Register[]): this {
    for (const r of registers) r(this);
    return this;
  }

  get actions(): CatalogAction[] {
    return [...this.#actions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get triggers(): CatalogTrigger[] {
    return [...this.#triggers.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  get connectionTypes(): CatalogConnectionType[] {
    return [...this.#connectionTypes.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  action(name: string): CatalogAction | undefined {
    return this.#actions.get(name);
  }

  /** The engine's lookup: an unknown name fails the step (a recipe saved before its action was removed). */
  requireAction(name: string): CatalogAction {
    const a = this.#actions.get(name);
    if (!a) throw new HookflowError('HF_ERR_ACTION_UNKNOWN', { action: name });
    return a;
  }

  trigger(type: string): CatalogTrigger | undefined {
    return this.#triggers.get(type);
  }

  /** The trigger type that answers tokens of an endpoint kind (`recipe`, `fourme`), for `POST /hooks/{token}`. */
  endpointTrigger(endpointKind: string): CatalogTrigger | undefined {
    for (const t of this.#triggers.values()) if (t.inbound?.endpoint === endpointKind) return t;
    return undefined;
  }

  connectionType(type: string): CatalogConnectionType | undefined {
    return this.#connectionTypes.get(type);
  }

  /** The API's view: plain JSON Schema, no functions. */
  toJSON(): { actions: unknown[]; triggers: unknown[]; connection_types: unknown[] } {
    return {
      actions: this.actions.map(({ run: _run, resume: _resume, ...rest }) => rest),
      triggers: this.triggers.map(({ inbound: _inbound, ...rest }) => rest),
      connection_types: this.connectionTypes,
    };
  }
}

/** Edit distance (insert, delete, replace, swap of neighbours), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest known name, when it is close enough to be what was meant (at most a third of it differs). */
export function nearest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = editDistance(name.toLowerCase(), k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best !== undefined && bestD <= Math.max(2, Math.ceil(name.length / 3)) ? best : undefined;
}
