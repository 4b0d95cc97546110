/**
 * The Tables page in the browser: a table made in the UI, a row added, edited and deleted, a
 * CSV with a quoted comma and line break imported from a file, and the export link (session
 * cookie only) giving that CSV back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiCall, hasChromium, uiSuite } from './ui-harness.js';

describe.skipIf(!hasChromium)('tables page', () => {
  const ui = uiSuite();

  it('creates a table, edits rows, imports and exports CSV', { timeout: 90_000 }, async () => {
    await ui.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tables' }).click();
    await ui.page.getByRole('heading', { name: 'Tables', level: 1 }).waitFor();
    await ui.page.getByLabel('Table name').fill('team-channels');
    await ui.page.getByLabel(/^Columns/).fill('team:number, channel, urgent:boolean');
    await ui.page.getByRole('button', { name: 'Create table' }).click();
    await ui.page.getByRole('heading', { name: 'Table team-channels' }).waitFor();

    await ui.page.getByRole('button', { name: 'Add row' }).click();
    const form = ui.page.locator('form', { has: ui.page.getByRole('heading', { name: 'New row' }) });
    await form.getByLabel(/^team/).fill('12');
    await form.getByLabel(/^channel/).fill('#service-desk');
    await form.getByLabel(/^urgent/).selectOption('true');
    await form.getByRole('button', { name: 'Save row' }).click();
    await ui.page.locator('tr[data-row="12"]').waitFor();
    expect(await apiCall(ui.server, 'GET', '/tables/team-channels/rows/12')).toEqual({ team: 12, channel: '#service-desk', urgent: true });

    await ui.page.getByRole('button', { name: 'Edit row 12' }).click();
    const edit = ui.page.locator('form', { has: ui.page.getByRole('heading', { name: 'Row 12' }) });
    await edit.getByLabel(/^channel/).fill('#desk');
    await edit.getByRole('button', { name: 'Save row' }).click();
    await ui.page.locator('tr[data-row="12"]', { hasText: '#desk' }).waitFor();
    expect((await apiCall(ui.server, 'GET', '/tables/team-channels/rows/12')).channel).toBe('#desk');

    // A duplicate key shows the server's coded error.
    await ui.page.getByRole('button', { name: 'Add row' }).click();
    const dup = ui.page.locator('form', { has: ui.page.getByRole('heading', { name: 'New row' }) });
    await dup.getByLabel(/^team/).fill('12');
    await dup.getByRole('button', { name: 'Save row' }).click();
    await expect(dup.getByRole('alert').textContent()).resolves.toContain('HF_ERR_TABLE_ROW_EXISTS');
    await dup.getByRole('button', { name: 'Cancel' }).click();

    const csv = 'team,channel,urgent\r\n13,"#net, ops",false\r\n14,"two\r\nlines",\r\n';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hf-ui-csv-')), 'teams.csv');
    fs.writeFileSync(file, csv);
    await ui.page.getByLabel('CSV file').setInputFiles(file);
    await expect(ui.page.getByRole('status').filter({ hasText: 'Imported' }).textContent()).resolves.toBe('Imported 2 rows from teams.csv.');
    await ui.page.locator('tr[data-row="13"]', { hasText: '#net, ops' }).waitFor();

    // A row is deleted only after a confirmation: dismissed, it stays.
    ui.page.once('dialog', (d) => void d.dismiss());
    await ui.page.getByRole('button', { name: 'Delete row 12' }).click();
    await ui.page.waitForTimeout(300);
    expect(await ui.page.locator('tr[data-row="12"]').count()).toBe(1);
    let asked = '';
    ui.page.once('dialog', (d) => { asked = d.message(); void d.accept(); });
    await ui.page.getByRole('button', { name: 'Delete row 12' }).click();
    await ui.page.locator('tr[data-row="12"]').waitFor({ state: 'detached' });
    expect(asked).toBe('Delete the row 12 of table team-channels?');
    const href = await ui.page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    const exported = await ui.page.evaluate(async (u) => (await fetch(u)).text(), href!);
    expect(exported).toBe(csv);

    await ui.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tables' }).click();
    await ui.page.locator('tr[data-table="team-channels"]', { hasText: '2' }).waitFor();
  });
});
