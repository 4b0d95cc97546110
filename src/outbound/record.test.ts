import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable, openTestStore, type TestStore } from '../../test/dialects.js';
import { SecretBox } from '../security/index.js';
import { claimDeliveries, type DeliveryRow } from './claim.js';
import { dispatchBatch } from './dispatch.js';
import { recordOutcomes, type Outcome } from './record.js';
import { DEFAULT_DISABLE } from './retry.js';
import { WebhookService } from './subscriptions.js';

const RULES = { disable: DEFAULT_DISABLE, failingAfter: 5 };
const T0 = Date.UTC(2030, 0, 1);
const LEASE = 10_000;

const ok = (row: DeliveryRow, at: number): Outcome => ({ row, at, nextAt: null, result: { ok: true, status: 200, response: 'ok', durationMs: 3, error: null, gone: false } });
const fail = (row: DeliveryRow, at: number, nextAt: number): Outcome => ({
  row, at, nextAt, result: { ok: false, status: 503, response: 'busy', durationMs: 4, error: 'HTTP 503', gone: false },
});

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`outbound claim and batched record on ${dialect}`, () => {
    let ts: TestStore;
    let hooks: string[];

    beforeEach(async () => {
      ts = await openTestStore(dialect);
      const svc = new WebhookService(ts.store, new SecretBox(randomBytes(32)), { publicUrl: 'http://hookflow.test', now: () => T0 });
      hooks = [];
      for (let i = 0; i < 2; i++) hooks.push((await svc.create({ event: 'job.*', uri: `http://127.0.0.1:9/${i}`, private_network: true })).webhook.id);
      await ts.store.tx((trx) => trx.insertInto('outbox').values(Array.from({ length: 5 }, (_, n) => ({
        type: 'job.succeeded', recipe: 'r', payload: JSON.stringify({ id: `j${n}` }), created_at: T0,
      }))).execute());
      expect(await dispatchBatch(ts.store, T0)).toBe(5);
    });
    afterEach(async () => ts.cleanup());

    const claim = (worker: string, now: number, limit = 100) =>
      claimDeliveries(ts.store, hooks.map((webhookId) => ({ webhookId, limit, onlyVerify: false })), now, now + LEASE, worker);
    const deliveries = async () => ts.store.db.selectFrom('webhook_deliveries').selectAll().orderBy('id').execute();
    const attemptLog = async () => ts.store.db.selectFrom('webhook_attempts').selectAll().orderBy('id').execute();

    it('claims each due delivery once, per subscription up to its limit, and leases it', async () => {
      const first = await claim('w1', T0, 3);
      expect(first).toHaveLength(6);
      expect(first.every((r) => r.locked_by === 'w1' && Number(r.next_attempt_at) === T0 + LEASE)).toBe(true);
      const rest = await claim('w1', T0 + 1);
      expect(rest).toHaveLength(4);
      expect(new Set([...first, ...rest].map((r) => r.id)).size).toBe(10);
      expect(await claim('w1', T0 + 2)).toHaveLength(0);
      expect((await deliveries()).every((d) => d.locked_by === 'w1' && Number(d.next_attempt_at) === Number([...first, ...rest].find((r) => r.id === d.id)!.next_attempt_at))).toBe(true);
    });

    it('re-delivers after a crash between the attempts and their batched write, and a late write of the old batch is fenced off', async () => {
      const sent = await claim('w1', T0);
      expect(sent).toHaveLength(10);
      // w1 sent all ten and died before its outcome batch was written: nothing is recorded.
      expect(await attemptLog()).toHaveLength(0);
      expect(await claim('w2', T0 + LEASE - 1)).toHaveLength(0);
      const again = await claim('w2', T0 + LEASE);
      expect(again.map((r) => r.id).sort()).toEqual(sent.map((r) => r.id).sort());
      expect(again.every((r) => Number(r.attempts) === 0)).toBe(true);

      // The old batch arrives after all (a stalled, not dead, process): its rows belong to w2 now.
      await recordOutcomes(ts.store, 'w1', sent.map((r) => ok(r, T0 + LEASE + 1)), RULES);
      expect((await deliveries()).every((d) => d.status === 'pending' && d.locked_by === 'w2')).toBe(true);

      const at = T0 + LEASE + 5;
      const [bad, ...good] = again;
      await recordOutcomes(ts.store, 'w2', [fail(bad!, at, at + 60_000), ...good.map((r) => ok(r, at))], RULES);
      const rows = new Map((await deliveries()).map((d) => [d.id, d]));
      expect(rows.get(bad!.id)).toMatchObject({ status: 'pending', attempts: 1, locked_by: null, last_status: 503, last_error: 'HTTP 503' });
      expect(Number(rows.get(bad!.id)!.next_attempt_at)).toBe(at + 60_000);
      for (const r of good) expect(rows.get(r.id)).toMatchObject({ status: 'succeeded', attempts: 1, locked_by: null, last_status: 200, last_error: null });
      // The log keeps every attempt that was written, one row each, in one batch.
      const log = await attemptLog();
      expect(log).toHaveLength(20);
      expect(log.slice(10).map((a) => [a.delivery_id, a.attempt, a.trigger, a.status_code])).toEqual(
        [bad!, ...good].map((r) => [r.id, 1, 'initial', r.id === bad!.id ? 503 : 200]),
      );
      const subs = await ts.store.db.selectFrom('webhooks').select(['id', 'consecutive_failures', 'last_delivery_status', 'last_error']).execute();
      const badSub = subs.find((s) => s.id === bad!.webhook_id)!;
      // Its batch ended with successes: the streak is over, the last error stays for the record.
      expect(badSub).toMatchObject({ consecutive_failures: 0, last_delivery_status: 200, last_error: 'HTTP 503' });
      // The failed one comes due again at its retry time, not before.
      expect(await claim('w2', at + 59_999)).toHaveLength(0);
      expect((await claim('w2', at + 60_000)).map((r) => [r.id, Number(r.attempts)])).toEqual([[bad!.id, 1]]);
    });
  });
}
