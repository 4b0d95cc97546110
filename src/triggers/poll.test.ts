import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable } from '../../test/dialects.js';
import { testRuntime, type TestRuntime } from '../../test/runtime-helpers.js';
import { startServer, type TestServer } from '../security/test-helpers.js';
import { Poller } from './poll.js';

// An API of changing records; `?since=` filters by updated_at like most real APIs.
interface Rec { id: number; updated_at: string; title: string }

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`http.poll on ${dialect}`, () => {
    let t: TestRuntime;
    let p: Poller;
    let api: TestServer;
    let records: Rec[] = [];
    let status = 200;
    const seenSince: string[] = [];
    beforeAll(async () => {
      api = await startServer((req, res) => {
        const u = new URL(req.url ?? '/', 'http://x');
        seenSince.push(u.searchParams.get('since') ?? '');
        if (status !== 200) return res.writeHead(status).end('no');
        if (req.headers['x-key'] !== 'k-1234') return res.writeHead(401).end();
        const since = u.searchParams.get('since');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: records.filter((r) => !since || r.updated_at >= since) }));
      });
      // Workers off: the test drives the poller by hand and only counts jobs.
      t = await testRuntime(dialect, {}, false);
      p = new Poller(t.rt.store, t.rt.recipes, t.rt.connections, { workerId: 'test-poller' });
      await t.rt.connections.create({ name: 'api', type: 'http', config: { base_url: api.url, private_network: true, auth: { type: 'header' } }, secrets: { headers: { 'X-Key': 'k-1234' } } });
    });
    afterAll(async () => { await t?.close(); await api?.close(); });

    const poller = () => p;
    const jobs = async (recipe: string) => (await t.rt.store.db.selectFrom('jobs').select(['dedup_key', 'trigger']).where('recipe', '=', recipe).orderBy('number').execute())
      .map((j) => ({ key: j.dedup_key, item: JSON.parse(j.trigger).item as Rec }));
    const state = (recipe: string) => t.rt.store.db.selectFrom('poll_state').selectAll().where('recipe', '=', recipe).executeTakeFirstOrThrow();
    const due = (recipe: string) => t.rt.store.db.updateTable('poll_state').set({ next_poll_at: 0 }).where('recipe', '=', recipe).execute();

    it('turns new and updated items into one job each, with the cursor committed alongside', async () => {
      records = [{ id: 1, updated_at: '2024-01-01T00:00:00Z', title: 'a' }, { id: 2, updated_at: '2024-01-02T00:00:00Z', title: 'b' }, { id: 3, updated_at: '2023-12-01T00:00:00Z', title: 'old' }];
      await t.rt.recipes.apply({
        name: 'poll-items', trigger: {
          type: 'http.poll', connection: 'api', interval_seconds: 60, since: '2023-12-31T00:00:00Z',
          request: { url: '/records', query: { since: '{{ cursor.since }}' } }, items: 'body.data', dedup: { id: 'id', updated_at: 'updated_at' },
        }, steps: [{ id: 's', action: 'transform', with: { id: '{{ trigger.item.id }}' } }],
      });
      expect(await poller().tick()).toBe(2);
      expect((await jobs('poll-items')).map((j) => j.item.id)).toEqual([1, 2]);
      expect(JSON.parse((await state('poll-items')).cursor!)).toEqual({ since: '2024-01-02T00:00:00Z' });
      // Not due yet: nothing happens.
      expect(await poller().tick()).toBe(0);
      // An update to 2 and a new 4; the API still returns 2's old version at the boundary: deduplicated.
      records.push({ id: 4, updated_at: '2024-01-03T00:00:00Z', title: 'd' });
      records[1] = { id: 2, updated_at: '2024-01-04T00:00:00Z', title: 'b2' };
      await due('poll-items');
      expect(await poller().tick()).toBe(2);
      expect((await jobs('poll-items')).map((j) => `${j.item.id}:${j.item.title}`)).toEqual(['1:a', '2:b', '2:b2', '4:d']);
      expect(seenSince.at(-1)).toBe('2024-01-02T00:00:00Z');
      // Polling the same data again creates nothing.
      await due('poll-items');
      expect(await poller().tick()).toBe(0);
    });

    it('backs off after errors and stops the recipe after consecutive auth failures, with an outbox event', async () => {
      await t.rt.connections.create({ name: 'api-revoked', type: 'http', config: { base_url: api.url, private_network: true, auth: { type: 'header' } }, secrets: { headers: { 'X-Key': 'revoked' } } });
      await t.rt.recipes.apply({
        name: 'poll-auth', trigger: {
          type: 'http.poll', connection: 'api-revoked', interval_seconds: 10, request: { url: '/records' }, items: 'body.data', dedup: { id: 'id' }, auth_failures_to_stop: 2,
        }, steps: [{ id: 's', action: 'transform' }],
      });
      // Only this recipe is due in this test.
      await t.rt.recipes.setEnabled('poll-items', false);
      status = 503;
      const t0 = Date.now();
      await poller().tick(t0);
      let s = await state('poll-auth');
      expect(s).toMatchObject({ failures: 1, auth_failures: 0 });
      expect(Number(s.next_poll_at)).toBe(t0 + 20_000);
      expect(JSON.parse(s.last_error!).code).toBe('HF_ERR_HTTP_STATUS');
      status = 200;
      await due('poll-auth');
      await poller().tick();
      s = await state('poll-auth');
      expect(s, JSON.stringify(s)).toMatchObject({ failures: 2, auth_failures: 1 });
      expect((await t.rt.recipes.summary('poll-auth')).enabled).toBe(true);
      await due('poll-auth');
      await poller().tick();
      expect((await t.rt.recipes.summary('poll-auth')).enabled).toBe(false);
      const ev = await t.rt.store.db.selectFrom('outbox').select(['type']).where('recipe', '=', 'poll-auth').execute();
      expect(ev.map((e) => e.type)).toContain('recipe.stopped');
    });

    it('leases a recipe to one poller at a time', async () => {
      await t.rt.recipes.setEnabled('poll-items', true);
      await due('poll-items');
      await t.rt.store.db.updateTable('poll_state').set({ lease_owner: 'other-process', lease_until: Date.now() + 60_000 }).where('recipe', '=', 'poll-items').execute();
      records.push({ id: 5, updated_at: '2024-02-01T00:00:00Z', title: 'e' });
      expect(await poller().tick()).toBe(0);
      await t.rt.store.db.updateTable('poll_state').set({ lease_until: Date.now() - 1 }).where('recipe', '=', 'poll-items').execute();
      expect(await poller().tick()).toBe(1);
    });
  });
}
