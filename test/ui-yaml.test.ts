/**
 * The recipe editor's YAML pane (CodeMirror) in Debian's chromium: line numbers, the server's
 * problems as lint markers on the lines they cite, Ctrl+S saving, datapill insertion at the
 * cursor, and a viewer's read-only pane.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiCall, fillYaml, hasChromium, readYaml, signIn, uiSuite, viewerPage, yamlEditor } from './ui-harness.js';

const RECIPE = 'name: yaml-pane\ntrigger:\n  type: webhook\nsteps:\n  - id: first\n    action: transform\n    with:\n      message: Hello\n';

describe.skipIf(!hasChromium)('YAML pane', () => {
  const ui = uiSuite({ viewport: { width: 1280, height: 800 }, signIn: false });
  beforeAll(async () => {
    await apiCall(ui.server, 'PUT', '/recipes/yaml-pane', RECIPE, true);
    await signIn(ui.page, ui.server);
  });

  const open = async (p: Page) => {
    await p.goto(`${ui.server.url}/recipes/yaml-pane`);
    await p.getByRole('heading', { name: 'Recipe yaml-pane' }).waitFor();
    await yamlEditor(p).locator('.cm-line', { hasText: 'message: Hello' }).waitFor();
  };

  it('shows the recipe with line numbers', async () => {
    await open(ui.page);
    await expect(readYaml(ui.page)).resolves.toBe(RECIPE);
    const numbers = await ui.page.locator('.cm-lineNumbers .cm-gutterElement').allTextContents();
    // The first gutter element is CodeMirror's hidden width probe; the rest number each line.
    expect(numbers.filter((n) => n !== '').slice(-9)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('marks the line of an unknown action, and only that line', async () => {
    await open(ui.page);
    await fillYaml(ui.page, RECIPE.replace('action: transform', 'action: transfrom'));
    await ui.page.getByRole('list', { name: 'Problems' }).getByText('line 6').waitFor();
    const marked = yamlEditor(ui.page).locator('.cm-line:has(.cm-lintRange-error)');
    await marked.first().waitFor();
    await expect(marked.allTextContents()).resolves.toEqual(['    action: transfrom']);
    // The gutter marker sits beside that line.
    const marker = ui.page.locator('.cm-gutter-lint .cm-lint-marker-error');
    await expect(marker.count()).resolves.toBe(1);
    const [m, line] = await Promise.all([marker.boundingBox(), marked.boundingBox()]);
    expect(Math.abs(m!.y + m!.height / 2 - (line!.y + line!.height / 2))).toBeLessThan(line!.height / 2);
    // A YAML that does not parse is marked too, before the server answers.
    await fillYaml(ui.page, RECIPE.replace('  type: webhook', '  type: [webhook'));
    await yamlEditor(ui.page).locator('.cm-lintRange-error').first().waitFor();
    // Fixed again, the markers go.
    await fillYaml(ui.page, RECIPE);
    await ui.page.getByText('The recipe is valid.').waitFor();
    await expect(yamlEditor(ui.page).locator('.cm-lintRange-error').count()).resolves.toBe(0);
  });

  it('saves with Ctrl+S and inserts a datapill at the cursor', async () => {
    await open(ui.page);
    const line = yamlEditor(ui.page).locator('.cm-line', { hasText: 'message: Hello' });
    await line.click();
    await ui.page.keyboard.press('End');
    await ui.page.keyboard.type(' ');
    await ui.page.getByRole('button', { name: 'Insert trigger.body', exact: true }).click();
    await expect(readYaml(ui.page)).resolves.toContain('message: Hello {{ trigger.body }}');
    await ui.page.getByText('The recipe is valid.').waitFor();
    await yamlEditor(ui.page).focus();
    await ui.page.keyboard.press('Control+s');
    await ui.page.getByRole('button', { name: 'Saved' }).waitFor();
    // Saved as the draft; the published version is unchanged until Publish.
    expect((await apiCall(ui.server, 'GET', '/recipes/yaml-pane')).version).toBe(1);
    expect((await apiCall(ui.server, 'GET', '/recipes/yaml-pane/draft')).definition.steps[0].with.message).toBe('Hello {{ trigger.body }}');
  });

  it('is read-only for a viewer', async () => {
    const vp = await viewerPage(ui, { name: 'yaml viewer' }, {});
    await open(vp);
    await expect(yamlEditor(vp).getAttribute('contenteditable')).resolves.toBe('false');
    const before = await readYaml(vp);
    await yamlEditor(vp).click();
    await vp.keyboard.type('zzz');
    await vp.keyboard.press('Control+s');
    const after = await readYaml(vp);
    expect(after).toBe(before);
    expect(after).not.toContain('zzz');
    expect(await vp.getByRole('button', { name: /^Save/ }).count()).toBe(0);
  });
});
