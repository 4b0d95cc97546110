/** `hookflow recipes delete`: refuses without a terminal unless --yes, then deletes, over a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookflow, json, ok, startServer, type CliServer } from '../helpers/cli.js';

describe('hookflow recipes delete', () => {
  let srv: CliServer;
  beforeAll(async () => {
    srv = await startServer();
    const r = await fetch(`${srv.url}/api/v1/recipes/gone`, {
      method: 'PUT', headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: {} }] }),
    });
    expect(r.status).toBe(201);
  }, 120_000);
  afterAll(async () => { await srv?.stop(); });

  it('asks for --yes without a terminal, deletes with it, and names an unknown recipe', { timeout: 60_000 }, async () => {
    const refused = await hookflow(['recipes', 'delete', 'gone'], { env: srv.env, input: 'y\n' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--yes');
    expect((await json<Array<{ name: string }>>(['recipes', 'list', '--json'], { env: srv.env })).map((r) => r.name)).toContain('gone');

    expect(await ok(['recipes', 'delete', 'gone', '--yes'], { env: srv.env })).toBe('gone deleted\n');
    expect((await json<Array<{ name: string }>>(['recipes', 'list', '--json'], { env: srv.env })).map((r) => r.name)).not.toContain('gone');

    const unknown = await hookflow(['recipes', 'delete', 'gone', '--yes'], { env: srv.env });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('HF_ERR_NOT_FOUND');
  });
});
