/**
 * Jobs that ran before their insert and committed finished (queue/index.ts, LocalRunner.runInline).
 * Their steps: on SQLite small ones are kept in the job's row (queue/inline-steps.ts) and big ones
 * get rows; the API's job page, a step's value download and the webhook's "when done" answer read
 * either the same way.
 * Their events: while no subscription is enabled, on SQLite a job's final event
 * is not written to the outbox then (queue/sqlite.ts marks the job `event_deferred`), and a replay
 * for a subscription made later still delivers it, built from the job row, the same as an event
 * written at the time; a second replay sends nothing twice. PostgreSQL writes the event at the
 * time, and the replay reads it from the outbox: both answer the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { waitFor } from './runtime-helpers.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';
import { apiSuite } from './helpers/api-suite.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`jobs finished at their insert on ${dialect}`, () => {
    const api = apiSuite(dialect);
    let rx: WebhookReceiver;
    const call = (method: string, url: string, payload?: object) => api.req(method, url.replace(/^\/api\/v1/, ''), payload);
    const db = () => api.rt.store.db;
    beforeAll(async () => { rx = await startWebhookReceiver(); });
    afterAll(async () => { await rx?.close(); });

    it('shows, downloads and answers the steps of such a job whether they are in its row or rows of their own', async () => {
      const put = await call('PUT', '/api/v1/recipes/two', { name: 'two', trigger: { type: 'webhook', response: { mode: 'when_done', timeout_seconds: 5 } }, steps: [
        { id: 'a', action: 'transform', with: { s: '{{ trigger.body.s }}', n: '{{ trigger.body.n }}' } },
        { id: 'b', action: 'transform', with: { doubled: '{{ steps.a.n * 2 }}', s: '{{ steps.a.s }}' } },
      ] });
      expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
      for (const s of ['small "quoted" €', 'x'.repeat(9_000)]) {
        const r = await api.hook(put.body.trigger_url as string, { n: 21, s });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        // The "when done" answer is the last step's output.
        expect(r.body).toMatchObject({ status: 'succeeded', result: { doubled: 42, s } });
        const id = r.body.job_id as string;
        const row = await db().selectFrom('jobs').select('steps').where('id', '=', id).executeTakeFirstOrThrow();
        const rows = await db().selectFrom('job_steps').select('step_id').where('job_id', '=', id).orderBy('seq').execute();
        // Small steps in the row on SQLite; big ones, and every job's on PostgreSQL, as rows.
        const inRow = dialect === 'sqlite' && s.length < 100;
        expect([row.steps !== null, rows.map((x) => x.step_id)]).toEqual(inRow ? [true, []] : [false, ['a', 'b']]);
        const job = (await call('GET', `/api/v1/jobs/${id}`)).body;
        expect(job.steps.map((x: any) => [x.id, x.status, x.attempts, x.input, x.output, x.error, x.idempotency_key, typeof x.started_at, typeof x.finished_at])).toEqual([
          ['a', 'succeeded', 1, { s, n: 21 }, { s, n: 21 }, null, `${id}:a:1`, 'string', 'string'],
          ['b', 'succeeded', 1, { doubled: 42, s }, { doubled: 42, s }, null, `${id}:b:1`, 'string', 'string'],
        ]);
        const dl = await call('GET', `/api/v1/jobs/${id}/steps/b/output`);
        expect(dl.status).toBe(200);
        expect(typeof dl.body === 'string' ? JSON.parse(dl.body) : dl.body).toEqual({ doubled: 42, s });
        expect((await call('GET', `/api/v1/jobs/${id}/steps/c/output`)).body.error.code).toBe('HF_ERR_NOT_FOUND');
      }
    });

    it('delivers the events of jobs finished before the subscription existed, once, with the payload an event of the time has', async () => {
      await call('PUT', '/api/v1/recipes/calc', { name: 'calc', trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: { n: '{{ trigger.body.n }}' } }] });
      const before = Date.now();
      const jobs = await Promise.all([1, 2, 3].map((n) => api.rt.queue.enqueue({ recipe: 'calc', recipe_version: 1, trigger: { body: { n } } })));
      const rows = await db().selectFrom('jobs').select(['id', 'status', 'event_deferred']).where('recipe', '=', 'calc').orderBy('number').execute();
      expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      const outbox = await db().selectFrom('outbox').select('payload').where('type', '=', 'job.succeeded').where('recipe', '=', 'calc').execute();
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
      expect((await db().selectFrom('jobs').select('event_deferred').where('recipe', '=', 'calc').execute()).map((r) => r.event_deferred)).toEqual([null, null, null]);
      expect((await call('POST', `/api/v1/webhooks/${sub.body.id}/replay`, { since: new Date(before - 1000).toISOString() })).body).toEqual({ requeued: 0, created: 0 });
      expect(await db().selectFrom('outbox').select('id').where('type', '=', 'job.succeeded').where('recipe', '=', 'calc').execute()).toHaveLength(3);

      // With the subscription enabled, a new job's event is written as it commits and delivered at once.
      const live = await api.rt.queue.enqueue({ recipe: 'calc', recipe_version: 1, trigger: { body: { n: 4 } } });
      await waitFor(async () => rx.requests.some((r) => JSON.parse(r.body).data?.id === live.id));
      expect((await db().selectFrom('jobs').select('event_deferred').where('id', '=', live.id).executeTakeFirstOrThrow()).event_deferred).toBeNull();
      expect(rx.requests).toHaveLength(4);
    });
  });

  describe.skipIf(!dialectAvailable(dialect))(`a replay of a backlog on ${dialect}`, () => {
    const api = apiSuite(dialect);
    let rx: WebhookReceiver;
    beforeAll(async () => { rx = await startWebhookReceiver(); });
    afterAll(async () => { await rx?.close(); });

    it('delivers a backlog of several batches (500 a step) once each, and a second replay nothing', async () => {
      await api.req('PUT', '/recipes/bulk', { name: 'bulk', trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: { n: '{{ trigger.body.n }}' } }] });
      const before = Date.now();
      const n = 1_100;
      const ids = new Set<string>();
      for (let i = 0; i < n; i += 100) {
        for (const j of await Promise.all(Array.from({ length: 100 }, (_, k) => api.rt.queue.enqueue({ recipe: 'bulk', recipe_version: 1, trigger: { body: { n: i + k } } })))) ids.add(j.id);
      }
      const sub = await api.req('POST', '/webhooks', { event: 'job.succeeded', uri: rx.url, private_network: true, recipe: 'bulk' });
      const replay = () => api.req('POST', `/webhooks/${sub.body.id}/replay`, { since: new Date(before - 1000).toISOString() });
      expect((await replay()).body).toEqual({ requeued: 0, created: n });
      await waitFor(async () => rx.requests.length >= n, 30_000);
      const got = rx.requests.map((r) => JSON.parse(r.body).data.id as string);
      expect(new Set(got)).toEqual(ids);
      expect(got).toHaveLength(n);
      expect((await replay()).body).toEqual({ requeued: 0, created: 0 });
      expect(await api.rt.store.db.selectFrom('jobs').select('id').where('event_deferred', '=', 1).execute()).toEqual([]);
    });
  });
}
