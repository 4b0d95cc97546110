/**
 * The alert lifecycle in the browser: an alert's panel with accept, un-accept, snooze until,
 * reassign, resolve and reopen, each change showing in the alert's log; and under a source its
 * maintenance windows (one planned here absorbs an event) and heartbeats (the ping URL shown
 * once, and working without a token).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiCall, hasChromium, postEvent, shot, uiSuite } from './ui-harness.js';

describe.skipIf(!hasChromium)('web UI: alert lifecycle, maintenance windows and heartbeats', () => {
  const ui = uiSuite();
  let key = '';
  beforeAll(async () => {
    await apiCall(ui.server, 'PUT', '/escalation-policies/oncall', { levels: [{ timeout_minutes: 5, targets: [{ type: 'user', username: 'admin' }] }] });
    key = (await apiCall(ui.server, 'PUT', '/alert-sources/grafana', { kind: 'events', escalation_policy: 'oncall' })).integration_key;
  });

  const send = (summary: string, alertKey: string) => postEvent(`${ui.server.url}/api/events`, { integrationKey: key, eventType: 'ALERT', summary, alertKey });

  it('accepts, un-accepts, snoozes, reassigns, resolves and reopens an alert, with its log', async () => {
    expect((await send('API latency high', 'latency')).status).toBe(202);
    await ui.page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await ui.page.locator('tr[data-alert="latency"]').getByRole('button', { name: 'API latency high' }).click();
    const panel = ui.page.getByRole('region', { name: /^Alert \d+$/ });
    const actions = panel.getByRole('group', { name: 'Alert actions' });
    const log = panel.getByRole('list', { name: 'Alert log' });

    await actions.getByRole('button', { name: 'Accept', exact: true }).click();
    await log.getByText('Accepted by admin').waitFor();
    await actions.getByRole('button', { name: 'Un-accept' }).click();
    await log.getByText('Un-accepted by admin').waitFor();
    await actions.getByRole('button', { name: 'Accept', exact: true }).waitFor();

    // Too far ahead is refused with the server's reason; the default (an hour from now) is taken.
    const field = actions.getByLabel('Snooze until');
    const inAnHour = await field.inputValue();
    await field.fill('2099-01-01T10:00');
    await actions.getByRole('button', { name: 'Snooze' }).click();
    await panel.getByText(/snoozes 30 days at most/).waitFor();
    await field.fill(inAnHour);
    await actions.getByRole('button', { name: 'Snooze' }).click();
    await log.getByText(/Snoozed by admin until \d{4}-/).waitFor();
    await panel.getByText(/snoozed until/).waitFor();

    const reassign = panel.getByRole('form', { name: 'Reassign' });
    await reassign.getByLabel('Name').fill('nobody');
    await reassign.getByRole('button', { name: 'Reassign' }).click();
    await panel.getByRole('alert').getByText(/cannot be reassigned/).waitFor();
    await reassign.getByLabel('Name').fill('admin');
    await reassign.getByRole('button', { name: 'Reassign' }).click();
    await log.getByText('Reassigned by admin to user admin').waitFor();
    await panel.getByText('assigned to user admin').waitFor();

    await actions.getByRole('button', { name: 'Resolve' }).click();
    await log.getByText('Resolved by admin').waitFor();
    await actions.getByRole('button', { name: 'Reopen' }).click();
    await log.getByText('Reopened by admin').waitFor();
    await shot(ui.page, 'alert-lifecycle');
    const a = (await apiCall(ui.server, 'GET', '/alerts?source=grafana')).items[0];
    expect(a).toMatchObject({ alert_key: 'latency', status: 'pending', assignee: { type: 'user', username: 'admin' } });
  });

  it('lists maintenance windows and heartbeats under their source; a planned window absorbs an event', async () => {
    await ui.page.getByRole('button', { name: 'Maintenance and heartbeats of grafana' }).click();
    const extras = ui.page.getByRole('region', { name: 'Source grafana: maintenance and heartbeats' });
    const plan = extras.getByRole('form', { name: 'New maintenance window for grafana' });
    await plan.getByLabel('Reason').fill('Cluster upgrade');
    await plan.getByRole('button', { name: 'Plan maintenance' }).click();
    const windows = extras.getByRole('table', { name: 'Maintenance windows of grafana' });
    await windows.getByText('Cluster upgrade').waitFor();
    await windows.getByText('(active)').waitFor();
    const r = await send('noise during the upgrade', 'noise');
    expect(((await r.json()) as { responseCode: string }).responseCode).toBe('ABSORBED_BY_MAINTENANCE');

    const add = extras.getByRole('form', { name: 'New heartbeat for grafana' });
    await add.getByLabel('Heartbeat name').fill('backup-job');
    await add.getByLabel('Interval (min)').fill('30');
    await add.getByRole('button', { name: 'Add heartbeat' }).click();
    const ping = (await extras.getByTestId('ping-url').textContent())!;
    expect(ping).toMatch(/\/api\/v1\/heartbeats\/[A-Za-z0-9_-]+\/ping$/);
    const beats = extras.getByRole('table', { name: 'Heartbeats of grafana' });
    await beats.locator('tr[data-heartbeat="backup-job"]').getByText('waiting').waitFor();
    expect((await fetch(ping.replace(/^https?:\/\/[^/]+/, ui.server.url))).status).toBe(200);
    // Shown again: the window counted the absorbed event, the heartbeat is up.
    await ui.page.getByRole('button', { name: 'Maintenance and heartbeats of grafana' }).click();
    await ui.page.getByRole('button', { name: 'Maintenance and heartbeats of grafana' }).click();
    await windows.locator('tr').filter({ hasText: 'Cluster upgrade' }).getByRole('cell', { name: '1', exact: true }).waitFor();
    await beats.locator('tr[data-heartbeat="backup-job"]').getByText('up', { exact: true }).waitFor();
    expect((await apiCall(ui.server, 'GET', '/alerts?source=grafana')).items.map((x: { alert_key: string }) => x.alert_key)).toEqual(['latency']);
  });
});
