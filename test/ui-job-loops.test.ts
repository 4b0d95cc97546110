/**
 * The job page with a loop and a called recipe: iterations are grouped per index and folded
 * away until opened, and parent and child job pages link each other.
 */
import { describe, expect, it } from 'vitest';
import { apiCall, hasChromium, postEvent, shot, uiSuite, waitJob } from './ui-harness.js';

describe.skipIf(!hasChromium)('job page with loops and child jobs', () => {
  const ui = uiSuite();

  it('shows iterations per index, collapsible, and links parent and child', async () => {
    await apiCall(ui.server, 'PUT', '/recipes/label-ci', { name: 'label-ci', trigger: { type: 'callable' }, steps: [{ id: 'label', action: 'transform', with: { v: 'CI {{ trigger.input.ci }}' } }], result: '{{ steps.label.v }}' });
    const r = await apiCall(ui.server, 'PUT', '/recipes/cis-ui', { name: 'cis-ui', trigger: { type: 'webhook' }, steps: [
      { id: 'each', action: 'foreach', with: { items: '{{ trigger.body.cis }}' }, steps: [
        { id: 'name', action: 'recipe.call', with: { recipe: 'label-ci', input: { ci: '{{ item }}' } } },
      ] },
    ] });
    const hook = await postEvent(`${ui.server.url}${new URL(r.trigger_url).pathname}`, { cis: ['a1', 'b2', 'c3'] });
    const { job_id } = await hook.json();
    const job = await waitJob(ui.server, job_id);
    expect(job.status).toBe('succeeded');
    expect(job.steps.find((s: { id: string }) => s.id === 'each').output).toEqual(['CI a1', 'CI b2', 'CI c3']);

    await ui.page.goto(`${ui.server.url}/jobs/${job.number}`);
    const iterations = ui.page.locator('[data-iterations="each"]');
    await expect(iterations.locator('> summary').textContent()).resolves.toBe('3 iterations');
    // Folded: the iteration's steps are not shown until opened.
    const second = ui.page.locator('[data-iteration="each[1]"]');
    expect(await second.locator('[data-step="each[1].name"]').isVisible()).toBe(false);
    await iterations.locator('> summary').click();
    await second.locator('> summary').click();
    const step = second.locator('[data-step="each[1].name"]');
    expect(await step.isVisible()).toBe(true);
    await expect(step.locator('strong').first().textContent()).resolves.toBe('name');
    const child = job.children.find((c: { step: string }) => c.step === 'each[1].name');
    const link = step.getByRole('link', { name: `#${child.number}` });
    await shot(ui.page, 'job-loop-iterations');
    await link.click();
    await ui.page.waitForURL(`**/jobs/${child.number}`);
    const back = ui.page.getByRole('link', { name: `#${job.number}` });
    await back.waitFor();
    await expect(ui.page.locator('main').textContent()).resolves.toContain('Called by');
    await back.click();
    await ui.page.waitForURL(`**/jobs/${job.number}`);
  });
});
