/**
 * The recipe editor's drafts in a real browser: Save keeps a draft while the published version
 * still runs, the facts say so, the draft diffs against the published version and test-runs,
 * Publish makes it the next version; a new recipe's Save makes a never-published recipe; a
 * changed Name renames (after asking) and keeps the URL. A viewer sees the draft but no Publish or Discard.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiCall, fillYaml, hasChromium, postEvent, signIn, uiSuite, viewerPage } from './ui-harness.js';

const recipe = { trigger: { type: 'webhook' }, steps: [{ id: 'hello', action: 'transform', with: { message: 'one' } }] };

describe.skipIf(!hasChromium)('web UI: recipe drafts, publish and rename', () => {
  const ui = uiSuite({ viewport: null, signIn: false });
  beforeAll(async () => {
    await apiCall(ui.server, 'PUT', '/recipes/drafty', recipe);
    await signIn(ui.page, ui.server);
  });

  /** Sends an event to the trigger URL; answers the finished job's recipe and message. */
  const event = async (url: string) => {
    const r = await postEvent(url, '{}');
    expect(r.status).toBe(200);
    const { job_id } = (await r.json()) as { job_id: string };
    await expect.poll(async () => (await apiCall(ui.server, 'GET', `/jobs/${job_id}`)).status, { timeout: 15_000 }).toBe('succeeded');
    const job = await apiCall(ui.server, 'GET', `/jobs/${job_id}`);
    return { id: job_id, recipe: job.recipe as string, message: job.steps[0].output.message as string };
  };
  const facts = () => ui.page.locator('.facts');

  it('saves a draft that does not run, diffs and test-runs it, and publishes it as the next version', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/drafty`);
    await facts().getByText('Published v1').waitFor();
    const url = (await facts().locator('code').textContent())!;
    expect(await ui.page.getByRole('button', { name: 'Publish', exact: true }).count()).toBe(0);

    await ui.page.getByLabel('hello message', { exact: true }).fill('two');
    await ui.page.getByText('The recipe is valid.').waitFor();
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await facts().getByText(/Draft \(unpublished changes, saved .+\)/).waitFor();
    await ui.page.getByRole('button', { name: 'Saved', exact: true }).waitFor();
    await facts().getByText('Published v1').waitFor();
    expect((await apiCall(ui.server, 'GET', '/recipes/drafty/draft')).definition.steps[0].with.message).toBe('two');
    // The trigger URL still runs the published version.
    expect((await event(url)).message).toBe('one');

    await ui.page.getByRole('button', { name: 'Diff draft vs published' }).click();
    const diff = ui.page.getByLabel('Diff');
    await diff.locator('.add', { hasText: 'message: two' }).waitFor();
    await diff.locator('.del', { hasText: 'message: one' }).waitFor();
    await ui.page.getByText('Published v1 → draft').waitFor();

    await ui.page.getByLabel('Sample event body (JSON)').fill('{"n": 1}');
    await ui.page.getByRole('button', { name: 'Run test of the draft' }).click();
    await expect.poll(() => ui.page.getByLabel('Test result of hello').textContent(), { timeout: 15_000 }).toContain('two');
    await ui.page.getByText('(test run of the draft)').waitFor();

    await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await facts().getByText('Published v2').waitFor();
    await expect.poll(() => facts().getByText(/Draft \(unpublished/).count()).toBe(0);
    expect(await ui.page.getByRole('button', { name: 'Publish', exact: true }).count()).toBe(0);
    expect((await event(url)).message).toBe('two');
  });

  it('discards a draft back to the published version', async () => {
    await ui.page.getByLabel('hello message', { exact: true }).fill('three');
    await ui.page.getByText('The recipe is valid.').waitFor();
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await facts().getByText(/Draft \(unpublished/).waitFor();
    ui.page.once('dialog', (d) => void d.accept());
    await ui.page.getByRole('button', { name: 'Discard draft' }).click();
    await expect.poll(() => facts().getByText(/Draft \(unpublished/).count()).toBe(0);
    await expect.poll(() => ui.page.getByLabel('hello message', { exact: true }).inputValue()).toBe('two');
    expect((await apiCall(ui.server, 'GET', '/recipes/drafty')).draft).toBeNull();
  });

  it('a viewer sees the draft state but no Save, Publish or Discard', async () => {
    await apiCall(ui.server, 'PUT', '/recipes/drafty/draft', { ...recipe, steps: [{ id: 'hello', action: 'transform', with: { message: 'four' } }] });
    const vp = await viewerPage(ui, { name: 'drafts viewer' }, {});
    await vp.goto(`${ui.server.url}/recipes/drafty`);
    await vp.locator('.facts').getByText(/Draft \(unpublished/).waitFor();
    await vp.getByRole('button', { name: 'Diff draft vs published' }).waitFor();
    for (const b of [/^Save/, /^Publish$/, /^Discard draft$/, /^Delete$/]) expect(await vp.getByRole('button', { name: b }).count()).toBe(0);
    await apiCall(ui.server, 'DELETE', '/recipes/drafty/draft');
  });

  it('a new recipe\'s Save keeps only a draft: never published, without Start or a URL, until Publish', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/new`);
    await ui.page.getByRole('heading', { name: 'New recipe', level: 1 }).waitFor();
    const text = (n: string) => `name: ${n}\ntrigger: { type: webhook }\nsteps:\n  - id: hello\n    action: transform\n    with: { message: sketched }\n`;
    // A name in use is not overwritten from the new-recipe page.
    await fillYaml(ui.page, text('drafty'));
    await ui.page.getByText('The recipe is valid.').waitFor();
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.page.getByText('A recipe named drafty already exists').waitFor();
    expect((await apiCall(ui.server, 'GET', '/recipes/drafty')).draft).toBeNull();

    await fillYaml(ui.page, text('sketch'));
    await ui.page.getByText('The recipe is valid.').waitFor();
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.page.getByRole('heading', { name: 'Recipe sketch', level: 1 }).waitFor();
    expect(new URL(ui.page.url()).pathname).toBe('/recipes/sketch');
    expect(await apiCall(ui.server, 'GET', '/recipes/sketch')).toMatchObject({ published: false, version: 0, enabled: false, trigger_url: null });
    await facts().getByText('Never published').waitFor();
    await facts().getByText(/Draft \(unpublished/).waitFor();
    await expect.poll(() => ui.page.getByLabel('hello message', { exact: true }).inputValue()).toBe('sketched');
    expect(await ui.page.getByRole('button', { name: 'Start', exact: true }).count()).toBe(0);
    expect(await facts().locator('code').count()).toBe(0);
    await ui.page.getByRole('button', { name: 'Publish', exact: true }).click();
    await facts().getByText('Published v1').waitFor();
    const url = (await facts().locator('code').textContent())!;
    expect((await event(url)).message).toBe('sketched');
    await apiCall(ui.server, 'DELETE', '/recipes/sketch');
  });

  it('a changed Name renames after asking: the trigger URL, versions and jobs stay', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/drafty`);
    await facts().getByText('Published v2').waitFor();
    const url = (await facts().locator('code').textContent())!;
    const before = await event(url);

    // Declining the rename saves nothing.
    ui.page.once('dialog', (d) => void d.dismiss());
    await ui.page.getByLabel('Name', { exact: true }).fill('drafty-renamed');
    await ui.page.getByText('The recipe is valid.').waitFor();
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    await ui.page.getByRole('button', { name: 'Save', exact: true }).waitFor();
    expect((await apiCall(ui.server, 'GET', '/recipes')).items.map((r: { name: string }) => r.name)).toEqual(['drafty']);

    const asked = new Promise<string>((resolve) => ui.page.once('dialog', (d) => { resolve(d.message()); void d.accept(); }));
    await ui.page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await asked).toContain('Rename recipe drafty to drafty-renamed?');
    await ui.page.getByRole('heading', { name: 'Recipe drafty-renamed', level: 1 }).waitFor();
    expect(new URL(ui.page.url()).pathname).toBe('/recipes/drafty-renamed');
    await facts().getByText('Published v2').waitFor();
    expect(await facts().locator('code').textContent()).toBe(url);
    // Only the name changed: nothing is left unpublished.
    expect(await facts().getByText(/Draft \(unpublished/).count()).toBe(0);
    expect((await apiCall(ui.server, 'GET', '/recipes')).items.map((r: { name: string }) => r.name)).toEqual(['drafty-renamed']);

    const after = await event(url);
    expect(after.recipe).toBe('drafty-renamed');
    const jobs = (await apiCall(ui.server, 'GET', '/jobs?recipe=drafty-renamed')).items.map((j: { id: string }) => j.id);
    expect(jobs).toEqual(expect.arrayContaining([before.id, after.id]));
    expect((await apiCall(ui.server, 'GET', '/recipes/drafty-renamed/versions')).items).toHaveLength(2);
  });
});
