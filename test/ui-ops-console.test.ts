/**
 * The operations console in the browser: an outbound webhook edited, disabled, tested against a
 * local receiver (its answer shown without a reload), its secret rotated and shown once, then
 * deleted after a confirmation; an alert comment; an action completed after a confirmation of what
 * is sent; a validation error read as a sentence naming its field; "Verify again" on a 4me
 * connection showing the outcome against the 4me sandbox. A viewer sees none of the admin controls.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, hasChromium, postEvent, uiSuite, viewerPage } from './ui-harness.js';
import { startSandbox, type Sandbox } from '../src/sandbox/fourme/index.js';

describe.skipIf(!hasChromium)('web UI: operations console', () => {
  const ui = uiSuite();
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ account: 'acme', domain: '4me.com' });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('edits, disables, tests, rotates and deletes an outbound webhook', async () => {
    const got: Array<{ path: string; type: string }> = [];
    const rcv = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { got.push({ path: req.url!, type: JSON.parse(body).type }); res.writeHead(202).end('thanks'); });
    });
    await new Promise<void>((r) => rcv.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(rcv.address() as AddressInfo).port}`;
    try {
      await ui.page.getByRole('link', { name: 'Webhooks', exact: true }).click();
      const create = ui.page.getByRole('form', { name: 'New subscription' });
      await create.getByLabel('Event').fill('job.succeeded');
      await create.getByLabel('URI').fill(`${base}/first`);
      await create.getByLabel('Allow a private network address').check();
      await create.getByRole('button', { name: 'Subscribe' }).click();
      const first = (await create.getByRole('status').locator('code').textContent())!;
      expect(first.length).toBeGreaterThan(20);
      await ui.page.getByRole('link', { name: 'job.succeeded' }).click();
      await ui.page.getByRole('heading', { name: 'Webhook job.succeeded' }).waitFor();

      // Edit: the saved values are what the page shows, also after a reload.
      const edit = ui.page.getByRole('form', { name: 'Edit subscription' });
      await edit.getByLabel('Event').fill('job.*');
      await edit.getByLabel('URI').fill(`${base}/second`);
      await edit.getByLabel('Description').fill('Ops board feed');
      await edit.getByLabel('Deliveries per minute at most').fill('30');
      await edit.getByRole('button', { name: 'Save subscription' }).click();
      await edit.getByText('Subscription saved.').waitFor();
      await ui.page.getByRole('heading', { name: 'Webhook job.*' }).waitFor();
      await ui.page.reload();
      await ui.page.getByRole('heading', { name: 'Webhook job.*' }).waitFor();
      expect(await ui.page.getByTestId('hook-description').textContent()).toBe('Ops board feed');
      expect(await ui.page.getByTestId('hook-uri').textContent()).toBe(`${base}/second`);
      expect(await edit.getByLabel('Deliveries per minute at most').inputValue()).toBe('30');
      const [hook] = (await apiCall(ui.server, 'GET', '/webhooks')).items;
      expect(hook).toMatchObject({ event: 'job.*', description: 'Ops board feed', rate_limit: 30, uri: `${base}/second` });

      // Send test: the receiver's status code appears in place, no reload.
      await ui.page.getByRole('button', { name: 'Send test' }).click();
      await ui.page.getByTestId('test-result').getByText(/Test delivery succeeded: HTTP 202 in \d+ ms/).waitFor();
      expect(got).toEqual([{ path: '/second', type: 'webhook.test' }]);
      await ui.page.getByRole('table', { name: 'Deliveries' }).getByRole('cell', { name: 'webhook.test' }).waitFor();

      // Disable and enable: the status and the button follow; a disabled subscription sends no test.
      const manage = ui.page.getByRole('group', { name: 'Subscription actions' });
      await manage.getByRole('button', { name: 'Disable' }).click();
      await ui.page.locator('.facts').getByText('disabled by a user').waitFor();
      expect(await ui.page.getByRole('button', { name: 'Send test' }).isDisabled()).toBe(true);
      expect((await apiCall(ui.server, 'GET', `/webhooks/${hook.id}`)).disabled).toBe(true);
      await manage.getByRole('button', { name: 'Enable' }).click();
      await manage.getByRole('button', { name: 'Disable' }).waitFor();
      expect((await apiCall(ui.server, 'GET', `/webhooks/${hook.id}`)).disabled).toBe(false);

      // Rotate: asked first; the new secret is shown once, then never again.
      await manage.getByRole('button', { name: 'Rotate secret' }).click();
      const ask = ui.page.getByRole('alertdialog', { name: 'Rotate the signing secret?' });
      await ask.getByText(/keeps signing alongside it for 24 hours/).waitFor();
      await ask.getByRole('button', { name: 'Cancel' }).click();
      expect(await ui.page.getByTestId('new-secret').count()).toBe(0);
      await manage.getByRole('button', { name: 'Rotate secret' }).click();
      await ask.getByRole('button', { name: 'Rotate secret' }).click();
      const rotated = (await ui.page.getByTestId('new-secret').textContent())!;
      expect(rotated.length).toBeGreaterThan(20);
      expect(rotated).not.toBe(first);
      await ui.page.getByRole('button', { name: `Copy secret: ${rotated}` }).waitFor();
      await ui.page.reload();
      await ui.page.getByRole('heading', { name: 'Webhook job.*' }).waitFor();
      expect(await ui.page.content()).not.toContain(rotated);

      // A viewer sees the subscription but none of the admin or editor controls.
      await apiCall(ui.server, 'POST', '/users', { username: 'vic', roles: ['viewer'] });
      const vp = await viewerPage(ui, { username: 'vic' }, {});
      await vp.goto(`${ui.server.url}/webhooks/${hook.id}`);
      await vp.getByRole('heading', { name: 'Webhook job.*' }).waitFor();
      await vp.getByRole('table', { name: 'Deliveries' }).getByRole('cell', { name: 'webhook.test' }).waitFor();
      for (const name of ['Send test', 'Disable', 'Rotate secret', 'Delete', 'Save subscription']) expect(await vp.getByRole('button', { name }).count(), name).toBe(0);

      // Delete: asked first, then gone from the list and the API. At a narrow width (200% zoom of
      // 1280px) the page with its form and the confirmation does not scroll sideways.
      await ui.page.getByRole('group', { name: 'Subscription actions' }).getByRole('button', { name: 'Delete' }).click();
      const del = ui.page.getByRole('alertdialog', { name: 'Delete this subscription?' });
      await del.getByText(`${base}/second`).waitFor();
      await ui.page.setViewportSize({ width: 640, height: 450 });
      expect(await ui.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
      await ui.page.setViewportSize({ width: 1280, height: 900 });
      await del.getByRole('button', { name: 'Delete subscription' }).click();
      await ui.page.getByRole('heading', { name: 'Outbound webhooks' }).waitFor();
      await ui.page.getByRole('table', { name: 'Webhooks' }).getByText('No subscriptions.').waitFor();
      expect((await apiCall(ui.server, 'GET', '/webhooks')).items).toEqual([]);
    } finally {
      rcv.close();
    }
  });

  it('adds a comment to an alert, shown in its log at once', async () => {
    const src = await apiCall(ui.server, 'PUT', '/alert-sources/monitoring', { kind: 'events', priority: 'HIGH' });
    const ev = await postEvent(`${ui.server.url}/api/events`, { integrationKey: src.integration_key, eventType: 'ALERT', summary: 'Queue backlog on mq-2', alertKey: 'mq-2' });
    expect(ev.status).toBe(202);
    await ui.page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await ui.page.locator('tr[data-alert="mq-2"]').getByRole('button', { name: 'Queue backlog on mq-2' }).click();
    const panel = ui.page.getByRole('region', { name: /^Alert \d+$/ });
    expect(await panel.getByRole('button', { name: 'Add comment' }).isDisabled()).toBe(true);
    await panel.getByLabel('Comment', { exact: true }).fill('Looking into the consumer lag');
    await panel.getByRole('button', { name: 'Add comment' }).click();
    await panel.getByRole('list', { name: 'Alert log' }).getByText('admin: Looking into the consumer lag').waitFor();
    expect(await panel.getByLabel('Comment', { exact: true }).inputValue()).toBe('');
    const [alert] = (await apiCall(ui.server, 'GET', '/alerts')).items.filter((a: { alert_key: string }) => a.alert_key === 'mq-2');
    const detail = await apiCall(ui.server, 'GET', `/alerts/${alert.id}`);
    expect(detail.log.some((l: { text: string; actor: string }) => l.text === 'Looking into the consumer lag' && l.actor === 'admin')).toBe(true);
  });

  it('completes an action after confirming what is sent, and says so', async () => {
    const r = await apiCall(ui.server, 'PUT', '/recipes/approve-spend', {
      trigger: { type: 'webhook' },
      steps: [{ id: 'ask', name: 'Approve spend', action: 'human.action', with: { assignee: 'admin', form: [{ name: 'DECISION', type: 'TEXT', required: true }, { name: 'LIMIT', type: 'NUMERIC' }] } }],
    });
    await postEvent(r.trigger_url, '{}');
    await ui.page.getByRole('link', { name: 'Actions', exact: true }).click();
    const item = ui.page.locator('li[data-action="Approve spend"]');
    await item.getByLabel('DECISION (required)').fill('approved');
    await item.getByLabel('LIMIT').fill('125');
    await item.getByRole('button', { name: 'Complete', exact: true }).click();
    const ask = item.getByRole('alertdialog', { name: 'Complete Approve spend?' });
    const sent = JSON.parse((await ask.getByLabel('Values to send').textContent())!);
    expect(sent).toEqual({ DECISION: 'approved', LIMIT: 125 });
    // Cancel sends nothing: the action stays open.
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect((await apiCall(ui.server, 'GET', '/actions?assignee=me')).items.map((a: { activity_name: string }) => a.activity_name)).toContain('Approve spend');
    await item.getByRole('button', { name: 'Complete', exact: true }).click();
    await ask.getByRole('button', { name: 'Confirm and complete' }).click();
    await ui.page.getByTestId('action-done').getByText(/^Action Approve spend \(request #\d+\) completed\.$/).waitFor();
    await item.waitFor({ state: 'detached' });
    expect((await apiCall(ui.server, 'GET', '/actions?assignee=me')).items.map((a: { activity_name: string }) => a.activity_name)).not.toContain('Approve spend');
  });

  it('shows a validation error as a sentence naming the field, not a pattern', async () => {
    await ui.page.getByRole('link', { name: 'Connections', exact: true }).click();
    await ui.page.getByRole('link', { name: 'New connection' }).click();
    await ui.page.getByLabel('Name').fill('legacy');
    await ui.page.getByLabel('Base URL').fill('ftp://files.example.com');
    await ui.page.getByRole('button', { name: 'Create connection' }).click();
    const alert = ui.page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.locator('p').textContent())!.trim()).toBe('Base URL must start with http:// or https://.');
    const text = (await alert.textContent())!;
    expect(text).not.toContain('pattern');
    expect(text).not.toContain('^https');
    expect(text).not.toContain('{');
  });

  it('"Verify again" on a 4me connection shows the outcome: verified, or failed with the reason', async () => {
    await apiCall(ui.server, 'POST', '/connections', {
      name: 'acme', type: '4me', config: { account: 'acme', domain: '4me.com', base_url: sb.url, auth: { type: 'oauth_client_credentials' }, private_network: true },
      secrets: { client_id: 'sandbox-client', client_secret: 'sandbox-secret' },
    });
    await apiCall(ui.server, 'PUT', '/recipes/acme-notes', { trigger: { type: '4me.webhook', connection: 'acme', webhook: 12 }, steps: [{ id: 'a', action: 'transform', with: { ok: true } }] });
    const url = (await apiCall(ui.server, 'GET', '/connections/acme/4me')).webhook_url as string;
    const expires = Math.floor(Date.now() / 1000) + 600;
    const good = sb.state.create('Webhook', { event: 'request.note-added', uri: url, name: 'Notes', verified: false, verifyCode: 'c1', verifyExpires: expires }, 12);
    const verify = (id: number, code: string) => postEvent(url, { webhook_id: id, account: 'https://acme.4me.com', event: 'webhook.verify', object_id: id, payload: { callback: `${sb.url}/webhooks/${id}/verify?code=${code}` } });
    await verify(12, 'c1');
    await expect.poll(() => good.verified, { timeout: 15_000 }).toBe(true);
    // Webhook 13's callback carries a code 4me no longer accepts: its handshake keeps failing (pending, retried).
    sb.state.create('Webhook', { event: 'request.update', uri: url, name: 'Updates', verified: false, verifyCode: 'current', verifyExpires: expires }, 13);
    await verify(13, 'stale');

    await ui.page.goto(`${ui.server.url}/connections/acme`);
    const panel = ui.page.getByRole('region', { name: '4me webhooks' });
    await panel.locator('tr[data-webhook="13"]').getByText(/HTTP 404 from/).waitFor();

    Object.assign(good, { verified: false, verifyCode: 'c1' });
    await panel.getByRole('button', { name: 'Verify webhook 12 again' }).click();
    await ui.page.getByTestId('verify-outcome-12').getByText('Verified: 4me accepted the verification callback.').waitFor();
    expect(good.verified).toBe(true);

    await panel.getByRole('button', { name: 'Verify webhook 13 again' }).click();
    const failed = ui.page.getByTestId('verify-outcome-13');
    await failed.getByText(/^Verification failed: .+/).waitFor();
    expect(await failed.textContent()).toContain('HTTP 404 from');
  });
});
