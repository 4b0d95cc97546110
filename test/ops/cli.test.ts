// `hookflow ops …` as users run it: real CLI processes against a real `hookflow start --no-workers`
// (on its own SQLite data dir), through its API (npm test builds dist first).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../dialects.js';
import { hookflow as run, startServer, type CliServer } from '../helpers/cli.js';
import { PURCHASE } from './helpers.js';

const dir = tempDir('hf-ops-cli-');
let srv: CliServer;
beforeAll(async () => { srv = await startServer({}, ['--no-workers']); }, 60_000);
afterAll(async () => {
  await srv?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const hookflow = (...args: string[]) => run(args, { env: srv.env });
async function json(...args: string[]): Promise<any> {
  const r = await hookflow(...args, ...(args[1] === 'run' ? [] : ['--json']));
  if (r.code !== 0) throw new Error(`hookflow ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('hookflow ops', () => {
  it('creates applications, lists processes and actions, runs operations, rotates and disables', { timeout: 180_000 }, async () => {
    await json('users', 'create', 'alice', '--workflow-role', 'participant');
    fs.writeFileSync(path.join(dir, 'purchase.json'), JSON.stringify(PURCHASE));
    expect((await hookflow('recipes', 'apply', path.join(dir, 'purchase.json'))).code).toBe(0);
    const app = await json('ops', 'apps', 'create', 'crm', '--user', 'alice', '--description', 'the CRM');
    expect(app).toMatchObject({ name: 'crm', impersonate_user: 'alice', enabled: true, url: expect.stringMatching(/\/ops\//) });
    expect((await json('ops', 'apps', 'show', 'crm')).url).toBe(app.url);
    expect(await json('ops', 'processes')).toMatchObject([{ processName: 'PURCHASE', processVersion: 1, recipe: 'purchase' }]);
    const created = await json('ops', 'run', 'crm', 'createRequest', '--input', JSON.stringify({ processName: 'PURCHASE', parameters: [{ name: 'AMOUNT', numericValue: 3 }] }));
    expect(created).toMatchObject({ processName: 'PURCHASE', number: 1 });
    // The server runs no workers: the job stays queued, so no action is open yet.
    expect(await json('ops', 'actions', '--assignee', 'alice')).toEqual([]);
    const rotated = await json('ops', 'apps', 'rotate', 'crm');
    expect(rotated.url).not.toBe(app.url);
    await json('ops', 'apps', 'disable', 'crm');
    const refused = await hookflow('ops', 'run', 'crm', 'createRequest', '--input', '{}');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('HF_ERR_OPS_APP_DISABLED');
    expect(await json('ops', 'apps', 'list')).toMatchObject([{ name: 'crm', enabled: false }]);
  });
});
