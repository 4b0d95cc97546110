/**
 * People and tokens in the browser: a token made on the tokens page works and, once revoked
 * there, is refused (401) by a real request; an editor's token form offers no admin role and
 * answers a too-long name with a sentence naming the field; an admin disables a user in the UI
 * and that user's token is refused, enables and deletes users, and sees each user's state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiCall, hasChromium, launch, signIn, startServer, type Server } from './ui-harness.js';

describe.skipIf(!hasChromium)('people and tokens pages', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const me = (token: string) => fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  const userWithToken = async (username: string, role: string) => {
    await apiCall(server, 'POST', '/users', { username, roles: [role] });
    return (await apiCall<{ token: string }>(server, 'POST', '/tokens', { username, role, name: `${username}-cli` })).token;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(page, server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a token with an expiry, lists it, and a revoked token gets 401', { timeout: 90_000 }, async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByLabel('Token role').selectOption('editor');
    await page.getByLabel('Token name').fill('ci-runner');
    await page.getByLabel('Expires after').selectOption({ label: '7 days' });
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent())!;
    expect(token.length).toBeGreaterThan(20);
    await page.getByRole('button', { name: /^Copy token/ }).waitFor();
    expect(await me(token)).toBe(200);

    const row = page.locator('tr', { hasText: 'ci-runner' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['ci-runner', 'admin', 'editor']);
    const listed = (await apiCall<{ items: Array<{ name: string; expires_at: string | null }> }>(server, 'GET', '/tokens')).items.find((t) => t.name === 'ci-runner')!;
    const days = (Date.parse(listed.expires_at!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect(cells[5]).not.toBe('never');

    // Dismissing the confirmation keeps the token; accepting it revokes.
    page.once('dialog', (d) => void d.dismiss());
    await row.getByRole('button', { name: 'Revoke token ci-runner of admin' }).click();
    expect(await me(token)).toBe(200);
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Revoke token ci-runner of admin' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await me(token)).toBe(401);
  });

  it('offers an editor no admin role, lists only their own tokens, and names the field of an error', { timeout: 90_000 }, async () => {
    const eddie = await userWithToken('eddie', 'editor');
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const ep = await ctx.newPage();
      await signIn(ep, server, eddie);
      await ep.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
      await ep.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
      expect(await ep.getByLabel('Token role').locator('option').allTextContents()).toEqual(['viewer', 'editor']);
      expect(await ep.getByLabel('For user').count()).toBe(0);
      await ep.locator('tr', { hasText: 'eddie-cli' }).waitFor();
      expect(await ep.locator('tr[data-token]').count()).toBe(1);

      await ep.getByLabel('Token name').fill('x'.repeat(201));
      await ep.getByRole('button', { name: 'Create token' }).click();
      const alert = ep.getByTestId('form-error');
      await alert.waitFor();
      expect((await alert.textContent())!.trim()).toBe('Token name must be at most 200 characters.');

      await ep.getByLabel('Token name').fill('laptop');
      await ep.getByLabel('Token role').selectOption('editor');
      await ep.getByRole('button', { name: 'Create token' }).click();
      const mine = (await ep.getByTestId('new-token').textContent())!;
      expect(await alert.count()).toBe(0);
      const who = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${mine}` } }).then((r) => r.json());
      expect(who).toMatchObject({ user: { username: 'eddie' }, role: 'editor' });
    } finally {
      await ctx.close();
    }
  });

  it('disables a user so their token is refused, enables and deletes users, and explains a bad user name', { timeout: 90_000 }, async () => {
    const dora = await userWithToken('dora', 'viewer');
    await userWithToken('gone', 'viewer');
    expect(await me(dora)).toBe(200);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const row = page.locator('tr[data-user="dora"]');
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('enabled');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Disable dora' }).click();
    await page.locator('tr[data-user="dora"][data-state="disabled"]').waitFor();
    expect(await row.locator('td').nth(5).textContent()).toBe('disabled');
    expect(await me(dora)).toBe(401);
    await row.getByRole('button', { name: 'Enable dora' }).click();
    await page.locator('tr[data-user="dora"][data-state="enabled"]').waitFor();
    // Enabling does not revive the tokens disabling ended.
    expect(await me(dora)).toBe(401);
    // The signed-in admin cannot disable or delete themselves from here.
    expect(await page.locator('tr[data-user="admin"]').getByRole('button').count()).toBe(0);

    const gone = page.locator('tr[data-user="gone"]');
    page.once('dialog', (d) => void d.accept());
    await gone.getByRole('button', { name: 'Delete gone' }).click();
    await gone.waitFor({ state: 'detached' });
    expect((await apiCall<{ items: Array<{ username: string }> }>(server, 'GET', '/users')).items.map((u) => u.username)).not.toContain('gone');

    await page.getByLabel('User name').fill('bad name!');
    await page.getByRole('button', { name: 'Create user' }).click();
    const alert = page.getByTestId('form-error');
    await alert.waitFor();
    expect((await alert.textContent())!.trim()).toBe('User name may hold letters, digits and . _ @ - (1-64).');
  });
});
