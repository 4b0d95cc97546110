/**
 * The flow diagram in a real browser: the editor draws a recipe's boxes and branch labels and keeps
 * the last good diagram while the YAML is broken; the job page shows the job's path (taken branch
 * succeeded, the other not reached, loop counts), follows a running job live, and a box leads to
 * its step in the timeline; at 200% zoom the diagram scrolls inside its panel and no text overlaps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { apiCall, fillYaml, hasChromium, postEvent, readYaml, shot, uiSuite, type Server } from './ui-harness.js';

const RECIPE = {
  name: 'flow-ui', trigger: { type: 'webhook' },
  steps: [
    { id: 'check', action: 'if', with: { condition: '{{ trigger.body.go }}' }, then: [{ id: 'yes', action: 'transform', with: { v: 1 } }], else: [{ id: 'no', action: 'transform', with: { v: 2 } }] },
    { id: 'each', action: 'foreach', with: { items: '{{ trigger.body.xs }}' }, steps: [{ id: 'double', action: 'transform', with: { v: '{{ item * 2 }}' } }] },
    { id: 'pause', action: 'wait', with: { seconds: '{{ trigger.body.wait }}' } },
    { id: 'after', action: 'transform', with: { done: true } },
  ],
};

const box = (page: Page, step: string) => page.locator(`.flow [data-flow-step="${step}"]`);
const edge = (page: Page, label: string) => page.locator(`.flow [data-edge="${label}"]`);

async function send(server: Server, url: string, body: unknown): Promise<string> {
  const r = await postEvent(`${server.url}${new URL(url).pathname}`, body);
  return (await r.json()).job_id;
}
async function settled(server: Server, id: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const job = await apiCall(server, 'GET', `/jobs/${id}`);
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Whether two boxes share any area (touching edges do not count). */
const overlap = (a: DOMRect | { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

async function textRects(l: Locator) {
  return l.locator('text').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height, t: e.textContent }; }));
}

describe.skipIf(!hasChromium)('flow diagram', () => {
  const ui = uiSuite({ page: false });
  let url: string;
  beforeAll(async () => {
    url = (await apiCall(ui.server, 'PUT', '/recipes/flow-ui', RECIPE)).trigger_url;
  });

  it('shows the recipe\'s boxes and branch labels in the editor, and keeps them while the YAML is broken', async () => {
    const page = await ui.newPage();
    await page.goto(`${ui.server.url}/recipes/flow-ui`);
    const flow = page.getByRole('region', { name: 'Flow of the recipe (scrollable)' });
    await flow.getByRole('img', { name: /^Flow of the recipe: 9 boxes/ }).waitFor();
    for (const [step, action] of [['check', 'if'], ['yes', 'transform'], ['no', 'transform'], ['each', 'foreach'], ['double', 'transform'], ['pause', 'wait']]) {
      await expect(box(page, step!).locator('text').allTextContents()).resolves.toEqual([step, action]);
      await expect(box(page, step!).locator('title').textContent()).resolves.toBe(`${step} (${action})`);
    }
    for (const l of ['then', 'else', 'each item', 'next item', 'done']) expect(await edge(page, l).count(), l).toBe(1);
    await expect(page.locator('.flow .sr-only').textContent()).resolves.toContain('check (if)then: yes (transform)else: no (transform)');
    await flow.scrollIntoViewIfNeeded();
    await shot(page, 'editor-flow');

    const good = await readYaml(page);
    await fillYaml(page, `${good}\n  - id: [broken`);
    await page.getByText('The YAML has an error: this is the flow of the last YAML that parsed.').waitFor();
    expect(await box(page, 'check').count()).toBe(1);
    await fillYaml(page, good.replace('steps:\n', 'steps:\n  - id: first\n    action: transform\n'));
    await box(page, 'first').waitFor();
    expect(await page.getByText('The YAML has an error').count()).toBe(0);
    await page.context().close();
  });

  it('shows a job\'s path: the taken branch succeeded, the other not reached, loop counts, live', async () => {
    const id = await send(ui.server, url, { go: true, xs: [1, 2, 3], wait: 5 });
    const page = await ui.newPage();
    const { number } = await apiCall(ui.server, 'GET', `/jobs/${id}`);
    await page.goto(`${ui.server.url}/jobs/${number}`);
    await box(page, 'check').waitFor();
    // Live: while the wait step waits (5 s), what follows it is not reached; then the page follows
    // the job to its end without a reload.
    await expect.poll(() => box(page, 'pause').getAttribute('data-status'), { timeout: 20_000 }).toBe('waiting');
    await expect(box(page, 'after').getAttribute('data-status')).resolves.toBe('not reached');
    await expect.poll(() => box(page, 'after').getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    expect((await settled(ui.server, id)).status).toBe('succeeded');

    await expect(box(page, 'yes').getAttribute('data-status')).resolves.toBe('succeeded');
    await expect(box(page, 'no').getAttribute('data-status')).resolves.toBe('not reached');
    await expect(box(page, 'no').locator('title').textContent()).resolves.toBe('no (transform): not reached');
    await expect(edge(page, 'then').getAttribute('class')).resolves.toContain('taken');
    await expect(edge(page, 'else').getAttribute('class')).resolves.not.toContain('taken');
    await expect(box(page, 'each').locator('text').nth(2).textContent()).resolves.toBe('succeeded · 3 iterations');
    await expect(box(page, 'double').locator('text').nth(2).textContent()).resolves.toBe('succeeded · ×3');
    await expect(page.locator('.flow [data-flow-node="end"]').getAttribute('data-status')).resolves.toBe('succeeded');
    await page.locator('.flow').scrollIntoViewIfNeeded();
    await shot(page, 'job-flow');

    // A box leads to its step in the timeline, opening folded iterations.
    await page.getByRole('button', { name: 'Show step yes in the timeline (succeeded)' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-step'))).toBe('yes');
    await page.getByRole('button', { name: 'Show step double in the timeline (succeeded · ×3)' }).press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-step'))).toBe('each[0].double');
    expect(await page.locator('[data-step="each[0].double"]').isVisible()).toBe(true);
    // Not reached: nothing to show, so no button.
    expect(await page.getByRole('button', { name: /Show step no / }).count()).toBe(0);
    await page.context().close();
  });

  it('draws a recipe of 200 steps with branches in the editor', async () => {
    const steps = Array.from({ length: 200 }, (_, i) => (i % 20 === 0
      ? { id: `s${i}`, action: 'if', with: { condition: '{{ trigger.body.go }}' }, then: [{ id: `t${i}`, action: 'transform', with: { v: i } }] }
      : { id: `s${i}`, action: 'transform', with: { v: i } }));
    await apiCall(ui.server, 'PUT', '/recipes/flow-big', { name: 'flow-big', trigger: { type: 'webhook' }, steps });
    const page = await ui.newPage();
    await page.goto(`${ui.server.url}/recipes/flow-big`);
    await page.getByRole('img', { name: /^Flow of the recipe: 212 boxes, 221 connections/ }).waitFor();
    expect(await page.locator('.flow-node').count()).toBe(212);
    await box(page, 's199').scrollIntoViewIfNeeded();
    expect(await box(page, 's199').isVisible()).toBe(true);
    await page.context().close();
  });

  it('stays usable at 200% zoom: scrolls inside its panel, no overlapping text', async () => {
    const id = await send(ui.server, url, { go: false, xs: [1], wait: 0 });
    const { number } = await settled(ui.server, id);
    const page = await ui.newPage(undefined, { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
    for (const p of [`/jobs/${number}`, '/recipes/flow-ui']) {
      await page.goto(`${ui.server.url}${p}`);
      const region = page.locator('.flow-scroll');
      await box(page, 'after').waitFor({ state: 'attached' });
      // The page itself never scrolls sideways; the diagram scrolls in its own box.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), p).toBe(true);
      const scroll = await region.evaluate((el) => ({ h: el.scrollHeight > el.clientHeight }));
      expect(scroll.h, p).toBe(true);
      // Every box can be brought into view inside the region.
      for (const step of ['check', 'no', 'double', 'after']) {
        await box(page, step).scrollIntoViewIfNeeded();
        const [r, b] = await Promise.all([region.boundingBox(), box(page, step).boundingBox()]);
        expect(b!.y >= r!.y - 1 && b!.y + b!.height <= r!.y + r!.height + 1, `${p} ${step} in view`).toBe(true);
      }
      // Box texts and edge labels never sit on each other, nor on the text around the diagram.
      const texts = await textRects(page.locator('.flow svg'));
      for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) expect(overlap(texts[i]!, texts[j]!), `${texts[i]!.t} / ${texts[j]!.t}`).toBe(false);
      // Each box holds its own text.
      const spill = await page.locator('.flow-node').evaluateAll((gs) => gs.flatMap((g) => {
        const r = g.querySelector('rect')!.getBoundingClientRect();
        return Array.from(g.querySelectorAll('text')).filter((t) => { const b = t.getBoundingClientRect(); return b.left < r.left || b.right > r.right; }).map((t) => t.textContent);
      }));
      expect(spill, p).toEqual([]);
      const heading = await page.getByRole('heading', { name: 'Flow', level: 2 }).boundingBox();
      expect(overlap(heading!, (await region.boundingBox())!)).toBe(false);
      if (p.startsWith('/jobs')) {
        await expect(box(page, 'no').getAttribute('data-status')).resolves.toBe('succeeded');
        await expect(box(page, 'yes').getAttribute('data-status')).resolves.toBe('not reached');
      }
    }
    await page.context().close();
  });
});
