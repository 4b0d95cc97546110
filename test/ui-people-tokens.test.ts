/**
 * People and tokens in the browser: a token made on the tokens page works and, once revoked
 * there, is refused (401) by a real request; an editor's token form offers no admin role and
 * answers a too-long name with a sentence naming the field; an admin disables a user in the UI
 * and that user's token is refused, enables and deletes users, and sees each user's state.
 */
import { describe, expect, it } from 'vitest';
import { apiCall, hasChromium, uiSuite } from './ui-harness.js';

describe.skipIf(!hasChromium)('people and tokens pages', () => {
  const ui = uiSuite();
  const me = (token: string) => fetch(`${ui.server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  const userWithToken = async (username: string, role: string) => {
    await apiCall(ui.server, 'POST', '/users', { username, roles: [role] });
    return (await apiCall<{ token: string }>(ui.server, 'POST', '/tokens', { username, role, name: `${username}-cli` })).token;
  };

  it('creates a token with an expiry, lists it, and a revoked token gets 401', { timeout: 90_000 }, async () => {
    await ui.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await ui.page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await ui.page.getByLabel('Token role').selectOption('editor');
    await ui.page.getByLabel('Token name').fill('ci-runner');
    await ui.page.getByLabel('Expires after').selectOption({ label: '7 days' });
    await ui.page.getByRole('button', { name: 'Create token' }).click();
    const token = (await ui.page.getByTestId('new-token').textContent())!;
    expect(token.length).toBeGreaterThan(20);
    await ui.page.getByRole('button', { name: /^Copy token/ }).waitFor();
    expect(await me(token)).toBe(200);

    const row = ui.page.locator('tr', { hasText: 'ci-runner' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['ci-runner', 'admin', 'editor']);
    const listed = (await apiCall<{ items: Array<{ name: string; expires_at: string | null }> }>(ui.server, 'GET', '/tokens')).items.find((t) => t.name === 'ci-runner')!;
    const days = (Date.parse(listed.expires_at!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect(cells[5]).not.toBe('never');

    // Dismissing the confirmation keeps the token; accepting it revokes.
    ui.page.once('dialog', (d) => void d.dismiss());
    await row.getByRole('button', { name: 'Revoke token ci-runner of admin' }).click();
    expect(await me(token)).toBe(200);
    ui.page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Revoke token ci-runner of admin' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await me(token)).toBe(401);
  });

  it('offers an editor no admin role, lists only their own tokens, and names the field of an error', { timeout: 90_000 }, async () => {
    const eddie = await userWithToken('eddie', 'editor');
    const ep = await ui.newPage(eddie);
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
    const who = await fetch(`${ui.server.url}/api/v1/me`, { headers: { authorization: `Bearer ${mine}` } }).then((r) => r.json());
    expect(who).toMatchObject({ user: { username: 'eddie' }, role: 'editor' });
  });

  it('disables a user so their token is refused, enables and deletes users, and explains a bad user name', { timeout: 90_000 }, async () => {
    const dora = await userWithToken('dora', 'viewer');
    await userWithToken('gone', 'viewer');
    expect(await me(dora)).toBe(200);
    await ui.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const row = ui.page.locator('tr[data-user="dora"]');
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('enabled');
    ui.page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Disable dora' }).click();
    await ui.page.locator('tr[data-user="dora"][data-state="disabled"]').waitFor();
    expect(await row.locator('td').nth(5).textContent()).toBe('disabled');
    expect(await me(dora)).toBe(401);
    await row.getByRole('button', { name: 'Enable dora' }).click();
    await ui.page.locator('tr[data-user="dora"][data-state="enabled"]').waitFor();
    // Enabling does not revive the tokens disabling ended.
    expect(await me(dora)).toBe(401);
    // The signed-in admin cannot disable or delete themselves from here.
    expect(await ui.page.locator('tr[data-user="admin"]').getByRole('button').count()).toBe(0);

    const gone = ui.page.locator('tr[data-user="gone"]');
    ui.page.once('dialog', (d) => void d.accept());
    await gone.getByRole('button', { name: 'Delete gone' }).click();
    await gone.waitFor({ state: 'detached' });
    expect((await apiCall<{ items: Array<{ username: string }> }>(ui.server, 'GET', '/users')).items.map((u) => u.username)).not.toContain('gone');

    await ui.page.getByLabel('User name').fill('bad name!');
    await ui.page.getByRole('button', { name: 'Create user' }).click();
    const alert = ui.page.getByTestId('form-error');
    await alert.waitFor();
    expect((await alert.textContent())!.trim()).toBe('User name may hold letters, digits and . _ @ - (1-64).');
  });
});
