/**
 * @module server/hooks/resolve
 * The one lookup from an inbound token to its owner: a recipe's webhook trigger, a 4me
 * connection's endpoint, or an alert source. Before this, `/hooks/{token}` asked each owner in
 * turn (up to three queries for an alert source's delivery). Cached briefly: another process may
 * add or remove an endpoint, and a short TTL bounds how long this one serves the old answer.
 */
import type { Store } from '../../store/types.js';

export interface TokenOwner {
  /** `recipe`, `fourme` (a 4me connection) or `alert_source`. */
  kind: string;
  /** The recipe's name, the connection's name or the alert source's id. */
  owner: string;
}

const TTL_MS = 2000;

export class TokenResolver {
  readonly #cache = new Map<string, { until: number; value: Promise<TokenOwner | null> }>();

  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  resolve(token: string): Promise<TokenOwner | null> {
    const hit = this.#cache.get(token);
    if (hit && hit.until > this.now()) return hit.value;
    const value = this.store.db.selectFrom('endpoints').select(['kind', 'owner']).where('token', '=', token).executeTakeFirst()
      .then((r) => (r ? { kind: r.kind, owner: r.owner } : null));
    // A failed lookup (store away) must not be remembered.
    value.catch(() => this.#cache.delete(token));
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(token, { until: this.now() + TTL_MS, value });
    return value;
  }

  /** After a change this process made (recipe applied, source removed): answer from the store again. */
  forget(): void {
    this.#cache.clear();
  }
}
