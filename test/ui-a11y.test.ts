/**
 * The UI without a mouse and at 200% zoom: sign in and move between pages with the keyboard only;
 * every form control and button has an accessible name; at a 640 CSS-pixel-wide viewport (1280
 * at 200%) no page scrolls sideways (wide tables scroll inside their own box).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiCall, hasChromium, postEvent, uiSuite } from './ui-harness.js';

const PAGES = ['/', '/jobs', '/jobs/1', '/recipes', '/recipes/new', '/recipes/a11y', '/connections', '/connections/new', '/actions', '/webhooks', '/alerts', '/ops-apps', '/users', '/tokens', '/tables', '/tables/a11y-table', '/schedules', '/profile'];

describe.skipIf(!hasChromium)('web UI accessibility', () => {
  const ui = uiSuite({ viewport: null, page: false });
  beforeAll(async () => {
    const r = await apiCall(ui.server, 'PUT', '/recipes/a11y', { trigger: { type: 'webhook' }, steps: [{ id: 'hello', name: 'Say hello', action: 'transform', with: { message: 'Hello {{ trigger.body.name }}' } }] });
    await postEvent(r.trigger_url, '{"name":"Kay"}');
    await apiCall(ui.server, 'POST', '/tables', { name: 'a11y-table', columns: [{ name: 'team', type: 'number' }, { name: 'channel' }, { name: 'urgent', type: 'boolean' }, { name: 'meta', type: 'json' }] });
    await apiCall(ui.server, 'PUT', '/tables/a11y-table/rows/1', { channel: '#a-rather-long-channel-name-for-wrapping', urgent: true, meta: { a: 1 } });
  });

  it('signs in and navigates with the keyboard only', async () => {
    const page = await ui.newPage(null);
    await page.goto(ui.server.url);
    await page.getByLabel('API token').waitFor();
    // The token field has focus on arrival; Enter submits.
    await page.keyboard.type(ui.server.token);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // First Tab reaches the skip link, which moves focus into the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    // Tab along the main navigation to Jobs and follow it with Enter.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Jobs'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    // Focus moved to the new page's heading, as after a page load.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.context().close();
  });

  it('gives every control a name and never scrolls sideways at 200% zoom', async () => {
    const page = await ui.newPage(undefined, { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
    const problems: string[] = [];
    for (const p of PAGES) {
      await page.goto(`${ui.server.url}${p}`);
      await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const unnamed = await page.locator('input:not([type=hidden]), select, textarea, button').evaluateAll((els) => els
        .filter((e) => (e as HTMLElement).offsetParent !== null)
        .filter((e) => {
          const el = e as HTMLInputElement;
          const name = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.labels && el.labels.length > 0 ? 'label' : '') || (el.tagName === 'BUTTON' ? el.textContent?.trim() : '') || el.getAttribute('title');
          return !name;
        })
        .map((e) => e.outerHTML.slice(0, 120)));
      for (const u of unnamed) problems.push(`${p}: unnamed ${u}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (wide > 1) problems.push(`${p}: scrolls sideways by ${wide}px at 640px`);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
