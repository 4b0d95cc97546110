/**
 * A new user's whole path through the builder, in Debian's chromium, without typing YAML: a
 * webhook recipe whose first step is an http.request picked by search with its connection from
 * the dropdown; Save keeps a draft, Publish makes it live; a captured sample feeds an `if` whose
 * condition is a datapill and a `foreach` over a list of the sample whose body uses `item`; the
 * second version is published, an event runs it against a real local receiver, the job page shows
 * its path through the flow diagram, the jobs search finds it by a trigger value, and a viewer sees
 * the recipe with no edit controls.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, hasChromium, postEvent, shot, signIn, uiSuite, viewerPage } from './ui-harness.js';

describe.skipIf(!hasChromium)('builder scenario', () => {
  const ui = uiSuite({ viewport: { width: 1280, height: 1000 }, signIn: false });
  let receiver: http.Server;
  const received: Array<{ method: string; url: string }> = [];
  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      received.push({ method: req.method!, url: req.url! });
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    await apiCall(ui.server, 'POST', '/connections', { name: 'shop', type: 'http', config: { base_url: `http://127.0.0.1:${port}`, private_network: ['127.0.0.1/32'] } });
    await signIn(ui.page, ui.server);
  });
  afterAll(async () => {
    await new Promise((r) => receiver?.close(r));
  });

  const step = (path: string) => ui.page.locator(`li[data-step-path="${path}"]`);
  const facts = () => ui.page.locator('.facts');
  const valid = () => ui.page.getByText('The recipe is valid.').waitFor();
  /** Opens a field's datapill popover, searches, and inserts the option whose expression is `expr`. */
  const pill = async (field: string, search: string, expr: string, sample?: string) => {
    await ui.page.getByRole('button', { name: `Insert datapill into ${field}` }).click();
    const dialog = ui.page.getByRole('dialog', { name: `Datapills for ${field}` });
    await dialog.getByRole('combobox', { name: 'Search datapills' }).fill(search);
    const option = dialog.getByRole('option', { name: new RegExp(`^${expr.replace(/[.[\]]/g, '\\$&')}\\b`) }).first();
    if (sample !== undefined) await expect(option.locator('.pill-sample').textContent()).resolves.toBe(sample);
    await option.click();
    await dialog.waitFor({ state: 'detached' });
  };

  it('builds, saves a draft, publishes, captures a sample, adds an if and a foreach from it, and runs along the flow', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/new`);
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    await ui.page.getByLabel('Name', { exact: true }).fill('orders');
    // The template's first step becomes an http.request, found by search; its connection from the dropdown.
    await ui.page.getByLabel('Search actions for first', { exact: true }).fill('http request');
    await ui.page.getByLabel('Search actions for first', { exact: true }).press('Enter');
    const conn = step('steps.0').getByLabel('Connection', { exact: true });
    await expect.poll(() => conn.locator('option').allTextContents()).toContain('shop (http)');
    await conn.selectOption('shop');
    await step('steps.0').getByLabel('first url', { exact: true }).fill('/orders');
    await valid();
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.page.getByRole('heading', { name: 'Recipe orders' }).waitFor();
    await facts().getByText('Never published').waitFor();
    await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await facts().getByText('Published v1').waitFor();

    // A sample from the next real event.
    await ui.page.getByRole('button', { name: 'Capture sample' }).click();
    await ui.page.getByRole('button', { name: 'Waiting for the next event…' }).waitFor();
    const { trigger_url: url } = await apiCall(ui.server, 'GET', '/recipes/orders');
    const first = await postEvent(url, { ref: 'ORD-1000', priority: 'high', items: [{ sku: 'A-1' }, { sku: 'B-2' }] });
    expect(first.status).toBe(200);
    await ui.page.getByText(/Sample captured/).waitFor({ timeout: 15_000 });

    // An if whose condition is a datapill from the sample; a then step.
    await ui.page.getByLabel('Kind of step to add', { exact: true }).selectOption('if');
    await ui.page.getByRole('button', { name: 'Add step', exact: true }).click();
    await pill('if_1 condition', 'priority', 'trigger.body.priority', 'high');
    const cond = step('steps.1').getByLabel('if_1 condition', { exact: true });
    await expect(cond.inputValue()).resolves.toBe('{{ trigger.body.priority }}');
    await cond.fill('{{ trigger.body.priority = "high" }}');
    await ui.page.getByRole('button', { name: 'Add step to then of if_1' }).click();
    const urgent = step('steps.1.then.0');
    const urgentId = await urgent.getAttribute('data-step-id') ?? (await urgent.getByLabel('Step id', { exact: true }).first().inputValue());
    await urgent.getByLabel(`${urgentId} value`, { exact: true }).fill('urgent');
    await ui.page.getByRole('button', { name: 'Add step to else of if_1' }).click();
    const normalId = await step('steps.1.else.0').getByLabel('Step id', { exact: true }).first().inputValue();
    await step('steps.1.else.0').getByLabel(`${normalId} value`, { exact: true }).fill('normal');

    // A foreach over the sample's list, its body using the loop item's field.
    await ui.page.getByLabel('Kind of step to add', { exact: true }).selectOption('foreach');
    await ui.page.getByRole('button', { name: 'Add step', exact: true }).click();
    await pill('foreach_1 items', 'items', 'trigger.body.items');
    await ui.page.getByRole('button', { name: 'Add step to each item of foreach_1' }).click();
    const bodyId = await step('steps.2.steps.0').getByLabel('Step id', { exact: true }).first().inputValue();
    await pill(`${bodyId} value`, 'sku', 'item.sku', 'A-1');
    // The README's picture of the builder: the step tree with a datapill popover open on the loop body.
    await ui.page.getByRole('button', { name: `Insert datapill into ${bodyId} value` }).click();
    const open = ui.page.getByRole('dialog', { name: `Datapills for ${bodyId} value` });
    await open.waitFor();
    await open.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot(ui.page, 'recipe-builder');
    await ui.page.keyboard.press('Escape');

    await valid();
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await facts().getByText(/Draft \(unpublished changes, saved .+\)/).waitFor();
    await facts().getByText('Published v1').waitFor();
    // The draft does not run: an event now still runs v1 (one step).
    const v1 = await (await postEvent(url, { ref: 'ORD-1001', priority: 'low', items: [] })).json();
    await expect.poll(async () => (await apiCall(ui.server, 'GET', `/jobs/${v1.job_id}`)).status, { timeout: 15_000 }).toBe('succeeded');
    const v1job = await apiCall(ui.server, 'GET', `/jobs/${v1.job_id}`);
    expect([v1job.recipe_version, v1job.steps.map((s: { id: string }) => s.id)]).toEqual([1, ['first']]);

    await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await facts().getByText('Published v2').waitFor();
    const stored = await apiCall(ui.server, 'GET', '/recipes/orders');
    expect(stored.definition).toEqual({
      name: 'orders',
      trigger: { type: 'webhook' },
      steps: [
        { id: 'first', action: 'http.request', connection: 'shop', with: { url: '/orders' } },
        { id: 'if_1', action: 'if', with: { condition: '{{ trigger.body.priority = "high" }}' },
          then: [{ id: urgentId, action: 'transform', with: { value: 'urgent' } }],
          else: [{ id: normalId, action: 'transform', with: { value: 'normal' } }] },
        { id: 'foreach_1', action: 'foreach', with: { items: '{{ trigger.body.items }}' }, steps: [{ id: bodyId, action: 'transform', with: { value: '{{ item.sku }}' } }] },
      ],
    });

    // An event runs v2 against the receiver; the job page draws its path.
    const before = received.length;
    const run = await (await postEvent(url, { ref: 'ORD-5151', priority: 'high', items: [{ sku: 'C-3' }, { sku: 'D-4' }, { sku: 'E-5' }] })).json();
    await expect.poll(async () => (await apiCall(ui.server, 'GET', `/jobs/${run.job_id}`)).status, { timeout: 15_000 }).toBe('succeeded');
    expect(received.slice(before)).toEqual([{ method: 'GET', url: '/orders' }]);
    const job = await apiCall(ui.server, 'GET', `/jobs/${run.job_id}`);
    expect(job.steps.find((s: { id: string }) => s.id === 'foreach_1').output).toEqual([{ value: 'C-3' }, { value: 'D-4' }, { value: 'E-5' }]);
    await ui.page.goto(`${ui.server.url}/jobs/${job.number}`);
    const box = (id: string) => ui.page.locator(`.flow [data-flow-step="${id}"]`);
    await expect.poll(() => box(urgentId).getAttribute('data-status')).toBe('succeeded');
    for (const id of ['first', 'if_1', 'foreach_1', bodyId]) await expect(box(id).getAttribute('data-status')).resolves.toBe('succeeded');
    await expect(box(normalId).getAttribute('data-status')).resolves.toBe('not reached');
    await expect(box('foreach_1').locator('title').textContent()).resolves.toContain('3 iterations');

    // The jobs search finds it by a value in its trigger data.
    await ui.page.goto(`${ui.server.url}/jobs`);
    await ui.page.getByLabel('Text in the trigger data').fill('ord-5151');
    await ui.page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => ui.page.getByTestId('jobs-total').textContent()).toBe('1 job');
    await ui.page.locator(`tr[data-job="${job.number}"]`).waitFor();
  });

  it('shows a viewer the built recipe with no edit controls', async () => {
    const vp = await viewerPage(ui, { name: 'scenario viewer' });
    await vp.goto(`${ui.server.url}/recipes/orders`);
    await vp.getByRole('heading', { name: 'Recipe orders' }).waitFor();
    await vp.locator('.facts').getByText('Published v2').waitFor();
    await vp.locator('.flow [data-flow-step="foreach_1"]').waitFor();
    for (const name of [/^Save/, /^Publish$/, /^Delete$/, /^Add step/, /^Remove /, /^Insert datapill/, /^Capture sample/, /^Stop$/]) {
      expect([String(name), await vp.getByRole('button', { name }).count()]).toEqual([String(name), 0]);
    }
    expect(await vp.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    await vp.context().close();
  });
});
