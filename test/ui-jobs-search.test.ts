/**
 * The jobs console in the browser: a search by a trigger value finds its job (and stays in the
 * URL), a JSONata filter narrows, a bad one reads as a sentence, titles show in the list and on
 * the job page with the "Repeat of" link, and "Repeat all N" over 1,000 jobs asks with the count
 * and shows the result without a reload. Viewers get no bulk buttons. Workers are off, so every
 * job stays where the test put it.
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { hasChromium, shot, uiSuite, type Server } from './ui-harness.js';
import { buildApp } from '../src/server/app.js';
import { Api } from './helpers/api.js';

const ADMIN = 'hf_test_admin_token';
const N = 1000;

describe.skipIf(!hasChromium)('jobs search and bulk actions in the browser', () => {
  let t: TestRuntime;
  let app: FastifyInstance;
  let api: Api;
  const ui = uiSuite({ start, timeout: 120_000 });
  const rows = () => ui.page.getByRole('table', { name: 'Jobs' }).locator('tbody tr[data-job]');

  async function start(): Promise<Server> {
    t = await testRuntime('sqlite', {}, false);
    await t.rt.users.bootstrapAdmin(ADMIN);
    app = await buildApp(t.rt);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    api = new Api(url, ADMIN);
    for (const name of ['tickets', 'bulk']) {
      await api.putRecipe({ name, title: 'Ticket {{ trigger.body.ref }}', trigger: { type: 'webhook' }, steps: [{ id: 'x', action: 'transform', with: {} }] });
    }
    // Many jobs fast: straight into the store, as a sender's events would leave them.
    const now = Date.now() - N * 1000;
    const bulk = Array.from({ length: N }, (_, i) => ({
      id: randomUUID(), recipe: 'bulk', recipe_version: 1, status: 'failed', trigger: JSON.stringify({ body: { ref: `B-${i}`, amount: i } }),
      run_at: now + i, created_at: now + i, finished_at: now + i + 5, claims: 1, title: `Ticket B-${i}`,
    }));
    for (let i = 0; i < N; i += 250) await t.rt.store.db.insertInto('jobs').values(bulk.slice(i, i + 250)).execute();
    for (const [ref, amount] of [['INC-7731', 40], ['INC-8800', 900], ['REQ-1200', 5]] as const) {
      await t.rt.queue.enqueue({ recipe: 'tickets', recipe_version: 1, trigger: { body: { ref, amount, note: `Printer on floor ${amount}` } }, title: `Ticket ${ref}` });
    }
    return { url, token: ADMIN, stop: async () => { await app?.close(); await t?.close(); } } as Server;
  }

  it('finds a job by a value in its trigger data, keeps the search in the URL and shows titles', async () => {
    await ui.page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toContain('1,003 jobs');
    await ui.page.getByLabel('Text in the trigger data').fill('inc-8800');
    await ui.page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('1 job');
    expect(await rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('Ticket INC-8800');
    expect(new URL(ui.page.url()).searchParams.get('q')).toBe('inc-8800');

    // The URL alone brings the same search back.
    await ui.page.reload();
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('1 job');
    expect(await ui.page.getByLabel('Text in the trigger data').inputValue()).toBe('inc-8800');

    await ui.page.getByRole('button', { name: 'Clear' }).click();
    await ui.page.getByLabel('JSONata filter').fill('trigger.body.amount >= 40 and $contains(trigger.body.ref, "INC")');
    await ui.page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toContain('2 jobs among');
    expect(await rows().count()).toBe(2);

    // Several statuses and a time range, each in the URL too.
    await ui.page.getByRole('button', { name: 'Clear' }).click();
    await ui.page.getByLabel('Status').selectOption(['failed', 'canceled']);
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('1,000 jobs');
    expect(new URL(ui.page.url()).searchParams.get('status')).toBe('failed,canceled');
    await ui.page.getByLabel('From').fill('2999-01-01T00:00');
    await ui.page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('0 jobs');
    await ui.page.getByText('No jobs match this search.').waitFor();
    await ui.page.getByLabel('From').fill('');
    await ui.page.getByLabel('To').fill('2999-01-01T00:00');
    await ui.page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('1,000 jobs');

    await ui.page.getByLabel('JSONata filter').fill('trigger.body.amount >');
    await ui.page.getByRole('button', { name: 'Search' }).click();
    const err = ui.page.getByTestId('form-error');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/does not compile/);
    expect(await err.textContent()).not.toContain('{"');
  });

  it('repeats all 1,000 matching jobs after a confirmation naming the count, and shows the result in place', async () => {
    await ui.page.goto(`${ui.server.url}/jobs?recipe=bulk&status=failed`);
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('1,000 jobs');
    let asked = '';
    ui.page.once('dialog', (d) => { asked = d.message(); void d.accept(); });
    await ui.page.getByRole('button', { name: 'Repeat all 1,000' }).click();
    const result = ui.page.locator('p[role="status"].ok');
    await result.waitFor();
    expect(asked).toContain('Repeat 1,000 jobs?');
    expect(await result.textContent()).toBe('1,000 jobs matched: 1,000 repeated, 0 skipped.');
    await shot(ui.page, 'jobs-search');
    expect((await api.call('GET', '/api/v1/jobs?recipe=bulk&limit=1')).body.total).toBe(2000);
    // Without a reload, the list (still failed only) shows the same thousand.
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('1,000 jobs');

    // A repeat's page links its original, whose page lists the repeat.
    const newest = (await api.call('GET', '/api/v1/jobs?recipe=bulk&status=queued&limit=1')).body.items[0];
    await ui.page.goto(`${ui.server.url}/jobs/${newest.number}`);
    await ui.page.getByText(/^Repeat of/).waitFor();
    expect(await ui.page.getByTestId('job-title').textContent()).toBe(newest.title);
    await ui.page.getByRole('link', { name: /^job #\d+$/ }).click();
    await ui.page.getByText(/^Repeated as/).waitFor();
    expect(await ui.page.getByText(/^Repeated as/).textContent()).toContain(`#${newest.number}`);
  });

  it('refuses a bulk cancel when the count moved, then cancels after a second look', async () => {
    await ui.page.goto(`${ui.server.url}/jobs?recipe=bulk&status=queued`);
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('1,000 jobs');
    // Another job joins the set between looking and acting.
    await t.rt.queue.enqueue({ recipe: 'bulk', recipe_version: 1, trigger: { body: { ref: 'late' } } });
    ui.page.once('dialog', (d) => void d.accept());
    await ui.page.getByRole('button', { name: 'Cancel all 1,000' }).click();
    const err = ui.page.getByTestId('form-error');
    await err.waitFor();
    expect(await err.textContent()).toContain('1001 jobs match the filter now, not the 1000 you were shown');
    await ui.page.getByRole('button', { name: 'Cancel all 1,001' }).waitFor();
    let asked = '';
    ui.page.once('dialog', (d) => { asked = d.message(); void d.accept(); });
    await ui.page.getByRole('button', { name: 'Cancel all 1,001' }).click();
    await ui.page.locator('p[role="status"].ok').waitFor();
    expect(asked).toContain('Cancel 1,001 jobs?');
    expect(await ui.page.locator('p[role="status"].ok').textContent()).toBe('1,001 jobs matched: 1,001 canceled, 0 skipped.');
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('0 jobs');
  });

  it('shows viewers the search and the total but no bulk buttons', async () => {
    const tok = await api.call('POST', '/api/v1/tokens', { username: 'admin', role: 'viewer' });
    expect(tok.status).toBe(201);
    const viewer = await ui.newPage(tok.body.token as string, {});
    await viewer.goto(`${ui.server.url}/jobs?recipe=bulk`);
    await expect.poll(() => viewer.getByTestId('jobs-total').textContent()).toBe('2,001 jobs');
    expect(await viewer.getByRole('button', { name: /^Repeat all/ }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /^Cancel all/ }).count()).toBe(0);
    expect(await viewer.getByLabel('Text in the trigger data').count()).toBe(1);
  });
});
