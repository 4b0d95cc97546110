/**
 * The job page in the browser with big values: the trigger and a step's output over the limit
 * show "Truncated, N bytes — download", and the link (session cookie, no bearer token) gives the
 * full stored value byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { apiCall, hasChromium, postEvent, uiSuite, waitJob } from './ui-harness.js';

describe.skipIf(!hasChromium)('job page with big values', () => {
  const ui = uiSuite({ viewport: { width: 1280, height: 800 } });

  it('shows truncated values with a download link that returns the whole value', async () => {
    const r = await apiCall(ui.server, 'PUT', '/recipes/big-ui', { name: 'big-ui', trigger: { type: 'webhook' }, steps: [{ id: 'copy', action: 'transform', with: { all: '{{ trigger.body }}' } }] });
    const body = JSON.stringify({ text: 'ü'.repeat(40_000) });
    const hook = await postEvent(`${ui.server.url}${new URL(r.trigger_url).pathname}`, body);
    const { job_id } = await hook.json();
    const job = await waitJob(ui.server, job_id, 200);
    expect(job.status).toBe('succeeded');
    expect(job.trigger).toMatchObject({ truncated: true });

    await ui.page.goto(`${ui.server.url}/jobs/${job_id}`);
    await ui.page.locator('summary', { hasText: 'Trigger data' }).click();
    const trigger = ui.page.getByLabel('Trigger data');
    await expect(trigger.textContent()).resolves.toContain(`Truncated, ${job.trigger.bytes.toLocaleString('en-US')} bytes — download`);
    const href = await trigger.getByRole('link', { name: 'download' }).getAttribute('href');
    expect(href).toBe(`/api/v1/jobs/${job_id}/values/trigger`);
    const got = await ui.page.evaluate(async (u) => {
      const res = await fetch(u);
      return { status: res.status, disposition: res.headers.get('content-disposition'), bytes: (await res.arrayBuffer()).byteLength };
    }, href!);
    expect(got).toMatchObject({ status: 200, bytes: job.trigger.bytes });
    expect(got.disposition).toContain('attachment');
    // A succeeded step's output is open already.
    const out = ui.page.getByLabel('Output of copy');
    await expect(out.getByRole('link', { name: 'download' }).getAttribute('href')).resolves.toBe(`/api/v1/jobs/${job_id}/steps/copy/output`);
  });
});
