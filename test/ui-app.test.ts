/**
 * The web UI end to end, in Debian's chromium: sign in, live jobs, recipes in the editor with a
 * datapill, connections and the test-request wizard, and screenshots for the README.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiCall, fillYaml, hasChromium, postEvent, readYaml, shot, signIn, uiSuite } from './ui-harness.js';

if (!hasChromium) console.warn('UI tests skipped: no chromium at /usr/bin/chromium (apt-get install -y chromium)');

describe.skipIf(!hasChromium)('web UI', () => {
  const ui = uiSuite({ viewport: { width: 1280, height: 800 }, signIn: false });

  it('signs in with a token into an HttpOnly, SameSite=Strict session cookie', async () => {
    await ui.page.goto(ui.server.url);
    await ui.page.getByLabel('API token').fill('wrong-token');
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(ui.page.getByRole('alert').textContent()).resolves.toContain('HF_ERR_UNAUTHENTICATED');
    await signIn(ui.page, ui.server);
    const cookies = await ui.page.context().cookies();
    const session = cookies.find((c) => c.name === 'hookflow_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    expect(session.value).not.toContain(ui.server.token);
    expect(await ui.page.evaluate(() => document.cookie)).not.toContain('hookflow_session');
    // Cookie auth without the CSRF header cannot change anything; with it, it can.
    const noHeader = await ui.page.evaluate(async () => (await fetch('/api/v1/recipes/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    expect(noHeader).toBe(403);
    const withHeader = await ui.page.evaluate(async () => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('hookflow_csrf='))!.split('=')[1]!;
      return (await fetch('/api/v1/recipes/validate', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hookflow-csrf': csrf }, body: '{}' })).status;
    });
    expect(withHeader).toBe(200);
  });

  it('serves client routes from index.html but never shadows server paths', async () => {
    const html = await fetch(`${ui.server.url}/jobs/123`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const api = await fetch(`${ui.server.url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('HF_ERR_NOT_FOUND');
    expect((await fetch(`${ui.server.url}/healthz`, { headers: { accept: 'text/html' } })).headers.get('content-type')).toContain('json');
  });

  it('shows a new job live in the jobs list and repeats it', async () => {
    const r = await apiCall(ui.server, 'PUT', '/recipes/live-one', 'name: live-one\ntrigger: { type: webhook }\nsteps:\n  - id: greet\n    action: transform\n    with: { message: "Hi {{ trigger.body.name }}" }\n', true);
    await ui.page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await ui.page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await ui.page.getByText('● live').waitFor();
    const hook = await postEvent(r.trigger_url, { name: 'Live' });
    expect(hook.status).toBe(200);
    const row = ui.page.locator('tr[data-job="1"]');
    await row.getByText('succeeded').waitFor();
    await row.getByRole('link', { name: '#1' }).click();
    await ui.page.getByRole('heading', { name: 'Job #1' }).waitFor();
    await expect(ui.page.getByLabel('Output of greet').textContent()).resolves.toContain('Hi Live');
    await shot(ui.page, 'job');
    await ui.page.getByRole('button', { name: 'Repeat' }).click();
    await ui.page.getByRole('heading', { name: 'Job #2' }).waitFor();
    await ui.page.locator('.facts').getByText('succeeded').waitFor();
    await ui.page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await ui.page.locator('tr[data-job="2"]').getByText('succeeded').waitFor();
    await shot(ui.page, 'jobs');
  });

  it('builds a recipe in the editor with a datapill from a captured sample, test-runs it, diffs and restores a version', async () => {
    await ui.page.getByRole('link', { name: 'Recipes', exact: true }).click();
    await ui.page.getByRole('link', { name: 'New recipe' }).click();
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    const nameInput = ui.page.getByLabel('Name', { exact: true });
    await nameInput.fill('greeter');
    await expect(readYaml(ui.page)).resolves.toContain('name: greeter');
    // Validation as you type: a broken YAML names its line.
    const yaml = await readYaml(ui.page);
    await fillYaml(ui.page, yaml.replace('action: transform', 'action: transform\n    bogus: 1'));
    await ui.page.getByRole('list', { name: 'Problems' }).getByText('line 7').waitFor();
    await fillYaml(ui.page, yaml);
    await ui.page.getByText('The recipe is valid.').waitFor();
    // A new recipe's Save keeps a draft only: never published, no URL, until Publish.
    await ui.page.getByRole('button', { name: 'Save' }).click();
    await ui.page.getByRole('heading', { name: 'Recipe greeter' }).waitFor();
    await ui.page.locator('.facts').getByText('Never published').waitFor();
    expect(await ui.page.locator('.facts code').count()).toBe(0);
    await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await ui.page.locator('.facts').getByText('Published v1').waitFor();
    const url = await ui.page.locator('.facts code').textContent();
    await ui.page.getByRole('button', { name: 'Capture sample' }).click();
    await ui.page.getByText('Waiting for the next event').waitFor();
    const hook = await postEvent(url!, { name: 'Ann', team: { id: 7 } });
    expect(hook.status).toBe(200);
    await ui.page.getByText(/Sample captured/).waitFor();
    const field = ui.page.getByLabel('first message');
    await field.fill('Hello ');
    await field.press('End');
    await ui.page.getByRole('button', { name: 'Insert trigger.body.name' }).click();
    await expect(field.inputValue()).resolves.toBe('Hello {{ trigger.body.name }}');
    await expect(readYaml(ui.page)).resolves.toContain('Hello {{ trigger.body.name }}');
    // Save keeps a draft of an existing recipe; Publish makes it the running version.
    await ui.page.getByRole('button', { name: 'Save' }).click();
    await ui.page.locator('.facts').getByText(/Draft \(unpublished/).waitFor();
    await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await ui.page.locator('.facts').getByText('v2').waitFor();
    await shot(ui.page, 'recipe-editor');
    await expect(ui.page.getByLabel('Sample event body (JSON)').inputValue()).resolves.toContain('Ann');
    await ui.page.getByRole('button', { name: 'Run test' }).click();
    await expect(ui.page.getByLabel('Test result of first').textContent()).resolves.toContain('Hello Ann');
    await ui.page.getByRole('button', { name: 'Compare v1 with current' }).click();
    await ui.page.getByLabel('Diff').locator('.add', { hasText: 'Hello {{ trigger.body.name }}' }).waitFor();
    await ui.page.getByRole('button', { name: 'Restore v1' }).click();
    await ui.page.locator('.facts').getByText('v3').waitFor();
    await expect(ui.page.getByLabel('first message').inputValue()).resolves.toBe('Hello');
    await ui.page.getByRole('link', { name: 'Recipes', exact: true }).click();
    await ui.page.locator('tr[data-recipe="greeter"]').getByRole('button', { name: 'Copy URL' }).waitFor();
    await ui.page.locator('tr[data-recipe="greeter"]').getByText('succeeded').waitFor();
    await shot(ui.page, 'recipes');
    await ui.page.getByRole('button', { name: 'Stop greeter' }).click();
    await ui.page.locator('tr[data-recipe="greeter"]').getByText('stopped').waitFor();
  });

  it('creates a connection with a write-only secret, tests it, and applies a test request as a step', async () => {
    const seen: string[] = [];
    const api = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      if (req.headers.authorization !== 'Bearer s3cret') { res.writeHead(401).end(); return; }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.url === '/health' ? { ok: true } : { id: 1, title: 'Widget', price: 9 }));
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    try {
      await ui.page.getByRole('link', { name: 'Connections', exact: true }).click();
      await ui.page.getByRole('link', { name: 'New connection' }).click();
      await ui.page.getByLabel('Name').fill('crm');
      await ui.page.getByLabel('Base URL').fill(base);
      await ui.page.getByLabel('Authentication').selectOption('bearer');
      await ui.page.getByLabel(/^Token/).fill('s3cret');
      await ui.page.getByLabel('Allow private network addresses').check();
      await ui.page.getByLabel('Test request path').fill('/health');
      await ui.page.getByRole('button', { name: 'Create connection' }).click();
      await ui.page.getByRole('heading', { name: 'Connection crm' }).waitFor();
      await ui.page.getByText('set — type to replace').waitFor();
      expect(await ui.page.content()).not.toContain('s3cret');
      await ui.page.getByRole('button', { name: 'Test connection' }).click();
      await ui.page.getByText('Connection works: HTTP 200').waitFor();
      // The wizard: method and URL, then the request and its response, then apply to a recipe.
      await ui.page.getByLabel('URL', { exact: true }).fill('/items/1');
      await ui.page.getByLabel('Step name (optional)').fill('Look up the item');
      await ui.page.getByRole('button', { name: 'Send request' }).click();
      await ui.page.getByTestId('response-status').getByText('HTTP 200').waitFor();
      await expect(ui.page.getByLabel('Response body').textContent()).resolves.toContain('Widget');
      await shot(ui.page, 'test-request');
      await ui.page.getByRole('button', { name: 'Next' }).click();
      await ui.page.getByRole('combobox', { name: /^Recipe/ }).selectOption('live-one');
      await ui.page.getByLabel('Step id (optional)').fill('lookup');
      await ui.page.getByRole('button', { name: 'Apply as a step' }).click();
      // Added to the draft only: the running version is unchanged until Publish in the editor.
      const added = ui.page.getByRole('status').filter({ hasText: 'Added step lookup to the draft of live-one — publish it in the editor.' });
      await added.waitFor();
      expect((await apiCall(ui.server, 'GET', '/recipes/live-one')).version).toBe(1);
      expect((await apiCall(ui.server, 'GET', '/recipes/live-one/draft')).definition.steps.map((st: { id: string }) => st.id)).toContain('lookup');
      await added.getByRole('link', { name: 'live-one' }).click();
      await ui.page.getByRole('heading', { name: 'Recipe live-one' }).waitFor();
      await ui.page.locator('.facts').getByText(/Draft \(unpublished/).waitFor();
      await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
      await ui.page.locator('.facts').getByText('Published v2').waitFor();
      const hook = await apiCall(ui.server, 'GET', '/recipes/live-one');
      const res = await postEvent(hook.trigger_url, '{"name":"again"}');
      const { job_id } = await res.json();
      await ui.page.goto(`${ui.server.url}/jobs/${job_id}`);
      await ui.page.locator('.facts').getByText('succeeded').waitFor();
      await expect(ui.page.getByLabel('Output of lookup').textContent()).resolves.toContain('Widget');
      expect(seen).toContain('GET /items/1 Bearer s3cret');
      await ui.page.getByRole('link', { name: 'Connections', exact: true }).click();
      await ui.page.locator('tr[data-connection="crm"]').getByText('token').waitFor();
      await shot(ui.page, 'connections');
    } finally {
      api.close();
    }
  });

  it('completes a waiting action with its form from the actions inbox', async () => {
    const r = await apiCall(ui.server, 'PUT', '/recipes/approve', {
      trigger: { type: 'webhook' },
      steps: [
        { id: 'ask', name: 'Approve purchase', action: 'human.action', with: { assignee: 'admin', form: [{ name: 'DECISION', type: 'TEXT', required: true }, { name: 'LIMIT', type: 'NUMERIC' }] } },
        { id: 'done', action: 'transform', with: { decision: '{{ steps.ask.DECISION }}', limit: '{{ steps.ask.LIMIT }}' } },
      ],
    });
    const { job_id } = await (await postEvent(r.trigger_url, '{}')).json();
    await ui.page.getByRole('link', { name: 'Actions', exact: true }).click();
    const item = ui.page.locator('li[data-action="Approve purchase"]');
    await item.getByLabel('DECISION (required)').fill('approved');
    await item.getByLabel('LIMIT').fill('250');
    await shot(ui.page, 'actions');
    await item.getByRole('button', { name: 'Complete', exact: true }).click();
    await item.getByRole('alertdialog', { name: 'Complete Approve purchase?' }).getByRole('button', { name: 'Confirm and complete' }).click();
    await ui.page.getByText('Nothing waiting for you.').waitFor();
    await ui.page.goto(`${ui.server.url}/jobs/${job_id}`);
    await ui.page.locator('.facts').getByText('succeeded').waitFor();
    const out = await ui.page.getByLabel('Output of done').textContent();
    expect(out).toContain('approved');
    expect(out).toContain('250');
  });

  it('shows outbound webhooks with their delivery log and resends a delivery', async () => {
    const got: string[] = [];
    const rcv = http.createServer((req, res) => { got.push(String(req.headers['webhook-id'])); req.resume(); res.writeHead(200).end('ok'); });
    await new Promise<void>((r) => rcv.listen(0, '127.0.0.1', r));
    try {
      await apiCall(ui.server, 'PUT', '/recipes/notify', { trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: { ok: true } }] });
      const hook = await apiCall(ui.server, 'POST', '/webhooks', { event: 'job.succeeded', uri: `http://127.0.0.1:${(rcv.address() as AddressInfo).port}/in`, private_network: true, verify: false, recipe: 'notify' });
      const rec = await apiCall(ui.server, 'GET', '/recipes/notify');
      await postEvent(rec.trigger_url, '{}');
      await expect.poll(async () => (await apiCall(ui.server, 'GET', `/webhooks/${hook.id}/deliveries?status=succeeded`)).items.length, { timeout: 20_000 }).toBe(1);
      await ui.page.getByRole('link', { name: 'Webhooks', exact: true }).click();
      await ui.page.getByRole('link', { name: 'job.succeeded' }).click();
      await ui.page.getByRole('heading', { name: 'Webhook job.succeeded' }).waitFor();
      const row = ui.page.getByRole('table', { name: 'Deliveries' }).locator('tbody tr').first();
      await row.getByText('succeeded', { exact: true }).waitFor();
      await row.getByRole('button', { name: 'Attempts' }).click();
      await ui.page.getByRole('region', { name: 'Attempts' }).getByText(/200 in/).waitFor();
      await shot(ui.page, 'webhooks');
      const before = got.length;
      await row.getByRole('button', { name: 'Resend' }).click();
      await expect.poll(() => got.length, { timeout: 15_000 }).toBeGreaterThan(before);
      expect(new Set(got).size).toBe(1);
      expect(hook.id).toBeTruthy();
    } finally {
      rcv.close();
    }
  });

  it('shows the dashboard charts and lets an admin create users and tokens; a viewer sees no edit controls', async () => {
    const stats = await apiCall(ui.server, 'GET', '/stats?minutes=15');
    const live = stats.recipes.find((x: { recipe: string }) => x.recipe === 'live-one');
    expect(live.succeeded).toBeGreaterThanOrEqual(3);
    expect(live.success_rate).toBeCloseTo(live.succeeded / (live.succeeded + live.failed));
    expect(live.p95_ms).toBeGreaterThanOrEqual(0);
    await ui.page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await ui.page.getByRole('img', { name: /Jobs finished per minute/ }).waitFor();
    await ui.page.getByRole('table', { name: 'Per recipe' }).getByRole('link', { name: 'live-one' }).waitFor();
    await shot(ui.page, 'dashboard');
    await ui.page.getByRole('link', { name: 'Users', exact: true }).click();
    await ui.page.getByLabel('User name').fill('vera');
    await ui.page.getByLabel('Display name').fill('Vera Viewer');
    await ui.page.getByRole('button', { name: 'Create user' }).click();
    await ui.page.locator('tr[data-user="vera"]').waitFor();
    await shot(ui.page, 'users');
    // Tokens have their own page since issue 16.
    await ui.page.getByRole('navigation').getByRole('link', { name: 'API tokens', exact: true }).click();
    await ui.page.getByRole('combobox', { name: /^For user/ }).selectOption('vera');
    await ui.page.getByRole('button', { name: 'Create token' }).click();
    const token = (await ui.page.getByTestId('new-token').textContent())!;
    const vp = await ui.newPage(token, {});
    await vp.getByText('(viewer)').waitFor();
    expect(await vp.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    await vp.getByRole('link', { name: 'Recipes', exact: true }).click();
    await vp.locator('tr[data-recipe="live-one"]').waitFor();
    expect(await vp.getByRole('link', { name: 'New recipe' }).count()).toBe(0);
    expect(await vp.getByRole('button', { name: 'Stop live-one' }).count()).toBe(0);
    await vp.goto(`${ui.server.url}/jobs/1`);
    await vp.getByRole('heading', { name: 'Job #1' }).waitFor();
    expect(await vp.getByRole('button', { name: 'Repeat' }).isDisabled()).toBe(true);
    // The server enforces it too: a viewer's session cannot repeat.
    const status = await vp.evaluate(async () => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('hookflow_csrf='))!.split('=')[1]!;
      return (await fetch('/api/v1/jobs/1/repeat', { method: 'POST', headers: { 'x-hookflow-csrf': csrf } })).status;
    });
    expect(status).toBe(403);
    await vp.getByRole('button', { name: 'Sign out' }).click();
    await vp.getByLabel('API token').waitFor();
    expect((await vp.context().cookies()).find((c) => c.name === 'hookflow_session')).toBeUndefined();
  });

  it('creates an operations application with its URL and impersonated user', async () => {
    await ui.page.getByRole('link', { name: 'Ops apps', exact: true }).click();
    await ui.page.getByRole('heading', { name: 'Operations applications' }).waitFor();
    await ui.page.getByLabel('Name', { exact: true }).fill('portal');
    await ui.page.getByRole('combobox', { name: /^Impersonated user/ }).selectOption('vera');
    await ui.page.getByRole('button', { name: 'Create', exact: true }).click();
    const row = ui.page.getByRole('table', { name: 'Operations applications' }).locator('tr', { hasText: 'portal' });
    await row.getByText('vera').waitFor();
    await expect(row.locator('code').textContent()).resolves.toMatch(/\/ops\/.{6}…/);
    const apps = await apiCall(ui.server, 'GET', '/ops-apps');
    expect(apps.items[0].impersonate_user).toBe('vera');
  });
});
