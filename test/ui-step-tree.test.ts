/**
 * The step tree in the recipe editor, in Debian's chromium: an `if` with then/else and a `foreach`
 * with a body built without typing YAML and saved; moves by Alt+ArrowDown, "Move into"/"Move out"
 * and drag and drop; collapse; a nested delete; the trigger form; action search; and a broken YAML
 * keeping the last good step list beside the error.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apiCall, fillYaml, hasChromium, readYaml, uiSuite } from './ui-harness.js';

describe.skipIf(!hasChromium)('step tree', () => {
  const ui = uiSuite();

  const doc = async () => parse(await readYaml(ui.page));
  /** The ids of a list of the YAML, e.g. ids(['steps', 1, 'then']). */
  const ids = async (path: (string | number)[]) => {
    let cur: any = await doc();
    for (const k of path) cur = cur?.[k];
    return (cur ?? []).map((s: any) => s.id);
  };
  const step = (path: string) => ui.page.locator(`li[data-step-path="${path}"]`);
  const head = (path: string) => step(path).locator(':scope > .step-head');
  const valid = () => ui.page.getByText('The recipe is valid.').waitFor();

  it('builds an if with then/else and a foreach with a body, saves exactly that, then moves, collapses and deletes', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/new`);
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    await ui.page.getByLabel('Name', { exact: true }).fill('tree-built');
    await step('steps.0').getByLabel('Action', { exact: true }).locator('option[value="http.request"]').waitFor({ state: 'attached' });

    // An if block comes with its condition and empty then/else lists.
    await ui.page.getByLabel('Kind of step to add', { exact: true }).selectOption('if');
    await ui.page.getByRole('button', { name: 'Add step', exact: true }).click();
    await step('steps.1').getByLabel('if_1 condition', { exact: true }).fill('{{ trigger.body.ok }}');
    await step('steps.1').getByRole('list', { name: 'then of if_1' }).getByText('No steps').waitFor();
    await ui.page.getByRole('button', { name: 'Add step to then of if_1' }).click();
    // The new step is picked by searching the catalog (Enter takes the first match).
    await ui.page.getByLabel('Search actions for step_1', { exact: true }).fill('http request');
    await ui.page.getByLabel('Search actions for step_1', { exact: true }).press('Enter');
    await step('steps.1.then.0').getByLabel('step_1 url', { exact: true }).fill('https://example.com/x');
    await ui.page.getByRole('button', { name: 'Add step to else of if_1' }).click();
    await step('steps.1.else.0').getByLabel('step_2 value', { exact: true }).fill('no');

    await ui.page.getByLabel('Kind of step to add', { exact: true }).selectOption('foreach');
    await ui.page.getByRole('button', { name: 'Add step', exact: true }).click();
    await step('steps.2').getByLabel('foreach_1 items', { exact: true }).fill('{{ trigger.body.items }}');
    await ui.page.getByRole('button', { name: 'Add step to each item of foreach_1' }).click();
    await step('steps.2.steps.0').getByLabel('step_3 value', { exact: true }).fill('{{ item }}');

    await valid();
    await ui.page.getByRole('button', { name: 'Save' }).click();
    await ui.page.getByRole('heading', { name: 'Recipe tree-built' }).waitFor();
    // A new recipe's Save makes it, never published, with this draft.
    const stored = await apiCall(ui.server, 'GET', '/recipes/tree-built/draft');
    expect(stored.definition).toEqual({
      name: 'tree-built',
      trigger: { type: 'webhook' },
      steps: [
        { id: 'first', action: 'transform', with: { message: 'Hello' } },
        {
          id: 'if_1', action: 'if', with: { condition: '{{ trigger.body.ok }}' },
          then: [{ id: 'step_1', action: 'http.request', with: { url: 'https://example.com/x' } }],
          else: [{ id: 'step_2', action: 'transform', with: { value: 'no' } }],
        },
        { id: 'foreach_1', action: 'foreach', with: { items: '{{ trigger.body.items }}' }, steps: [{ id: 'step_3', action: 'transform', with: { value: '{{ item }}' } }] },
      ],
    });

    // Alt+ArrowDown on the focused step moves it; the focus follows it and the move is announced.
    await step('steps.0').getByLabel('Step id', { exact: true }).first().focus();
    await ui.page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => ids(['steps'])).toEqual(['if_1', 'first', 'foreach_1']);
    await expect.poll(() => ui.page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-step-path'))).toBe('steps.1');
    await ui.page.getByText('Moved first to position 2 of top level.').waitFor();

    // Into a block and out again.
    await head('steps.1').getByLabel('Move first into', { exact: true }).selectOption({ label: 'else of if_1' });
    await expect.poll(() => ids(['steps', 0, 'else'])).toEqual(['step_2', 'first']);
    await head('steps.0.else.1').getByRole('button', { name: 'Move first out' }).click();
    await expect.poll(() => ids(['steps'])).toEqual(['if_1', 'first', 'foreach_1']);
    expect(await ids(['steps', 0, 'else'])).toEqual(['step_2']);

    // Drag and drop: else's step_2 before the loop body's step_3, then into the empty else. Both
    // ends in view at once (a scroll in mid-drag loses the drag), so the long forms fold away first.
    await ui.page.setViewportSize({ width: 1280, height: 2400 });
    await head('steps.0.then.0').getByRole('button', { name: 'Toggle step_1' }).click();
    await head('steps.1').getByRole('button', { name: 'Toggle first' }).click();
    await head('steps.0.else.0').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await head('steps.0.else.0').locator('.drag-handle').dragTo(head('steps.2.steps.0'), { targetPosition: { x: 20, y: 3 } });
    await expect.poll(() => ids(['steps', 2, 'steps'])).toEqual(['step_2', 'step_3']);
    expect(await ids(['steps', 0, 'else'])).toEqual([]);
    await head('steps.2.steps.0').locator('.drag-handle').dragTo(ui.page.locator('li[data-empty-list="steps.0.else"]'));
    await expect.poll(() => ids(['steps', 0, 'else'])).toEqual(['step_2']);
    expect(await ids(['steps', 2, 'steps'])).toEqual(['step_3']);

    // Collapse hides the block's inputs and nested steps, not its YAML.
    const before = await readYaml(ui.page);
    const toggle = head('steps.2').getByRole('button', { name: 'Toggle foreach_1' });
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    expect(await step('steps.2.steps.0').count()).toBe(0);
    expect(await ui.page.getByLabel('foreach_1 items', { exact: true }).count()).toBe(0);
    expect(await readYaml(ui.page)).toBe(before);
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');

    // Removing a nested step removes it alone.
    await head('steps.0.then.0').getByRole('button', { name: 'Remove step_1' }).click();
    await expect.poll(() => ids(['steps', 0, 'then'])).toEqual([]);
    expect(await ids(['steps'])).toEqual(['if_1', 'first', 'foreach_1']);
    expect(await ids(['steps', 0, 'else'])).toEqual(['step_2']);
  });

  it('adds switch cases, a default and an on_error handler with ids unique across the recipe, and aims datapills at nested fields', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/new`);
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    await ui.page.getByLabel('Kind of step to add', { exact: true }).selectOption('switch');
    await ui.page.getByRole('button', { name: 'Add step', exact: true }).click();
    await ui.page.getByLabel('New case of switch_1', { exact: true }).fill('incident');
    await ui.page.getByRole('button', { name: 'Add case to switch_1' }).click();
    await ui.page.getByRole('button', { name: 'Add default to switch_1' }).click();
    await ui.page.getByRole('button', { name: 'Add step to case incident of switch_1' }).click();
    await ui.page.getByRole('button', { name: 'Add step to default of switch_1' }).click();
    // A datapill goes into the nested step's field it was aimed at.
    await ui.page.getByLabel('step_1 value', { exact: true }).focus();
    await ui.page.getByRole('button', { name: 'Insert trigger.body', exact: true }).click();
    await ui.page.getByRole('button', { name: 'Add on_error handler to first' }).click();
    await ui.page.getByRole('button', { name: 'Add step to on error of first' }).click();
    // An empty case can go again; a step whose action becomes a block gets the block's list.
    await ui.page.getByLabel('New case of switch_1', { exact: true }).fill('rfc');
    await ui.page.getByLabel('New case of switch_1', { exact: true }).press('Enter');
    await expect.poll(async () => Object.keys((await doc()).steps[1].cases)).toEqual(['incident', 'rfc']);
    await ui.page.getByRole('button', { name: 'Remove case rfc of switch_1' }).click();
    await expect.poll(async () => Object.keys((await doc()).steps[1].cases)).toEqual(['incident']);
    await ui.page.getByLabel('Kind of step to add', { exact: true }).selectOption('action');
    await ui.page.getByRole('button', { name: 'Add step', exact: true }).click();
    await step('steps.2').getByLabel('Action', { exact: true }).selectOption('foreach');
    await expect.poll(async () => (await doc()).steps[2]).toEqual({ id: 'step_4', action: 'foreach', steps: [] });
    const d = await doc();
    expect(d.steps[1]).toEqual({ id: 'switch_1', action: 'switch', with: { value: '' }, cases: { incident: [{ id: 'step_1', action: 'transform', with: { value: '{{ trigger.body }}' } }] }, default: [{ id: 'step_2', action: 'transform', with: { value: '' } }] });
    expect(d.steps[0].on_error).toEqual([{ id: 'step_3', action: 'transform', with: { value: '' } }]);
  });

  it('edits the trigger config as a form, and a change of type keeps only keys the new type has', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/new`);
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    await ui.page.getByLabel('trigger dedup_key', { exact: true }).fill('{{ body.id }}');
    await ui.page.getByLabel('trigger body_limit', { exact: true }).fill('1000');
    await expect.poll(async () => (await doc()).trigger).toEqual({ type: 'webhook', dedup_key: '{{ body.id }}', body_limit: 1000 });
    await ui.page.getByLabel('Trigger', { exact: true }).selectOption('schedule');
    await expect.poll(async () => (await doc()).trigger).toEqual({ type: 'schedule' });
    await ui.page.getByLabel('trigger cron', { exact: true }).fill('0 8 * * 1-5');
    await expect.poll(async () => (await doc()).trigger).toEqual({ type: 'schedule', cron: '0 8 * * 1-5' });
  });

  it('filters the action picker by search and keeps an unknown action listed', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/new`);
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    await fillYaml(ui.page, 'name: s\ntrigger: { type: webhook }\nsteps:\n  - id: first\n    action: custom.thing\n');
    const select = step('steps.0').getByLabel('Action', { exact: true });
    await select.locator('option[value="http.request"]').waitFor({ state: 'attached' });
    // Typing a step id keeps the focus in its field, key by key.
    await step('steps.0').getByLabel('Step id', { exact: true }).click();
    await ui.page.keyboard.press('End');
    await ui.page.keyboard.type('_two');
    await expect.poll(async () => (await doc()).steps[0].id).toBe('first_two');
    await fillYaml(ui.page, 'name: s\ntrigger: { type: webhook }\nsteps:\n  - id: first\n    action: custom.thing\n');
    await ui.page.getByLabel('Search actions for first', { exact: true }).fill('graphql');
    await expect.poll(() => select.locator('option[value="http.request"]').count()).toBe(0);
    expect(await select.locator('option[value="4me.graphql"]').count()).toBe(1);
    expect(await select.locator('option[value="custom.thing"]').textContent()).toContain('not in the catalog');
    // description words match too
    await ui.page.getByLabel('Search actions for first', { exact: true }).fill('any HTTP API');
    await expect.poll(() => select.locator('option[value="http.request"]').count()).toBe(1);
    expect(await select.locator('option[value="4me.graphql"]').count()).toBe(0);
  });

  it('keeps the last good step list, read-only, beside the parse error of a broken YAML', async () => {
    await ui.page.goto(`${ui.server.url}/recipes/new`);
    await ui.page.getByRole('heading', { name: 'New recipe' }).waitFor();
    await fillYaml(ui.page, 'name: b\ntrigger: { type: webhook }\nsteps:\n  - id: good\n    action: if\n    with: { condition: "{{ true }}" }\n    then:\n      - id: inner\n        action: transform\n');
    await step('steps.0.then.0').waitFor();
    await fillYaml(ui.page, 'name: b\ntrigger: { type: webhook }\nsteps:\n  - id: good\n    action: [if\n');
    const alert = ui.page.getByRole('alert').filter({ hasText: 'The YAML does not parse' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/line \d+/);
    expect(await ui.page.getByText('Fix the YAML to edit visually.').count()).toBe(0);
    const stale = ui.page.locator('.stale');
    await stale.locator('li[data-step-path="steps.0.then.0"]').waitFor();
    expect(await stale.getByLabel('Step id', { exact: true }).first().inputValue()).toBe('good');
    expect(await stale.getByLabel('Step id', { exact: true }).first().isDisabled()).toBe(true);
    expect(await stale.getByRole('button', { name: 'Remove good' }).count()).toBe(0);
  });
});
