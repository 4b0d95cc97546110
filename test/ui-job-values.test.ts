/**
 * The job page in the browser with big values: the trigger and a step's output over the limit
 * show "Truncated, N bytes — download", and the link (session cookie, no bearer token) gives the
 * full stored value byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiCall, hasChromium, launch, signIn, startServer, type Server } from './ui-harness.js';

describe.skipIf(!hasChromium)('job page with big values', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows truncated values with a download link that returns the whole value', async () => {
    const r = await apiCall(server, 'PUT', '/recipes/big-ui', { name: 'big-ui', trigger: { type: 'webhook' }, steps: [{ id: 'copy', action: 'transform', with: { all: '{{ trigger.body }}' } }] });
    const body = JSON.stringify({ text: 'ü'.repeat(40_000) });
    const hook = await fetch(`${server.url}${new URL(r.trigger_url).pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const { job_id } = await hook.json();
    let job: any;
    for (let i = 0; i < 200 && job?.status !== 'succeeded'; i++) {
      job = await apiCall(server, 'GET', `/jobs/${job_id}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(job.status).toBe('succeeded');
    expect(job.trigger).toMatchObject({ truncated: true });

    await signIn(page, server);
    await page.goto(`${server.url}/jobs/${job_id}`);
    await page.locator('summary', { hasText: 'Trigger data' }).click();
    const trigger = page.getByLabel('Trigger data');
    await expect(trigger.textContent()).resolves.toContain(`Truncated, ${job.trigger.bytes.toLocaleString('en-US')} bytes — download`);
    const href = await trigger.getByRole('link', { name: 'download' }).getAttribute('href');
    expect(href).toBe(`/api/v1/jobs/${job_id}/values/trigger`);
    const got = await page.evaluate(async (u) => {
      const res = await fetch(u);
      return { status: res.status, disposition: res.headers.get('content-disposition'), bytes: (await res.arrayBuffer()).byteLength };
    }, href!);
    expect(got).toMatchObject({ status: 200, bytes: job.trigger.bytes });
    expect(got.disposition).toContain('attachment');
    // A succeeded step's output is open already.
    const out = page.getByLabel('Output of copy');
    await expect(out.getByRole('link', { name: 'download' }).getAttribute('href')).resolves.toBe(`/api/v1/jobs/${job_id}/steps/copy/output`);
  });
});
