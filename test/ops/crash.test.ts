/**
 * Crash test: a request waiting for its action survives `kill -9` of `hookflow start`; after the
 * restart, completing the action through /ops continues the job to success. A request created
 * just before the kill is not lost either.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../dialects.js';
import { freePort, kill9, killAll, spawnHookflow, waitHealthy } from '../helpers/proc.js';
import { Api } from '../helpers/api.js';
import { PURCHASE, b64 } from './helpers.js';

describe('crash: kill -9 while a request waits for a person', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await killAll();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('keeps the waiting request and its action; completing it after the restart finishes the job', { timeout: 90_000 }, async () => {
    const dataDir = tempDir('hf-ops-crash-');
    dirs.push(dataDir);
    const port = await freePort();
    const token = `hf_test_${randomBytes(16).toString('hex')}`;
    const env = { HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`, HOOKFLOW_POLL_MS: '50', HOOKFLOW_LEASE_MS: '2000' };
    let proc = spawnHookflow('start', env);
    await waitHealthy(proc, port);
    const api = new Api(`http://127.0.0.1:${port}`, token);
    expect((await api.call('POST', '/api/v1/users', { username: 'alice', workflow_roles: ['participant'] })).status).toBe(201);
    const app = await api.call('POST', '/api/v1/ops-apps', { name: 'crm', impersonate_user: 'alice' });
    expect(app.status).toBe(201);
    await api.putRecipe(PURCHASE);
    const op = async (operation: string, input: Record<string, unknown>) => {
      const r = await fetch(app.body.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation, args: { input } }) });
      return { status: r.status, body: await r.json() as any };
    };
    const status = async (n: number) => (await api.job(String(n))).status;
    const until = async (cond: () => Promise<boolean>) => {
      const end = Date.now() + 20_000;
      while (!(await cond().catch(() => false))) {
        if (Date.now() > end) throw new Error('not in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const first = await op('createRequest', { processName: 'PURCHASE', parameters: [{ name: 'AMOUNT', numericValue: 42 }] });
    expect(first.status).toBe(200);
    await until(async () => (await status(first.body.number)) === 'waiting');
    const second = await op('createRequest', { processName: 'PURCHASE', parameters: [{ name: 'AMOUNT', numericValue: 7 }] });
    expect(second.status).toBe(200);
    await kill9(proc);

    proc = spawnHookflow('start', env);
    await waitHealthy(proc, port);
    expect(await status(first.body.number)).toBe('waiting');
    await until(async () => (await status(second.body.number)) === 'waiting');
    const mine = await api.call('GET', `/api/v1/actions?assignee=alice&request=${first.body.number}`);
    expect(mine.body.items).toMatchObject([{ id: b64(`Action:${first.body.number}---1`), status: 'open', assignee: 'alice' }]);
    for (const r of [first, second]) {
      const done = await op('completeAction', { requestNumber: r.body.number, actionNumber: 1, parameters: [{ name: 'DECISION', textValue: 'approved' }] });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
    }
    await until(async () => (await status(first.body.number)) === 'succeeded' && (await status(second.body.number)) === 'succeeded');
    const job = await api.job(String(first.body.number));
    expect(job.steps.find((s: { id: string }) => s.id === 'done')!.output).toEqual({ decision: 'approved', amount: 42, by: 'alice' });
    await kill9(proc);
  });
});
