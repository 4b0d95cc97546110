/**
 * Datapill popovers in the recipe editor, in Debian's chromium: a captured sample's values beside
 * its fields, search, keyboard insertion at the field's cursor, Escape returning focus, a literal
 * control switched to an expression, and the stored YAML holding what was inserted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiCall, hasChromium, postEvent, readYaml, signIn, uiSuite, viewerPage } from './ui-harness.js';

const RECIPE = `name: pill-demo
trigger: { type: webhook }
steps:
  - id: prep
    action: transform
    with: { note: ready }
  - id: call
    action: http.request
    connection: crm
    with:
      url: /items/?x=1
`;

describe.skipIf(!hasChromium)('datapill popovers', () => {
  const ui = uiSuite({ signIn: false });
  beforeAll(async () => {
    await apiCall(ui.server, 'POST', '/connections', { name: 'crm', type: 'http', config: { base_url: 'https://crm.example.com/v1' } });
    const r = await apiCall(ui.server, 'PUT', '/recipes/pill-demo', RECIPE, true);
    // Capture a sample as a person would: arm it, then the next event to the trigger URL is kept.
    await apiCall(ui.server, 'POST', '/recipes/pill-demo/sample/capture');
    const hook = await postEvent(r.trigger_url, { customer: { name: 'Ann Example', email: 'ann@example.com' }, lines: [{ sku: 'A-1' }] });
    expect(hook.status).toBe(200);
    for (let i = 0; !(await apiCall(ui.server, 'GET', '/recipes/pill-demo/sample')).captured_at; i++) {
      if (i > 100) throw new Error('the sample was not captured');
      await new Promise((res) => setTimeout(res, 100));
    }
    await signIn(ui.page, ui.server);
  });

  it('shows sample values, searches, and inserts with the keyboard at the cursor', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/pill-demo`);
    await ui.page.getByRole('heading', { name: 'Recipe pill-demo' }).waitFor();
    await ui.page.getByText(/Sample captured/).waitFor();
    const url = ui.page.getByLabel('call url', { exact: true });
    await expect(url.inputValue()).resolves.toBe('/items/?x=1');
    // The cursor after "/items/", before the query.
    await url.click();
    await ui.page.keyboard.press('End');
    for (let i = 0; i < 4; i++) await ui.page.keyboard.press('ArrowLeft');

    const opener = ui.page.getByRole('button', { name: 'Insert datapill into call url' });
    await opener.click();
    const dialog = ui.page.getByRole('dialog', { name: 'Datapills for call url' });
    await dialog.waitFor();
    const search = dialog.getByRole('combobox', { name: 'Search datapills' });
    await expect(search.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    // Grouped: the trigger with its sample values, the earlier step, not the step itself.
    const name = dialog.getByRole('option', { name: /^trigger\.body\.customer\.name\b/ });
    await expect(name.locator('.pill-sample').textContent()).resolves.toBe('Ann Example');
    await expect(name.locator('.pill-type').textContent()).resolves.toBe('string');
    await dialog.getByRole('group', { name: 'Step prep' }).getByRole('option', { name: /^steps\.prep\.note\b/ }).waitFor();
    expect(await dialog.getByRole('option', { name: /^steps\.call/ }).count()).toBe(0);

    // Search narrows to label/expression matches; arrows move, Enter inserts.
    await search.fill('customer');
    const options = dialog.getByRole('option');
    await expect.poll(() => options.locator('code').allTextContents()).toEqual(['trigger.body.customer', 'trigger.body.customer.name', 'trigger.body.customer.email']);
    // A long value is cut, with its type shown.
    await expect(options.nth(0).locator('.pill-sample').textContent()).resolves.toMatch(/^\{"name":"Ann Example",.*…$/);
    await expect(options.nth(0).locator('.pill-type').textContent()).resolves.toBe('object');
    await expect(options.nth(0).getAttribute('aria-selected')).resolves.toBe('true');
    await ui.page.keyboard.press('ArrowDown');
    await ui.page.keyboard.press('ArrowDown');
    await ui.page.keyboard.press('ArrowUp');
    await expect(options.nth(1).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(search.getAttribute('aria-activedescendant')).resolves.toBe(await options.nth(1).getAttribute('id'));
    await ui.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect(url.inputValue()).resolves.toBe('/items/{{ trigger.body.customer.name }}?x=1');
    // Focus is back in the field, after the inserted text: typing goes on from there.
    await ui.page.keyboard.type('/x');
    await expect(url.inputValue()).resolves.toBe('/items/{{ trigger.body.customer.name }}/x?x=1');
    await expect.poll(() => readYaml(ui.page)).toContain('url: /items/{{ trigger.body.customer.name }}/x?x=1');

    // Escape closes without inserting and gives focus back to the button.
    await opener.click();
    await dialog.waitFor();
    await ui.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(opener.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expect(url.inputValue()).resolves.toBe('/items/{{ trigger.body.customer.name }}/x?x=1');
    // The button toggles it, and tabbing out of it closes it.
    await opener.click();
    await dialog.waitFor();
    await opener.click();
    await dialog.waitFor({ state: 'detached' });
    await opener.click();
    await dialog.getByRole('combobox', { name: 'Search datapills' }).press('Tab');
    await dialog.waitFor({ state: 'detached' });
  });

  it('switches a literal control to an expression holding the pill, and saves it', async () => {
    const opener = ui.page.getByRole('button', { name: 'Insert datapill into call timeout_seconds' });
    expect(await ui.page.getByLabel('call timeout_seconds', { exact: true }).getAttribute('type')).toBe('number');
    await opener.click();
    const dialog = ui.page.getByRole('dialog', { name: 'Datapills for call timeout_seconds' });
    await dialog.getByRole('combobox', { name: 'Search datapills' }).fill('sku');
    await dialog.getByRole('option', { name: /^trigger\.body\.lines\[0\]\.sku\b/ }).click();
    const field = ui.page.getByLabel('call timeout_seconds', { exact: true });
    await expect.poll(() => field.getAttribute('type')).toBe('text');
    await expect(field.inputValue()).resolves.toBe('{{ trigger.body.lines[0].sku }}');
    await expect(ui.page.getByRole('button', { name: 'call timeout_seconds: use a literal value' }).getAttribute('aria-pressed')).resolves.toBe('true');

    await ui.page.getByText('The recipe is valid.').waitFor();
    // Save keeps a draft (the published version is untouched until Publish).
    await ui.page.getByRole('button', { name: 'Save' }).click();
    await ui.page.locator('.facts').getByText(/Draft \(unpublished/).waitFor();
    const stored = await apiCall(ui.server, 'GET', '/recipes/pill-demo/draft');
    expect(stored.definition.steps[1].with).toEqual({ url: '/items/{{ trigger.body.customer.name }}/x?x=1', timeout_seconds: '{{ trigger.body.lines[0].sku }}' });
  });

  it('offers a viewer no datapill buttons', async () => {
    const vp = await viewerPage(ui, { name: 'pills viewer' }, {});
    await vp.goto(`${ui.server.url}/recipes/pill-demo`);
    await vp.getByLabel('call url', { exact: true }).waitFor();
    expect(await vp.getByRole('button', { name: /^Insert datapill/ }).count()).toBe(0);
    // The editor does show them: the count above is not zero for want of a rendered form.
    expect(await ui.page.getByRole('button', { name: /^Insert datapill/ }).count()).toBeGreaterThan(2);
  });
});
