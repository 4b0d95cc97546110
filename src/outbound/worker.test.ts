import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { DIALECTS, dialectAvailable, openTestStore, type TestStore } from '../../test/dialects.js';
import { waitFor } from '../../test/runtime-helpers.js';
import { signaturesThatVerify, startSmtpSink, startWebhookReceiver, type SmtpSink, type WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import { SecretBox } from '../security/index.js';
import { DEFAULT_DISABLE, DEFAULT_RETRY, OutboundWorker, WebhookService, smtpMailer } from './index.js';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`outbound delivery on ${dialect}`, () => {
    let ts: TestStore;
    let clock: { t: number };
    let svc: WebhookService;
    let worker: OutboundWorker;
    let rx: WebhookReceiver;
    let smtp: SmtpSink;

    beforeEach(async () => {
      ts = await openTestStore(dialect);
      clock = { t: Date.UTC(2030, 0, 1) };
      const now = () => clock.t;
      const box = new SecretBox(randomBytes(32));
      smtp = await startSmtpSink();
      rx = await startWebhookReceiver();
      svc = new WebhookService(ts.store, box, { publicUrl: 'http://hookflow.test', now });
      worker = new OutboundWorker(
        { store: ts.store, box, log: pino({ level: 'silent' }), now, workerId: 'w1', mailer: smtpMailer(smtp.url, 'hookflow@hookflow.test'), random: () => 0.5 },
        { timeoutMs: 1000, retry: DEFAULT_RETRY, concurrency: 2, pollMs: 10, issuer: 'http://hookflow.test', disable: DEFAULT_DISABLE, failingAfter: 5 },
      );
      svc.notify = () => worker.notify(true);
      worker.start();
    });
    afterEach(async () => {
      await worker.stop(2000);
      await rx.close();
      await smtp.close();
      await ts.cleanup();
    });

    const emit = (type: string, payload: object, recipe: string | null = 'r1') =>
      ts.store.tx((trx) => trx.insertInto('outbox').values({ type, recipe, payload: JSON.stringify(payload), created_at: clock.t }).execute());
    const sub = async (extra: object = {}) => svc.create({ event: 'job.*', uri: rx.url, private_network: true, ...extra });
    const attempts = async (id: string) => (await svc.attempts(id)).reverse();
    const outboxTypes = async () => (await ts.store.db.selectFrom('outbox').select('type').orderBy('id').execute()).map((r) => r.type);

    it('fans out matching events, signed with Standard Webhooks, and logs the attempt', async () => {
      const { webhook, secret } = await sub({ recipe: 'r1' });
      await svc.create({ event: 'recipe.stopped', uri: rx.url, private_network: true });
      await emit('job.succeeded', { id: 'j1', status: 'succeeded' });
      await emit('job.failed', { id: 'j2' }, 'other-recipe');
      await waitFor(async () => rx.requests.length >= 1 && (await attempts(webhook.id)).length >= 1);
      expect(rx.requests).toHaveLength(1);
      const r = rx.requests[0]!;
      expect(signaturesThatVerify(secret, r)).toBe(1);
      expect(String(r.headers['webhook-id'])).toMatch(/^msg_/);
      expect(Number(r.headers['webhook-timestamp'])).toBe(Math.floor(clock.t / 1000));
      expect(JSON.parse(r.body)).toEqual({ type: 'job.succeeded', timestamp: new Date(clock.t).toISOString(), data: { id: 'j1', status: 'succeeded' } });
      const [a] = await attempts(webhook.id);
      expect(a).toMatchObject({ attempt: 1, status_code: 200, error: null, next_attempt_at: null, delivery_id: r.headers['webhook-id'] });
      expect(await svc.show(webhook.id)).toMatchObject({ last_delivery_status: 200, last_delivery_at: new Date(clock.t).toISOString() });
      expect(await ts.store.db.selectFrom('outbox').where('dispatched_at', 'is', null).selectAll().execute()).toHaveLength(0);
    });

    it('retries on the schedule with the same webhook-id, honouring Retry-After within bounds', async () => {
      let n = 0;
      rx.answer = () => (++n === 1 ? { status: 503, headers: { 'retry-after': '3600' } } : n <= 3 ? { status: 500, body: 'x'.repeat(30_000) } : { status: 204 });
      const { webhook, secret } = await sub();
      await emit('job.failed', { id: 'j1' });
      const t0 = clock.t;
      const expectedDelays = [10_000, 300_000, 1_800_000]; // Retry-After 1 h clamped to 2 × 5 s; then 5 min, 30 min
      for (let i = 0; i < 3; i++) {
        await waitFor(async () => (await attempts(webhook.id)).length === i + 1);
        const log = await attempts(webhook.id);
        expect(Date.parse(log[i]!.next_attempt_at!) - Date.parse(log[i]!.at)).toBe(expectedDelays[i]);
        clock.t = Date.parse(log[i]!.next_attempt_at!) - 1;
        worker.notify();
        await new Promise((r) => setTimeout(r, 50));
        expect(rx.requests).toHaveLength(i + 1); // not a millisecond early
        clock.t += 1;
        worker.notify();
      }
      await waitFor(async () => (await attempts(webhook.id)).length === 4);
      const log = await attempts(webhook.id);
      expect(log.map((a) => a.status_code)).toEqual([503, 500, 500, 204]);
      expect(log[1]!.response).toHaveLength(20 * 1024);
      expect(new Set(rx.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
      expect(rx.requests.every((r) => signaturesThatVerify(secret, r) === 1)).toBe(true);
      expect(clock.t - t0).toBe(10_000 + 300_000 + 1_800_000);
      const { items } = await svc.deliveries(webhook.id);
      expect(items[0]).toMatchObject({ status: 'succeeded', attempts: 4, last_status: 204 });
    });

    it('gives up after the last retry and keeps the failure in the log', async () => {
      rx.answer = () => ({ status: 500 });
      const { webhook } = await sub();
      await emit('job.failed', { id: 'j1' });
      for (let i = 1; i <= 8; i++) {
        await waitFor(async () => (await attempts(webhook.id)).length === i);
        const last = (await attempts(webhook.id))[i - 1]!;
        if (last.next_attempt_at) { clock.t = Date.parse(last.next_attempt_at); worker.notify(); }
      }
      expect((await attempts(webhook.id)).map((a) => a.next_attempt_at === null)).toEqual([false, false, false, false, false, false, false, true]);
      expect((await svc.deliveries(webhook.id)).items[0]).toMatchObject({ status: 'failed', attempts: 8 });
    });

    it('disables at once on 410 and emits webhook.disabled with a notice email', async () => {
      rx.answer = () => ({ status: 410 });
      const { webhook } = await sub({ mail_exceptions_to: 'ops@example.com' });
      await emit('job.succeeded', { id: 'j1' });
      await waitFor(async () => (await svc.show(webhook.id)).disabled);
      expect(await svc.show(webhook.id)).toMatchObject({ status: 'disabled', disabled_reason: expect.stringContaining('410'), last_error: 'HTTP 410' });
      expect(await outboxTypes()).toContain('webhook.disabled');
      await waitFor(async () => smtp.messages.length === 1);
      expect(smtp.messages[0]!.to).toEqual(['ops@example.com']);
      expect(smtp.messages[0]!.data).toContain(`Hookflow disabled webhook ${webhook.id}`);
    });

    it('disables after 20 consecutive failures spanning more than a week, then resumes when re-enabled', async () => {
      rx.answer = (r) => (r.url === '/watch' ? { status: 200 } : { status: 500, body: 'down' });
      const { webhook } = await sub({ mail_exceptions_to: ['ops@example.com'] });
      const watcher = await svc.create({ event: 'webhook.*', uri: rx.url.replace('/hook', '/watch'), private_network: true });
      const start = clock.t;
      let events = 0;
      while (!(await svc.show(webhook.id)).disabled) {
        expect(clock.t - start).toBeLessThan(10 * DAY);
        await emit('job.failed', { id: `j${events++}` });
        // Wait for an attempt stamped at this step's time: a late-recorded retry from an earlier step
        // (outcomes are written in batches) must not let the clock move on before this one ran.
        const stepAt = clock.t;
        await waitFor(async () => (await svc.attempts(webhook.id, undefined, 1000)).some((a) => Date.parse(a.at) >= stepAt));
        clock.t += DAY / 2;
        worker.notify();
      }
      const w = await svc.show(webhook.id);
      expect(w.consecutive_failures).toBeGreaterThanOrEqual(20);
      expect(Date.parse(w.last_delivery_at!) - Date.parse(w.failing_since!)).toBeGreaterThan(7 * DAY);
      expect(Date.parse(w.last_delivery_at!) - Date.parse(w.failing_since!)).toBeLessThanOrEqual(7 * DAY + DAY / 2);
      expect(w).toMatchObject({ status: 'disabled', last_error: 'HTTP 500', disabled_reason: expect.stringContaining('consecutive failures') });
      expect((await outboxTypes()).filter((t) => t.startsWith('webhook.'))).toEqual(['webhook.failing', 'webhook.disabled']);
      // Both events reach the subscription that listens to webhook.*, and two notice emails go out.
      await waitFor(async () => rx.requests.filter((r) => r.url === '/watch').length === 2);
      expect(rx.requests.filter((r) => r.url === '/watch').map((r) => JSON.parse(r.body).type)).toEqual(['webhook.failing', 'webhook.disabled']);
      expect(watcher.webhook.status).toBe('active');
      await waitFor(async () => smtp.messages.length === 2);
      // Disabled: new events are not delivered to it.
      const seen = rx.requests.filter((r) => r.url === '/hook').length;
      await emit('job.failed', { id: 'while-disabled' });
      await new Promise((r) => setTimeout(r, 100));
      expect(rx.requests.filter((r) => r.url === '/hook').length).toBe(seen);
      // Re-enabled: the pending deliveries go out now and the streak is cleared.
      rx.answer = () => ({ status: 200 });
      const pending = (await svc.deliveries(webhook.id, { status: 'pending', limit: 500 })).items.length;
      expect(pending).toBeGreaterThan(0);
      await svc.update(webhook.id, { disabled: false });
      await waitFor(async () => (await svc.deliveries(webhook.id, { status: 'pending', limit: 500 })).items.length === 0);
      expect(await svc.show(webhook.id)).toMatchObject({ status: 'active', consecutive_failures: 0, failing_since: null, last_delivery_status: 200 });
      // What it missed while disabled can be replayed (the last loop event may have been dispatched after the disable too).
      expect((await svc.replay(webhook.id, start)).created).toBeGreaterThanOrEqual(1);
      await waitFor(async () => rx.requests.some((r) => r.url === '/hook' && JSON.parse(r.body).data.id === 'while-disabled'));
    });

    it('signs with both secrets for 24 h after a rotation, then only with the new one', async () => {
      const { webhook, secret: oldSecret } = await sub();
      const { secret: newSecret } = await svc.rotateSecret(webhook.id);
      expect(newSecret).not.toBe(oldSecret);
      await emit('job.succeeded', { id: 'a' });
      await waitFor(async () => rx.requests.length === 1);
      const during = rx.requests[0]!;
      expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect([signaturesThatVerify(oldSecret, during), signaturesThatVerify(newSecret, during)]).toEqual([1, 1]);
      clock.t += DAY + 1;
      await emit('job.succeeded', { id: 'b' });
      await waitFor(async () => rx.requests.length === 2);
      const after = rx.requests[1]!;
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect([signaturesThatVerify(oldSecret, after), signaturesThatVerify(newSecret, after)]).toEqual([0, 1]);
      expect(JSON.stringify(await svc.show(webhook.id))).not.toContain(newSecret.slice(6, 20));
    });

    it('keeps a dead endpoint from delaying a healthy one', async () => {
      const dead = await startWebhookReceiver(() => ({ status: 200, hang: true }));
      try {
        const slow = await svc.create({ event: 'job.*', uri: dead.url, private_network: true });
        const { webhook: fast } = await sub();
        for (let i = 0; i < 30; i++) await emit('job.succeeded', { id: `j${i}` });
        await waitFor(async () => rx.requests.length === 30);
        // The dead endpoint's lane holds its cap of 2 requests; nothing of it was recorded yet.
        expect(dead.requests).toHaveLength(2);
        expect(await svc.attempts(slow.webhook.id)).toHaveLength(0);
        await waitFor(async () => (await svc.attempts(fast.id, undefined, 100)).length === 30);
      } finally {
        await dead.close();
      }
    });

    it('holds a verifying subscription until its receiver opens the one-time link', async () => {
      const { webhook } = await sub({ verify: true });
      expect(webhook.status).toBe('pending_verification');
      await emit('job.succeeded', { id: 'before' });
      await waitFor(async () => rx.requests.length === 1);
      const hello = JSON.parse(rx.requests[0]!.body);
      expect(hello).toMatchObject({ type: 'webhook.verify', data: { webhook_id: webhook.id, object_id: webhook.id, payload: { callback: expect.stringMatching(/^http:\/\/hookflow\.test\/webhooks\/verify\//) } } });
      const token = new URL(hello.data.payload.callback).pathname.split('/').pop()!;
      expect(Number(new URL(hello.data.payload.callback).searchParams.get('expires_at'))).toBe(Math.floor((clock.t + DAY) / 1000));
      await waitFor(async () => (await svc.attempts(webhook.id)).length === 1);
      // 'before' is fanned out while the subscription still waits for its receiver (the dispatcher
      // polls: on a loaded machine it may not have run yet when the handshake was answered).
      await waitFor(async () => (await ts.store.db.selectFrom('outbox').select('id').where('dispatched_at', 'is', null).execute()).length === 0);
      expect((await svc.deliveries(webhook.id)).items.map((d) => [d.event_type, d.status])).toEqual([['webhook.verify', 'succeeded']]);
      await svc.confirmVerification(token);
      await expect(svc.confirmVerification(token)).rejects.toMatchObject({ code: 'HF_ERR_WEBHOOK_VERIFY_LINK' });
      expect((await svc.show(webhook.id)).status).toBe('active');
      await emit('job.succeeded', { id: 'after' });
      await waitFor(async () => rx.requests.length === 2);
      expect(JSON.parse(rx.requests[1]!.body).data.id).toBe('after');
      // A link older than 24 h no longer works.
      const again = await sub({ verify: true });
      await waitFor(async () => rx.requests.length === 3);
      const late = new URL(JSON.parse(rx.requests[2]!.body).data.payload.callback).pathname.split('/').pop()!;
      clock.t += DAY + 1;
      await expect(svc.confirmVerification(late)).rejects.toMatchObject({ code: 'HF_ERR_WEBHOOK_VERIFY_LINK' });
      expect((await svc.show(again.webhook.id)).status).toBe('pending_verification');
    });
  });
}
