/**
 * `hookflow users disable|enable|delete` and `hookflow tokens list|create --expires-in|revoke`
 * against a real server (GET/DELETE /api/v1/tokens, expires_in, PATCH `disabled`,
 * DELETE /api/v1/users/{username}).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookflow, json, ok, startServer, type CliServer } from '../helpers/cli.js';

describe('users and tokens lifecycle', () => {
  let srv: CliServer;
  beforeAll(async () => { srv = await startServer(); }, 60_000);
  afterAll(async () => { await srv?.stop(); });

  it('creates an expiring token, lists, disables and enables a user, revokes a token and deletes a user', { timeout: 120_000 }, async () => {
    const env = srv.env;
    await ok(['users', 'create', 'bob', '--role', 'editor'], { env });
    const t = await json<{ token: string; id: number; expires_at: string }>(['tokens', 'create', '--user', 'bob', '--role', 'editor', '--name', 'ci', '--expires-in', '30d'], { env });
    const days = (Date.parse(t.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    const bob = { ...env, HOOKFLOW_TOKEN: t.token };
    expect((await hookflow(['recipes', 'list'], { env: bob })).code).toBe(0);
    expect((await json<Array<{ id: number; name: string; user: string }>>(['tokens', 'list'], { env })).find((x) => x.id === t.id)).toMatchObject({ name: 'ci', user: 'bob', role: 'editor' });
    expect(await ok(['tokens', 'list'], { env })).toMatch(/ID\s+NAME\s+USER\s+ROLE\s+CREATED\s+LAST USED\s+EXPIRES/);

    expect(await ok(['users', 'disable', 'bob'], { env })).toBe('User bob disabled\n');
    expect((await hookflow(['recipes', 'list'], { env: bob })).code).toBe(3);
    expect(await json(['users', 'enable', 'bob'], { env })).toMatchObject({ username: 'bob', disabled: false });

    const mine = await json<{ token: string; id: number }>(['tokens', 'create', '--role', 'viewer', '--name', 'mine'], { env });
    expect((await hookflow(['recipes', 'list'], { env: { ...env, HOOKFLOW_TOKEN: mine.token } })).code).toBe(0);
    expect(await ok(['tokens', 'revoke', String(mine.id)], { env })).toBe(`Token ${mine.id} revoked\n`);
    const revoked = await hookflow(['recipes', 'list'], { env: { ...env, HOOKFLOW_TOKEN: mine.token } });
    expect([revoked.code, revoked.stderr]).toEqual([3, expect.stringContaining('refused the API token (401')]);

    expect(await json(['users', 'delete', 'bob'], { env })).toEqual({ deleted: 'bob' });
    expect((await json<Array<{ username: string }>>(['users', 'list'], { env })).map((u) => u.username)).toEqual(['admin']);
    expect((await hookflow(['users', 'delete', 'bob'], { env })).code).toBe(1);
  });
});
