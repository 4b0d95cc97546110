/**
 * The trigger interface from the outside, on every dialect over real HTTP: `POST /hooks/{token}`
 * is answered by the catalog entry of the token owner's trigger type (the server knows none), and
 * a recipe's stop runs its trigger's `stop` in the stop's own transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from '../../test/dialects.js';
import { testRuntime, type TestRuntime } from '../../test/runtime-helpers.js';
import { buildApp } from '../server/app.js';
import type { CatalogTrigger } from '../catalog/types.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`trigger interface on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let base: string;
    let webhook: CatalogTrigger;
    const stops: string[] = [];
    let stopFails = false;
    let answer: 'real' | 'custom' | 'gone' = 'real';

    const post = async (url: string, body: object) => {
      const r = await fetch(url.replace(/^.*\/hooks\//, `${base}/hooks/`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() as any };
    };
    const recipe = async (name: string) => (await t.rt.recipes.apply({ name, trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: { ok: true } }] })).trigger_url!;

    beforeAll(async () => {
      t = await testRuntime(dialect, {}, false);
      webhook = t.rt.catalog.trigger('webhook')!;
      // The runtime's own webhook entry, wrapped: what it answers and what stopping does are the test's.
      t.rt.catalog.addTrigger({
        ...webhook,
        async stop(trx, name, now) {
          if (stopFails) throw new Error('stop refused');
          await trx.updateTable('recipes').set({ concurrency: 7 }).where('name', '=', name).execute();
          stops.push(`${name}@${typeof now}`);
        },
        inbound: {
          ...webhook.inbound!,
          async accept(owner, req, deps) {
            if (answer === 'gone') return null;
            if (answer === 'custom') return { code: 201, body: { owner, got: JSON.parse(req.rawBody.toString('utf8')) } };
            return webhook.inbound!.accept(owner, req, deps);
          },
        },
      });
      app = await buildApp(t.rt);
      await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => { await app?.close(); await t?.close(); });

    it('answers a token with what the owner\'s catalog trigger says, and 404 when it finds no owner', async () => {
      const url = await recipe('door');
      answer = 'custom';
      expect(await post(url, { n: 1 })).toEqual({ status: 201, body: { owner: 'door', got: { n: 1 } } });
      answer = 'gone';
      expect(await post(url, { n: 2 })).toMatchObject({ status: 404, body: { error: { code: 'HF_ERR_HOOK_UNKNOWN' } } });
      answer = 'real';
      const real = await post(url, { n: 3 });
      expect(real).toMatchObject({ status: 200, body: { status: 'accepted', job_id: expect.any(String) } });
      expect(t.rt.catalog.endpointTrigger('recipe')?.type).toBe('webhook');
      expect(t.rt.catalog.endpointTrigger('fourme')?.type).toBe('4me.webhook');
      expect(t.rt.catalog.endpointTrigger('alert_source')).toBeUndefined();
      // The API's catalog holds schemas, never the inbound functions.
      expect(t.rt.catalog.toJSON().triggers.some((x) => 'inbound' in (x as object))).toBe(false);
    });

    it('runs the trigger\'s stop once, in the stop\'s transaction, and only when stopping', async () => {
      const url = await recipe('halt');
      stopFails = true;
      await expect(t.rt.recipes.setEnabled('halt', false)).rejects.toThrow('stop refused');
      expect((await t.rt.recipes.summary('halt')).enabled).toBe(true);
      stopFails = false;
      await t.rt.recipes.setEnabled('halt', false);
      await t.rt.recipes.setEnabled('halt', false);
      await t.rt.recipes.setEnabled('halt', true);
      expect(stops).toEqual(['halt@number']);
      const row = await t.rt.store.db.selectFrom('recipes').select('concurrency').where('name', '=', 'halt').executeTakeFirstOrThrow();
      expect(row.concurrency).toBe(7);
      await t.rt.recipes.setEnabled('halt', false);
      // Stopped: the real webhook inbound refuses at once (the endpoint cache was cleared by the stop).
      expect(await post(url, { n: 1 })).toMatchObject({ status: 404, body: { error: { code: 'HF_ERR_HOOK_DISABLED' } } });
    });

    it('ignores a stopped 4me recipe at once, though its connection\'s routes were just read', async () => {
      await t.rt.connections.create({ name: 'acme', type: '4me', config: { account: 'acme', domain: '4me.com' }, secrets: { client_id: 'c', client_secret: 's' } });
      const url = (await t.rt.recipes.apply({ name: 'fm', trigger: { type: '4me.webhook', connection: 'acme', webhook: 601 }, steps: [{ id: 'a', action: 'transform', with: { ok: true } }] })).trigger_url!;
      const d = { webhook_id: 601, account: 'https://acme.4me.com', event: 'task.update', object_id: 1, payload: {} };
      // An unrouted delivery reads (and caches) the routes while the recipe still runs.
      expect(await post(url, { ...d, webhook_id: 699 })).toMatchObject({ status: 200, body: { status: 'ignored', reason: expect.stringContaining('699') } });
      await t.rt.recipes.setEnabled('fm', false);
      expect(await post(url, d)).toMatchObject({ status: 200, body: { status: 'ignored', reason: expect.stringContaining('stopped') } });
    });
  });
}
