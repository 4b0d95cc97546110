import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../../../test/dialects.js';
import { testRuntime, type TestRuntime } from '../../../test/runtime-helpers.js';
import { TokenResolver } from './resolve.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`inbound token resolver on ${dialect}`, () => {
    let t: TestRuntime;
    beforeAll(async () => { t = await testRuntime(dialect, {}, false); });
    afterAll(async () => { await t?.close(); });

    it('names each token\'s owner in one lookup: recipe, 4me connection, alert source; unknown is null', async () => {
      const res = await t.rt.recipes.apply({ name: 'hook', trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: {} }] });
      const recipeToken = res.trigger_url!.split('/hooks/')[1]!;
      const now = Date.now();
      await t.rt.store.db.insertInto('endpoints').values([
        { token: 'fourme-token-0123456789', kind: 'fourme', owner: 'wdc', created_at: now },
        { token: 'alert-token-0123456789', kind: 'alert_source', owner: '7', created_at: now },
      ]).execute();
      let clock = 0;
      const r = new TokenResolver(t.rt.store, () => clock);
      expect(await r.resolve(recipeToken)).toEqual({ kind: 'recipe', owner: 'hook' });
      expect(await r.resolve('fourme-token-0123456789')).toEqual({ kind: 'fourme', owner: 'wdc' });
      expect(await r.resolve('alert-token-0123456789')).toEqual({ kind: 'alert_source', owner: '7' });
      expect(await r.resolve('no-such-token')).toBeNull();
      // Removed elsewhere: served from the cache until its TTL, then gone.
      await t.rt.store.db.deleteFrom('endpoints').where('token', '=', 'alert-token-0123456789').execute();
      expect(await r.resolve('alert-token-0123456789')).not.toBeNull();
      clock += 2001;
      expect(await r.resolve('alert-token-0123456789')).toBeNull();
    });
  });
}
