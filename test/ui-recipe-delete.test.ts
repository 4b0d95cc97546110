/**
 * The recipe page's Delete (confirmation naming the recipe, then the recipe list) and the
 * unsaved-changes prompt: leaving the editor through the app's navigation, or reloading the tab,
 * with unsaved edits asks first; staying keeps the edit; after saving nothing asks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dialog, Page } from 'playwright-core';
import { apiCall, hasChromium, readYaml, uiSuite, yamlEditor } from './ui-harness.js';

const recipe = { trigger: { type: 'webhook' }, steps: [{ id: 'hello', action: 'transform', with: { message: 'Hello' } }] };

describe.skipIf(!hasChromium)('web UI: recipe delete and unsaved changes', () => {
  const ui = uiSuite({ viewport: null, page: false });
  beforeAll(async () => {
    await apiCall(ui.server, 'PUT', '/recipes/doomed', recipe);
    await apiCall(ui.server, 'PUT', '/recipes/draft-me', recipe);
  });

  /** Answers the next dialog with `accept`, and gives what it said. */
  const nextDialog = (page: Page, accept: boolean) => new Promise<Dialog>((resolve) => {
    page.once('dialog', async (d) => {
      resolve(d);
      await (accept ? d.accept() : d.dismiss());
    });
  });

  it('deletes a recipe after a confirmation naming it, then shows the recipe list', async () => {
    const page = await ui.newPage();
    await page.goto(`${ui.server.url}/recipes/doomed`);
    await page.getByRole('heading', { name: 'Recipe doomed', level: 1 }).waitFor();

    // Declining keeps the recipe.
    let asked = nextDialog(page, false);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    expect((await asked).message()).toContain('Delete recipe doomed?');
    expect((await apiCall(ui.server, 'GET', '/recipes')).items.map((r: { name: string }) => r.name)).toContain('doomed');
    expect(new URL(page.url()).pathname).toBe('/recipes/doomed');

    asked = nextDialog(page, true);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    expect((await asked).type()).toBe('confirm');
    await page.getByRole('heading', { name: 'Recipes', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/recipes');
    await page.getByRole('link', { name: 'draft-me' }).waitFor();
    expect(await page.getByRole('link', { name: 'doomed', exact: true }).count()).toBe(0);
    expect((await apiCall(ui.server, 'GET', '/recipes')).items.map((r: { name: string }) => r.name)).not.toContain('doomed');
    await page.context().close();
  });

  it('asks before leaving with unsaved edits; staying keeps the edit; after saving it lets go', async () => {
    const page = await ui.newPage();
    await page.goto(`${ui.server.url}/recipes/draft-me`);
    await page.getByRole('heading', { name: 'Recipe draft-me', level: 1 }).waitFor();
    const yaml = yamlEditor(page);
    await expect.poll(() => readYaml(page)).toContain('Hello');
    await yaml.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# kept edit\n');
    const nav = page.getByRole('navigation', { name: 'Main' });

    // Another nav link asks; staying keeps the page and the edit.
    const asked = nextDialog(page, false);
    await nav.getByRole('link', { name: 'Jobs' }).click();
    expect((await asked).message()).toContain('unsaved changes');
    expect(new URL(page.url()).pathname).toBe('/recipes/draft-me');
    expect(await readYaml(page)).toContain('# kept edit');

    // Reloading the tab asks through the browser's own beforeunload dialog.
    const unload = nextDialog(page, false);
    void page.reload().catch(() => undefined);
    expect((await unload).type()).toBe('beforeunload');
    expect(await readYaml(page)).toContain('# kept edit');

    // Saved: nothing to lose, so leaving asks nothing.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Saved', exact: true }).waitFor();
    const seen: string[] = [];
    page.on('dialog', (d) => { seen.push(d.message()); void d.dismiss(); });
    await nav.getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    expect(seen).toEqual([]);
    await page.context().close();
  });
});
