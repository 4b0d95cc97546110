/** `hookflow jobs repeat|cancel` by filters: counts, asks for --yes without a terminal, then acts, over a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookflow, json, ok, startServer, type CliServer } from '../helpers/cli.js';

describe('hookflow jobs repeat and cancel by filters', () => {
  let srv: CliServer;
  const rest = (method: string, path: string, body?: unknown) => fetch(`${srv.url}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json() as any }));

  beforeAll(async () => {
    srv = await startServer();
    const put = await rest('PUT', '/recipes/flaky', { trigger: { type: 'webhook' }, title: 'Order {{ trigger.body.n }}', steps: [{ id: 'f', action: 'fail', with: { message: 'no' } }] });
    expect(put.status).toBe(201);
    const url = (put.body.trigger_url as string).replace(/^https?:\/\/[^/]+/, srv.url);
    for (let n = 1; n <= 3; n++) expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) })).status).toBe(200);
    for (let i = 0; i < 200; i++) {
      if ((await rest('GET', '/jobs?recipe=flaky&status=failed')).body.total === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);
  afterAll(async () => { await srv?.stop(); });

  it('lists with titles and a total, refuses a bulk repeat without --yes, repeats with it', { timeout: 60_000 }, async () => {
    const list = await ok(['jobs', 'list', '--recipe', 'flaky', '--status', 'failed'], { env: srv.env });
    expect(list).toContain('Order 2');
    expect(list).toContain('3 jobs');

    const refused = await hookflow(['jobs', 'repeat', '--recipe', 'flaky', '--status', 'failed'], { env: srv.env, input: 'y\n' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--yes');
    expect((await rest('GET', '/jobs?recipe=flaky')).body.total).toBe(3);

    expect(await ok(['jobs', 'repeat', '--recipe', 'flaky', '--status', 'failed', '--yes'], { env: srv.env })).toBe('3 jobs matched: 3 repeated, 0 skipped\n');
    expect((await rest('GET', '/jobs?recipe=flaky')).body.total).toBe(6);
    const r = await json<{ matched: number; done: number; skipped: number }>(['jobs', 'cancel', '--recipe', 'flaky', '--search', '"n":1', '--yes', '--json'], { env: srv.env });
    expect(r.matched).toBe(2);
    expect(r.done + r.skipped).toBe(2);

    const usage = await hookflow(['jobs', 'cancel'], { env: srv.env });
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toContain('filters');
  });
});
