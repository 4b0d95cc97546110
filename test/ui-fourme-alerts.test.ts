/**
 * The web UI for 4me connections (webhook URL, verification status, "Verify again") against the
 * 4me sandbox, the OAuth2 "Connect" redirect against a local provider, and the alerting pages
 * (sources, escalation policies, alerts with accept/resolve).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, hasChromium, postEvent, shot, uiSuite } from './ui-harness.js';
import { startSandbox, type Sandbox } from '../src/sandbox/fourme/index.js';

describe.skipIf(!hasChromium)('web UI: 4me connections and alerts', () => {
  const ui = uiSuite({ viewport: { width: 1280, height: 800 } });
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ account: 'acme', domain: '4me.com' });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('creates a 4me connection, tests it, shows its webhook URL and verifies a webhook again', async () => {
    await ui.page.getByRole('link', { name: 'Connections', exact: true }).click();
    await ui.page.getByRole('link', { name: 'New connection' }).click();
    await ui.page.getByLabel('Name').fill('acme');
    await ui.page.getByLabel('Type').selectOption('4me');
    await ui.page.getByLabel('Account').fill('acme');
    await ui.page.getByLabel('Domain').fill('4me.com');
    await ui.page.getByLabel(/^Base URL/).fill(sb.url);
    await ui.page.getByLabel('Authentication').selectOption('oauth_client_credentials');
    await ui.page.getByLabel(/^Client ID/).fill('sandbox-client');
    await ui.page.getByLabel(/^Client secret/).fill('sandbox-secret');
    await ui.page.getByLabel('Allow private network addresses').check();
    await ui.page.getByRole('button', { name: 'Create connection' }).click();
    await ui.page.getByRole('heading', { name: 'Connection acme' }).waitFor();
    expect(await ui.page.content()).not.toContain('sandbox-secret');
    await ui.page.getByRole('button', { name: 'Test connection' }).click();
    await ui.page.getByText(/Connection works: signed in as .* in account acme/).waitFor();

    await apiCall(ui.server, 'PUT', '/recipes/acme-notes', { trigger: { type: '4me.webhook', connection: 'acme', webhook: 12 }, steps: [{ id: 'a', action: 'transform', with: { ok: true } }] });
    await ui.page.reload();
    const panel = ui.page.getByRole('region', { name: '4me webhooks' });
    await panel.getByRole('link', { name: 'acme-notes' }).waitFor();
    const url = (await ui.page.getByTestId('fourme-url').textContent())!;
    expect(url).toMatch(new RegExp(`^${ui.server.url}/hooks/`));

    // 4me sends webhook.verify when the webhook is created; Hookflow opens the callback itself.
    const hook = sb.state.create('Webhook', { event: 'request.note-added', uri: url, name: 'Notes', verified: false, verifyCode: 'c1', verifyExpires: Math.floor(Date.now() / 1000) + 600 }, 12);
    const res = await postEvent(url, { webhook_id: 12, account: 'https://acme.4me.com', event: 'webhook.verify', object_id: 12, payload: { callback: `${sb.url}/webhooks/12/verify?code=c1` } });
    expect(await res.json()).toMatchObject({ status: 'verified' });
    await expect.poll(() => hook.verified, { timeout: 15_000 }).toBe(true);
    await ui.page.reload();
    await panel.locator('tr[data-webhook="12"]').getByText('verified', { exact: true }).waitFor();

    // The webhook was reset in 4me and its callback re-armed: "Verify again" opens it once more.
    Object.assign(hook, { verified: false, verifyCode: 'c1' });
    await panel.getByRole('button', { name: 'Verify webhook 12 again' }).click();
    await expect.poll(() => hook.verified, { timeout: 15_000 }).toBe(true);
    await panel.locator('tr[data-webhook="12"]').getByText('verified', { exact: true }).waitFor();

    // A delivery for a webhook no recipe listens to is 200 ignored for 4me, and shown here with its reason.
    const ignored = await postEvent(url, { webhook_id: 13, account: 'https://acme.4me.com', event: 'request.update', object_id: 5, payload: {} });
    expect(ignored.status).toBe(200);
    await ui.page.reload();
    const log = panel.getByRole('table', { name: 'Recent deliveries' });
    await log.getByRole('row').filter({ hasText: 'request.update' }).getByText('ignored', { exact: true }).waitFor();
    await log.getByText(/webhook 13/).first().waitFor();
    await shot(ui.page, 'fourme-connection');
  });

  it('connects an OAuth2 authorization-code connection through the provider and back', async () => {
    const seen: string[] = [];
    const provider = http.createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      seen.push(u.pathname);
      if (u.pathname === '/authorize') {
        const back = new URL(u.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', 'the-code');
        back.searchParams.set('state', u.searchParams.get('state')!);
        res.writeHead(302, { location: back.href }).end();
        return;
      }
      if (u.pathname === '/token') {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          const f = new URLSearchParams(body);
          const ok = f.get('grant_type') === 'authorization_code' && f.get('code') === 'the-code';
          res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { access_token: 'granted', token_type: 'bearer', expires_in: 3600 } : { error: 'invalid_grant' }));
        });
        return;
      }
      const authorized = req.headers.authorization === 'Bearer granted';
      res.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: authorized }));
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    try {
      await ui.page.getByRole('link', { name: 'Connections', exact: true }).click();
      await ui.page.getByRole('link', { name: 'New connection' }).click();
      await ui.page.getByLabel('Name').fill('drive');
      await ui.page.getByLabel('Base URL').fill(base);
      await ui.page.getByLabel('Authentication').selectOption('oauth2_authorization_code');
      await ui.page.getByLabel('Authorization URL').fill(`${base}/authorize`);
      await ui.page.getByLabel('Token URL').fill(`${base}/token`);
      await ui.page.getByLabel('Client ID').fill('cid');
      await ui.page.getByLabel(/^Client secret/).fill('csecret');
      await ui.page.getByLabel('Allow private network addresses').check();
      await ui.page.getByLabel('Test request path').fill('/me');
      await ui.page.getByRole('button', { name: 'Create connection' }).click();
      await ui.page.getByRole('heading', { name: 'Connection drive' }).waitFor();
      await ui.page.getByRole('button', { name: 'Connect', exact: true }).click();
      await ui.page.getByText('Connected: the provider granted access').waitFor();
      expect(new URL(ui.page.url()).pathname).toBe('/connections/drive');
      expect(seen).toEqual(['/authorize', '/token']);
      await ui.page.getByRole('button', { name: 'Test connection' }).click();
      await ui.page.getByText('Connection works: HTTP 200').waitFor();
    } finally {
      provider.close();
    }
  });

  it('adds an escalation policy and an events source, then accepts and resolves an alert', async () => {
    await ui.page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await ui.page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    const policyForm = ui.page.getByRole('form', { name: 'New escalation policy' });
    await policyForm.getByLabel('Policy name').fill('on-call');
    await policyForm.getByRole('button', { name: 'Save policy' }).click();
    await ui.page.getByRole('table', { name: 'Escalation policies' }).locator('tr[data-policy="on-call"]').getByText(/user admin/).waitFor();

    const sourceForm = ui.page.getByRole('form', { name: 'New alert source' });
    await sourceForm.getByLabel('Source name').fill('monitoring');
    await sourceForm.getByLabel('Escalation policy').selectOption('on-call');
    await sourceForm.getByRole('button', { name: 'Create source' }).click();
    const key = (await ui.page.getByTestId('integration-key').textContent())!;
    await ui.page.locator('tr[data-source="monitoring"]').getByText('on-call').waitFor();

    const ev = await postEvent(`${ui.server.url}/api/events`, { integrationKey: key, eventType: 'ALERT', summary: 'Disk full on db-1', alertKey: 'disk-db-1' });
    expect(ev.status).toBe(202);
    await ui.page.getByLabel('Status').selectOption('pending');
    const row = ui.page.locator('tr[data-alert="disk-db-1"]');
    await row.getByText('pending').waitFor();
    await row.getByRole('button', { name: /^Accept alert/ }).click();
    await ui.page.getByLabel('Status').selectOption('');
    await row.getByText('accepted', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Disk full on db-1' }).click();
    await ui.page.getByRole('list', { name: 'Alert log' }).getByText(/accept/i).first().waitFor();
    await shot(ui.page, 'alerts');
    await row.getByRole('button', { name: /^Resolve alert/ }).click();
    await row.getByText('resolved', { exact: true }).waitFor();
    const alerts = await apiCall(ui.server, 'GET', '/alerts?status=resolved');
    expect(alerts.items.map((a: { alert_key: string; resolved_by: string }) => [a.alert_key, a.resolved_by])).toEqual([['disk-db-1', 'admin']]);
  });
});
