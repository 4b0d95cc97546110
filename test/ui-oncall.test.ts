/**
 * The on-call pages in a browser: the Schedules page shows who is on call now and a 7-day
 * timeline, an editor adds an override there and sees it in the timeline and the overrides list;
 * "My notification rules" adds a chat rule and its Test button sends one notification to a local
 * receiver and shows the outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, hasChromium, shot, uiSuite } from './ui-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';

const H = 3_600_000;
/** A datetime-local value in this process's zone (the browser's, on the same machine). */
const local = (t: number) => {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

describe.skipIf(!hasChromium)('web UI: on-call schedules and notification rules', () => {
  const ui = uiSuite();
  let rx: WebhookReceiver;
  beforeAll(async () => {
    rx = await startWebhookReceiver();
  });
  afterAll(async () => {
    await rx?.close();
  });

  it('shows who is on call and the 7-day timeline, and adds an override', async () => {
    for (const u of ['alice', 'bob', 'carol']) await apiCall(ui.server, 'POST', '/users', { username: u, email: `${u}@example.com` });
    const start = new Date(Date.now() - 36 * H).toISOString().slice(0, 16);
    await apiCall(ui.server, 'PUT', '/schedules/primary', { time_zone: 'UTC', layers: [{ name: 'Primary', users: ['alice', 'bob'], handoff: 'daily', start }] });
    const now = await apiCall(ui.server, 'GET', '/schedules/primary/oncall');
    await ui.page.getByRole('link', { name: 'Schedules', exact: true }).click();
    await ui.page.getByRole('heading', { name: 'On-call schedules', level: 1 }).waitFor();
    await ui.page.getByRole('table', { name: 'Schedules' }).getByRole('link', { name: 'primary' }).click();
    await ui.page.getByRole('heading', { name: 'Schedule primary' }).waitFor();
    expect(await ui.page.getByTestId('on-call-now').textContent()).toBe(now.user);
    const shifts = ui.page.getByRole('table', { name: 'Who is on call' }).locator('tbody tr');
    await expect.poll(() => shifts.count(), { timeout: 10_000 }).toBe(8);
    expect(await shifts.first().locator('td').first().textContent()).toBe(now.user);
    await ui.page.getByRole('img', { name: 'Who is on call in primary over the next 7 days' }).locator('.shift').first().waitFor();

    const form = ui.page.getByRole('form', { name: 'Add an override' });
    await form.getByLabel('Person').fill('carol');
    await form.getByLabel('From').fill(local(Date.now() + 2 * H));
    await form.getByLabel('To').fill(local(Date.now() + 5 * H));
    await form.getByLabel('Note').fill('swap with alice');
    await form.getByRole('button', { name: 'Add override' }).click();
    await ui.page.getByRole('list', { name: 'Overrides' }).getByText(/carol: .* \(swap with alice\)/).waitFor();
    await ui.page.getByRole('table', { name: 'Who is on call' }).locator('tr.override[data-shift="carol"]').waitFor();
    await ui.page.getByRole('img', { name: /Who is on call in primary/ }).locator('.shift.override', { hasText: 'carol' }).waitFor();
    const at = new Date(Date.now() + 3 * H).toISOString();
    expect((await apiCall(ui.server, 'GET', `/schedules/primary/oncall?at=${encodeURIComponent(at)}`)).user).toBe('carol');
    await ui.page.getByRole('heading', { name: 'Schedule primary' }).scrollIntoViewIfNeeded();
    await shot(ui.page, 'schedules');

    // The schedule's layers can be loaded into the editor and saved back changed.
    await ui.page.getByRole('button', { name: 'Edit layers of primary' }).click();
    const editor = ui.page.getByRole('form', { name: 'New or changed schedule' });
    expect(await editor.getByLabel('Schedule name').inputValue()).toBe('primary');
    const layers = JSON.parse(await editor.getByLabel(/^Layers/).inputValue());
    expect(layers).toEqual([{ name: 'Primary', users: ['alice', 'bob'], handoff: 'daily', start }]);
    await editor.getByLabel(/^Layers/).fill(JSON.stringify([{ ...layers[0], users: ['bob', 'alice'] }]));
    await editor.getByRole('button', { name: 'Save schedule' }).click();
    await expect.poll(async () => (await apiCall(ui.server, 'GET', '/schedules/primary')).layers[0].users, { timeout: 10_000 }).toEqual(['bob', 'alice']);

    // An unknown person is refused with the server's reason.
    await form.getByLabel('Person').fill('nobody');
    await form.getByLabel('From').fill(local(Date.now() + 2 * H));
    await form.getByLabel('To').fill(local(Date.now() + 5 * H));
    await form.getByRole('button', { name: 'Add override' }).click();
    await ui.page.getByText(/unknown user nobody/).waitFor();
  });

  it('adds a chat notification rule and tests it', async () => {
    await ui.page.getByRole('link', { name: 'My notifications', exact: true }).click();
    await ui.page.getByRole('heading', { name: 'My notification rules', level: 1 }).waitFor();
    await ui.page.getByText('No rules: escalations email you.').waitFor();
    const form = ui.page.getByRole('form', { name: 'New notification rule' });
    await form.getByLabel('Channel').selectOption('chat');
    await form.getByLabel('Delay (minutes)').fill('5');
    await form.getByLabel('URL').fill(rx.url);
    await form.getByLabel('Chat format').selectOption('slack');
    await form.getByLabel('Allow private network addresses').check();
    await form.getByRole('button', { name: 'Add rule' }).click();
    const row = ui.page.getByRole('table', { name: 'Notification rules' }).locator('tr[data-rule="0"]');
    await row.getByText('5 min').waitFor();
    await row.getByRole('button', { name: 'Test rule 1' }).click();
    await expect.poll(async () => ui.page.getByTestId('test-outcome').textContent(), { timeout: 15_000 }).toBe('Rule 1: sent (HTTP 200)');
    expect(rx.requests).toHaveLength(1);
    expect(JSON.parse(rx.requests[0]!.body).text).toContain('[test] HIGH alert #0 (test): Test notification from Hookflow');
    const saved = await apiCall(ui.server, 'GET', '/users/admin/notification-rules');
    expect(saved.rules).toEqual([{ priority: 'high', channel: 'chat', delay_minutes: 5, target: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/\*\*\*/), template: 'slack', private_network: true }]);
    // The page shows where the rule goes, never the URL that lets anyone post.
    expect(await ui.page.content()).not.toContain(rx.url);
    await shot(ui.page, 'notification-rules');

    // A second rule, then the first removed: the page sends the rest back as shown, and the kept
    // rule still reaches its (sealed) URL.
    await form.getByLabel('Channel').selectOption('webhook');
    await form.getByLabel('URL').fill(`${rx.url}/second`);
    await form.getByLabel('Allow private network addresses').check();
    await form.getByRole('button', { name: 'Add rule' }).click();
    await ui.page.getByRole('table', { name: 'Notification rules' }).locator('tr[data-rule="1"]').waitFor();
    await ui.page.getByRole('button', { name: 'Remove rule 1' }).click();
    await expect.poll(() => ui.page.getByRole('table', { name: 'Notification rules' }).locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
    await ui.page.getByRole('button', { name: 'Test rule 1' }).click();
    await expect.poll(() => rx.requests.length, { timeout: 15_000 }).toBe(2);
    await ui.page.getByTestId('test-outcome').getByText('Rule 1: sent (HTTP 200)').waitFor();
    expect(rx.requests.map((r) => r.url)).toEqual(['/hook', '/hook/second']);
    expect(JSON.parse(rx.requests[1]!.body)).toMatchObject({ type: 'alert.notify', test: true, user: 'admin' });
  });
});
