/**
 * The step form in the recipe editor, in Debian's chromium: the action picked from the catalog,
 * its inputs as a form from the input schema, the connection from a dropdown of matching ones,
 * and a change of action dropping the old action's inputs — all without typing YAML.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiCall, fillYaml, hasChromium, readYaml, signIn, uiSuite } from './ui-harness.js';

describe.skipIf(!hasChromium)('step form from the catalog', () => {
  const ui = uiSuite({ signIn: false });
  beforeAll(async () => {
    await apiCall(ui.server, 'POST', '/connections', { name: 'crm', type: 'http', config: { base_url: 'https://crm.example.com/v1' } });
    await signIn(ui.page, ui.server);
  });

  const yamlText = () => readYaml(ui.page);

  it('builds an http.request step from the form, then a change of action drops its inputs', async () => {
    await ui.page.getByRole('link', { name: 'Recipes', exact: true }).click();
    await ui.page.getByRole('link', { name: 'New recipe' }).click();
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    await ui.page.getByLabel('Name', { exact: true }).fill('form-built');
    const step = ui.page.locator('[data-step-index="0"]');

    // The picker groups actions by connector and shows the chosen one's description.
    const action = step.getByLabel('Action', { exact: true });
    await action.locator('option[value="http.request"]').waitFor({ state: 'attached' }); // the catalog answered
    expect(await action.locator('optgroup[label="http"] option[value="http.request"]').count()).toBe(1);
    expect(await action.locator('optgroup[label="core"] option[value="transform"]').count()).toBe(1);
    // transform takes no connection: no dropdown.
    expect(await step.getByLabel('Connection', { exact: true }).count()).toBe(0);
    await action.selectOption('http.request');
    await step.getByText('Calls any HTTP API').waitFor();
    // The template's transform input is not an http.request input: it is gone, not hidden.
    expect(await yamlText()).not.toContain('message');

    // Fields from the schema: url required, method optional, an enum as a select, help text.
    await expect(step.locator('[data-field="url"] label').textContent()).resolves.toMatch(/URL\s*\*/);
    expect(await step.locator('[data-field="method"] .required').count()).toBe(0);
    await step.locator('[data-field="url"]').getByText('relative to the connection').waitFor();
    const bodyType = step.getByLabel('first body_type', { exact: true });
    expect(await bodyType.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await step.getByLabel('first timeout_seconds', { exact: true }).getAttribute('type')).toBe('number');

    // Connections offered are those of accepted types, with the way to make a new one.
    const conn = step.getByLabel('Connection', { exact: true });
    expect(await conn.locator('option[value="crm"]').count()).toBe(1);
    expect(await step.getByRole('link', { name: 'New connection…' }).getAttribute('href')).toBe('/connections/new');
    await conn.selectOption('crm');

    await step.getByLabel('first url', { exact: true }).fill('/items/{{ trigger.body.id }}');
    await step.getByLabel('first method', { exact: true }).fill('POST');
    await bodyType.selectOption('json');
    await step.getByLabel('first timeout_seconds', { exact: true }).fill('12');
    // An object input is JSON text; typed literally it is stored as an object.
    await step.getByLabel('first headers', { exact: true }).fill('{"x-team": "ops"}');
    // A select switched to expression mode takes {{ }} text.
    await step.getByRole('button', { name: 'first response_type: use an expression' }).click();
    await step.getByLabel('first response_type', { exact: true }).fill('{{ trigger.body.kind }}');
    await ui.page.getByText('The recipe is valid.').waitFor();
    await ui.page.getByRole('button', { name: 'Save' }).click();
    await ui.page.getByRole('heading', { name: 'Recipe form-built' }).waitFor();
    await ui.page.locator('.facts').getByText('Never published').waitFor();
    await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await ui.page.locator('.facts').getByText('Published v1').waitFor();

    const stored = await apiCall(ui.server, 'GET', '/recipes/form-built');
    expect(stored.definition.steps[0]).toEqual({
      id: 'first', action: 'http.request', connection: 'crm',
      with: { url: '/items/{{ trigger.body.id }}', method: 'POST', body_type: 'json', timeout_seconds: 12, headers: { 'x-team': 'ops' }, response_type: '{{ trigger.body.kind }}' },
    });

    // Back to transform: the http inputs and the connection go, in the YAML and once saved.
    const saved = ui.page.locator('[data-step-index="0"]');
    await saved.getByLabel('Action', { exact: true }).selectOption('transform');
    await expect.poll(yamlText).not.toContain('http.request');
    const text = await yamlText();
    for (const gone of ['url:', 'method:', 'body_type', 'timeout_seconds', 'connection:', 'crm']) expect(text).not.toContain(gone);
    expect(await saved.getByLabel('Connection', { exact: true }).count()).toBe(0);
    await saved.getByLabel('New input of first').fill('note');
    await saved.getByRole('button', { name: 'Add input' }).click();
    await saved.getByLabel('first note', { exact: true }).fill('done');
    await ui.page.getByText('The recipe is valid.').waitFor();
    await ui.page.getByRole('button', { name: 'Save' }).click();
    await ui.page.locator('.facts').getByText(/Draft \(unpublished/).waitFor();
    await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await ui.page.locator('.facts').getByText('v2').waitFor();
    const after = await apiCall(ui.server, 'GET', '/recipes/form-built');
    expect(after.definition.steps[0]).toEqual({ id: 'first', action: 'transform', with: { note: 'done' } });
  });

  it('keeps inputs the schema does not name visible and marked', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/new`);
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    await fillYaml(ui.page, 'name: stale\ntrigger: { type: webhook }\nsteps:\n  - id: call\n    action: http.request\n    connection: crm\n    with: { url: /x, bogus: 1 }\n');
    const field = ui.page.locator('[data-step-index="0"] [data-field="bogus"]');
    await field.getByText('not an input of this action').waitFor();
    await expect(ui.page.getByLabel('call bogus', { exact: true }).inputValue()).resolves.toBe('1');
    await field.getByRole('button', { name: 'Remove call bogus' }).click();
    await expect.poll(yamlText).not.toContain('bogus');
  });
});
