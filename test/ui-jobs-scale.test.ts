/**
 * The jobs page with 100,000 jobs: the API pages by cursor through the indexes, and the browser
 * shows the newest page, loads more and filters without reading the whole table. Latencies are
 * printed (one JSON line each) for the record, never asserted.
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { hasChromium, uiSuite, type Server } from './ui-harness.js';
import { buildApp } from '../src/server/app.js';

const N = 100_000;
const ADMIN = 'hf_test_admin_token';
const STATUSES = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'canceled', 'succeeded'];

describe.skipIf(!hasChromium)('jobs list with 100,000 jobs', () => {
  let t: TestRuntime;
  let app: FastifyInstance;
  let url: string;
  const ui = uiSuite({ start, viewport: { width: 1280, height: 800 }, signIn: false, timeout: 180_000 });

  const timed = async (name: string, path: string) => {
    // The first call warms the route and the page cache; the median of the next five is printed.
    let body: any;
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      body = await (await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
      if (i > 0) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ bench: 'ui.jobs_list', case: name, jobs: N, median_ms: Math.round(times[2]! * 10) / 10, items: body.items?.length }));
    return body;
  };

  async function start(): Promise<Server> {
    t = await testRuntime('sqlite', {}, false);
    await t.rt.users.bootstrapAdmin(ADMIN);
    const now = Date.now() - N * 1000;
    const t0 = performance.now();
    for (let b = 0; b < N; b += 2000) {
      const rows = [];
      for (let i = b; i < Math.min(N, b + 2000); i++) {
        const created = now + i * 1000;
        rows.push({
          id: randomUUID(), recipe: `recipe-${i % 20}`, recipe_version: 1, status: STATUSES[i % 10]!, trigger: '{"body":{}}',
          run_at: created, created_at: created, started_at: created + 5, finished_at: created + 50 + (i % 7) * 10, claims: 1,
        });
      }
      await t.rt.store.db.insertInto('jobs').values(rows).execute();
    }
    console.log(JSON.stringify({ bench: 'ui.jobs_seed', jobs: N, ms: Math.round(performance.now() - t0) }));
    app = await buildApp(t.rt);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const a = app.server.address() as { port: number };
    url = `http://127.0.0.1:${a.port}`;
    return { url, token: ADMIN, stop: async () => { await app?.close(); await t?.close(); } } as Server;
  }

  it('pages the API by cursor with every filter', async () => {
    // Warm-up: the seeding leaves garbage and a cold route; the first requests pay for it.
    for (let i = 0; i < 30; i++) await fetch(`${url}/api/v1/jobs?limit=50${i % 2 ? '&status=failed' : ''}`, { headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => r.arrayBuffer());
    const first = await timed('newest page', '/jobs?limit=50');
    expect(first.items[0].number).toBe(N);
    expect(first.items).toHaveLength(50);
    let cursor = first.next_cursor;
    for (let i = 0; i < 20; i++) cursor = (await (await fetch(`${url}/api/v1/jobs?limit=50&cursor=${cursor}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()).next_cursor;
    const deep = await timed('21st page', `/jobs?limit=50&cursor=${cursor}`);
    expect(deep.items[0].number).toBe(N - 21 * 50);
    const failed = await timed('status=failed', '/jobs?limit=50&status=failed');
    expect(failed.items.every((j: { status: string }) => j.status === 'failed')).toBe(true);
    expect(failed.items).toHaveLength(50);
    const one = await timed('recipe=recipe-7', '/jobs?limit=50&recipe=recipe-7');
    expect(one.items.every((j: { recipe: string }) => j.recipe === 'recipe-7')).toBe(true);
    const both = await timed('recipe=recipe-7&status=failed', '/jobs?limit=50&recipe=recipe-7&status=failed');
    expect(both.items.every((j: { recipe: string; status: string }) => j.recipe === 'recipe-7' && j.status === 'failed')).toBe(true);
    await timed('stats 24h', '/stats?minutes=1440');
  });

  it('shows the newest 50 in the browser, loads 50 more and filters by status', async () => {
    await ui.page.goto(url);
    await ui.page.getByLabel('API token').fill(ADMIN);
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await ui.page.getByRole('link', { name: 'Jobs', exact: true }).click();
    const rows = ui.page.getByRole('table', { name: 'Jobs' }).locator('tbody tr');
    await ui.page.locator(`tr[data-job="${N}"]`).waitFor();
    expect(await rows.count()).toBe(50);
    await ui.page.getByRole('button', { name: 'Load more' }).click();
    await ui.page.locator(`tr[data-job="${N - 99}"]`).waitFor();
    expect(await rows.count()).toBe(100);
    await ui.page.getByLabel('Status').selectOption('failed');
    await ui.page.locator(`tr[data-job="${N - 2}"]`).waitFor();
    expect(await rows.count()).toBe(50);
    expect(await ui.page.getByRole('table', { name: 'Jobs' }).getByText('succeeded').count()).toBe(0);
  });
});
