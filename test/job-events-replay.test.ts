/**
 * A job of transforms commits finished while no subscription is enabled: on SQLite its final event
 * is not written to the outbox then (queue/sqlite.ts marks the job `event_deferred`), and a replay
 * for a subscription made later still delivers it, built from the job row, the same as an event
 * written at the time; a second replay sends nothing twice. PostgreSQL writes the event at the
 * time, and the replay reads it from the outbox: both answer the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitFor, type TestRuntime } from './runtime-helpers.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';
import { buildApp } from '../src/server/app.js';

const ADMIN = 'hf_test_admin_token';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`job events replayed from job rows on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let rx: WebhookReceiver;
    const call = async (method: string, url: string, payload?: object) => {
      const r = await app.inject({ method: method as never, url, headers: { authorization: `Bearer ${ADMIN}` }, payload });
      return { status: r.statusCode, body: r.body ? r.json() : null };
    };

    beforeAll(async () => {
      t = await testRuntime(dialect);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
      rx = await startWebhookReceiver();
    });
    afterAll(async () => { await app?.close(); await t?.close(); await rx?.close(); });

    it('delivers the events of jobs finished before the subscription existed, once, with the payload an event of the time has', async () => {
      await call('PUT', '/api/v1/recipes/calc', { name: 'calc', trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: { n: '{{ trigger.body.n }}' } }] });
      const before = Date.now();
      const jobs = await Promise.all([1, 2, 3].map((n) => t.rt.queue.enqueue({ recipe: 'calc', recipe_version: 1, trigger: { body: { n } } })));
      const rows = await t.rt.store.db.selectFrom('jobs').select(['id', 'status', 'event_deferred']).where('recipe', '=', 'calc').orderBy('number').execute();
      expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      const outbox = await t.rt.store.db.selectFrom('outbox').select('payload').where('type', '=', 'job.succeeded').execute();
      if (dialect === 'sqlite') {
        expect(rows.map((r) => r.event_deferred)).toEqual([1, 1, 1]);
        expect(outbox).toEqual([]);
      } else {
        expect(outbox).toHaveLength(3);
      }

      const sub = await call('POST', '/api/v1/webhooks', { event: 'job.succeeded', uri: rx.url, private_network: true, recipe: 'calc' });
      expect(sub.status, JSON.stringify(sub.body)).toBe(201);
      expect((await call('POST', `/api/v1/webhooks/${sub.body.id}/replay`, { since: new Date(before - 1000).toISOString() })).body).toEqual({ requeued: 0, created: 3 });
      await waitFor(async () => rx.requests.length >= 3);
      const got = rx.requests.map((r) => JSON.parse(r.body)).sort((a, b) => a.data.number - b.data.number);
      for (const [i, j] of jobs.entries()) {
        const view = (await call('GET', `/api/v1/jobs/${j.id}`)).body;
        expect(got[i]).toMatchObject({ type: 'job.succeeded' });
        expect(got[i].data).toEqual({
          id: j.id, number: j.number, recipe: 'calc', recipe_version: 1, status: 'succeeded', repeat_of: null, error: null,
          created_at: view.created_at, finished_at: view.finished_at,
        });
      }
      // Written once: the marks are gone and the next replay finds the same three events, already delivered.
      expect((await t.rt.store.db.selectFrom('jobs').select('event_deferred').where('recipe', '=', 'calc').execute()).map((r) => r.event_deferred)).toEqual([null, null, null]);
      expect((await call('POST', `/api/v1/webhooks/${sub.body.id}/replay`, { since: new Date(before - 1000).toISOString() })).body).toEqual({ requeued: 0, created: 0 });
      expect(await t.rt.store.db.selectFrom('outbox').select('id').where('type', '=', 'job.succeeded').execute()).toHaveLength(3);

      // With the subscription enabled, a new job's event is written as it commits and delivered at once.
      const live = await t.rt.queue.enqueue({ recipe: 'calc', recipe_version: 1, trigger: { body: { n: 4 } } });
      await waitFor(async () => rx.requests.some((r) => JSON.parse(r.body).data?.id === live.id));
      expect((await t.rt.store.db.selectFrom('jobs').select('event_deferred').where('id', '=', live.id).executeTakeFirstOrThrow()).event_deferred).toBeNull();
      expect(rx.requests).toHaveLength(4);
    });
  });
}
