/**
 * @module store/installation
 * This store's installation id (made once by migration 0012, kept in `settings`). It tells two
 * Hookflow databases apart wherever their ids would otherwise collide, such as the keys of alerts
 * forwarded to the same ilert or PagerDuty account. It never changes, so it is read once per store.
 */
import type { Store } from './types.js';

const cache = new WeakMap<Store, Promise<string>>();

export function installationId(store: Store): Promise<string> {
  let p = cache.get(store);
  if (!p) {
    p = store.db.selectFrom('settings').select('value').where('key', '=', 'installation_id').executeTakeFirstOrThrow().then((r) => r.value);
    p.catch(() => cache.delete(store));
    cache.set(store, p);
  }
  return p;
}
