import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable, openTestStore, type TestStore } from '../../test/dialects.js';
import { SecretBox } from '../security/index.js';
import { dispatchBatch } from './dispatch.js';
import { WebhookService } from './index.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`outbox dispatch on ${dialect}`, () => {
    let ts: TestStore;
    beforeEach(async () => { ts = await openTestStore(dialect); });
    afterEach(async () => { await ts.cleanup(); });

    const emit = (n: number) => ts.store.tx((trx) => trx.insertInto('outbox')
      .values(Array.from({ length: n }, (_, i) => ({ type: 'job.succeeded', recipe: 'r1', payload: JSON.stringify({ id: `j${i}` }), created_at: 1 }))).execute());
    const undispatched = async () => Number((await ts.store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('dispatched_at', 'is', null).executeTakeFirstOrThrow()).n);
    const deliveries = async () => Number((await ts.store.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    it('without subscriptions marks events dispatched in batches and delivers nothing; with one, fans out', async () => {
      await emit(5);
      expect(await dispatchBatch(ts.store, 100, 3)).toBe(3);
      expect(await undispatched()).toBe(2);
      expect(await dispatchBatch(ts.store, 100, 3)).toBe(2);
      expect(await dispatchBatch(ts.store, 100, 3)).toBe(0);
      expect(await deliveries()).toBe(0);
      const svc = new WebhookService(ts.store, new SecretBox(randomBytes(32)), { publicUrl: 'http://hookflow.test', now: () => 100 });
      await svc.create({ event: 'job.*', uri: 'http://127.0.0.1:9/hook', private_network: true });
      await emit(2);
      expect(await dispatchBatch(ts.store, 200, 10)).toBe(2);
      expect(await undispatched()).toBe(0);
      expect(await deliveries()).toBe(2);
    });
  });
}
