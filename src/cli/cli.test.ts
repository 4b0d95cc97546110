// The management CLI as users run it: real `node dist/cli/index.js` processes, each in a fresh
// empty working directory, against a real `hookflow start` on another port and data dir, reached
// through HOOKFLOW_URL/HOOKFLOW_TOKEN. `npm test` builds dist first.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookflow, json, ok, startServer, tempDir, type CliServer } from '../../test/helpers/cli.js';
import { freePort } from '../../test/helpers/proc.js';

const HELLO = 'name: hello\ntrigger: {type: webhook}\nsteps:\n  - id: greet\n    action: transform\n    with: { message: "hi {{ trigger.body.name }}" }\n';

let srv: CliServer;
let env: Record<string, string>;
// Jobs stay queued on this one: it serves but runs no workers.
let idle: CliServer;

beforeAll(async () => {
  [srv, idle] = await Promise.all([startServer(), startServer({}, ['--no-workers'])]);
  env = srv.env;
}, 120_000);
afterAll(async () => {
  await Promise.all([srv?.stop(), idle?.stop()]);
});

describe('hookflow --help', () => {
  it.each(['recipes', 'jobs', 'connections', 'users', 'tokens'])('%s --help exits 0', async (cmd) => {
    const r = await hookflow([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: hookflow ${cmd}`);
  });

  it('a usage error prints the error and one hint line, exit 2', async () => {
    expect((await hookflow(['recipes', 'show', '--help'])).stdout).toContain('--version <n>');
    const bogus = await hookflow(['recipes', 'bogus']);
    expect(bogus.code).toBe(2);
    const r = await hookflow(['jobs', 'list', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("error: unknown option '--bogus'\nRun 'hookflow jobs list --help' for usage.\n");
    const missing = await hookflow(['recipes', 'apply']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual(["error: missing required argument 'path'", "Run 'hookflow recipes apply --help' for usage."]);
  });

  it('the top-level help lists every command', async () => {
    const r = await hookflow(['--help']);
    for (const c of ['start', 'worker', 'admin', 'login', 'logout', 'recipes', 'jobs', 'connections', 'users', 'tokens', 'webhooks', 'http', 'ops', '4me', 'alerts', 'schedules', 'notification-rules', 'completion']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    }
  });
});

describe('server access', () => {
  it('without a server configured: a clear error and exit 3', async () => {
    const r = await hookflow(['recipes', 'list'], { env: { XDG_CONFIG_HOME: tempDir() } });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("error: no Hookflow server configured\nRun 'hookflow login <url>' or set HOOKFLOW_URL and HOOKFLOW_TOKEN.\n");
  });

  it('a wrong token: a clear 401 message, no stack, exit 3', async () => {
    const r = await hookflow(['recipes', 'list'], { env: { ...env, HOOKFLOW_TOKEN: 'hf_wrong' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`the server at ${srv.url} refused the API token (401 HF_ERR_UNAUTHENTICATED)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unreachable server: a clear message, exit 4', async () => {
    const port = await freePort(); // nothing listens there
    const r = await hookflow(['jobs', 'list'], { env: { HOOKFLOW_URL: `http://127.0.0.1:${port}`, HOOKFLOW_TOKEN: 'x' } });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`error: cannot reach the Hookflow server at http://127.0.0.1:${port} (ECONNREFUSED); is it running? (URL from HOOKFLOW_URL)\n`);
  });
});

describe('users and tokens', () => {
  it('creates a user and prints a token once', async () => {
    const user = await json(['users', 'create', 'alice', '--display-name', 'Alice A', '--email', 'a@example.com', '--role', 'editor', '--workflow-role', 'process-manager'], { env });
    expect(user).toMatchObject({ username: 'alice', display_name: 'Alice A', email: 'a@example.com', roles: ['editor'], workflow_roles: ['process_manager'] });
    expect(await ok(['tokens', 'create', '--user', 'alice', '--role', 'viewer'], { env })).toMatch(/\bhf_[A-Za-z0-9_-]{20,}/);
    const t = await json(['tokens', 'create', '--user', 'alice', '--role', 'editor', '--name', 'ci'], { env });
    expect(t.token).toMatch(/^hf_/);
    expect(typeof t.id).toBe('number');
    // The new token works against the server as alice.
    expect((await hookflow(['recipes', 'list'], { env: { ...env, HOOKFLOW_TOKEN: t.token } })).code).toBe(0);
    const over = await hookflow(['tokens', 'create', '--user', 'alice', '--role', 'admin'], { env });
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('HF_ERR_FORBIDDEN');
    const list = await json<Array<{ username: string }>>(['users', 'list'], { env });
    expect(list.map((u) => u.username)).toEqual(['admin', 'alice']);
    expect(await ok(['users', 'list'], { env })).toMatch(/USERNAME[\s\S]*alice\s+Alice A/);
  });
});

describe('recipes', () => {
  it('applies, versions, rolls back, stops and starts, from another directory, creating no store there', { timeout: 180_000 }, async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'hello.yaml');
    fs.writeFileSync(file, HELLO);
    const o = { env, cwd };

    const [first] = await json(['recipes', 'apply', 'hello.yaml'], o);
    // The trigger URL is the server's (its port), not one the CLI made up.
    expect(first).toMatchObject({ name: 'hello', version: 1, changed: true, trigger_url: expect.stringMatching(new RegExp(`^http://localhost:${srv.port}/hooks/[A-Za-z0-9_-]{32}$`)) });
    expect(await ok(['recipes', 'apply', file], o)).toMatch(new RegExp(`hello\\s+1\\s+unchanged\\s+http://localhost:${srv.port}/hooks/`));

    fs.writeFileSync(file, HELLO.replace('hi {{', 'hello {{'));
    expect((await json(['recipes', 'apply', file], o))[0]).toMatchObject({ version: 2, changed: true, trigger_url: first.trigger_url });
    const versions = await json<Array<{ version: number; current: boolean }>>(['recipes', 'versions', 'hello'], o);
    expect(versions.map((v) => [v.version, v.current])).toEqual([[2, true], [1, false]]);

    expect(await json(['recipes', 'rollback', 'hello', '1'], o)).toMatchObject({ version: 3, changed: true });
    expect(await json(['recipes', 'show', 'hello'], o)).toEqual(await json(['recipes', 'show', 'hello', '--version', '1'], o));
    const yaml = await ok(['recipes', 'show', 'hello', '--version', '2'], o);
    expect(yaml).toContain('# hello version 2');
    expect(yaml).toContain('message: hello {{ trigger.body.name }}');

    expect(await json(['recipes', 'stop', 'hello'], o)).toMatchObject({ enabled: false });
    expect(await ok(['recipes', 'list'], o)).toMatch(/hello\s+3\s+stopped\s+webhook/);
    expect(await json(['recipes', 'start', 'hello'], o)).toMatchObject({ enabled: true });
    expect((await json(['recipes', 'list'], o)).find((r: { name: string }) => r.name === 'hello')).toMatchObject({ version: 3, enabled: true });
    // The server has it: the REST API lists what the CLI applied.
    const api = await fetch(`${srv.url}/api/v1/recipes`, { headers: { authorization: `Bearer ${srv.token}` } }).then((r) => r.json()) as { items: Array<{ name: string }> };
    expect(api.items.map((r) => r.name)).toContain('hello');
    expect(fs.readdirSync(cwd)).toEqual(['hello.yaml']);
  });

  it('applies a directory of YAML and JSON files, in order', async () => {
    const rdir = path.join(tempDir(), 'recipes');
    fs.mkdirSync(rdir);
    fs.writeFileSync(path.join(rdir, 'b.yaml'), HELLO.replace('name: hello', 'name: hello-b'));
    fs.writeFileSync(path.join(rdir, 'a.json'), JSON.stringify({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, steps: [{ id: 's', action: 'transform', with: { x: 1 } }] }));
    fs.writeFileSync(path.join(rdir, 'notes.txt'), 'not a recipe');
    const res = await json<Array<{ name: string; trigger_url: string | null }>>(['recipes', 'apply', rdir], { env });
    expect(res.map((r) => [r.name, r.trigger_url === null])).toEqual([['nightly', true], ['hello-b', false]]);
  });

  it('refuses an invalid recipe with its code and line, storing nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, HELLO.replace('name: hello', 'name: bad').replace('action: transform', 'action: "Not An Action"'));
    const r = await hookflow(['recipes', 'apply', file], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HF_ERR_RECIPE_INVALID');
    expect(r.stderr).toContain('line 5');
    expect(r.stdout).toBe('');
    expect((await json<Array<{ name: string }>>(['recipes', 'list'], { env })).map((x) => x.name)).not.toContain('bad');
    const missing = await hookflow(['recipes', 'show', 'nope'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error HF_ERR_NOT_FOUND: Recipe nope not found\n');
    const noFile = await hookflow(['recipes', 'apply', path.join(dir, 'absent.yaml')], { env });
    expect([noFile.code, noFile.stderr]).toEqual([2, expect.stringContaining('HF_ERR_NOT_FOUND')]);
  });
});

describe('jobs', () => {
  it('lists an empty server; an unknown job is an error from the server', async () => {
    expect(await json(['jobs', 'list'], { env: idle.env })).toEqual({ items: [], next_cursor: null, total: 0, truncated: false });
    expect(await ok(['jobs', 'list'], { env: idle.env })).toContain('No jobs.');
    const r = await hookflow(['jobs', 'show', 'no-such-job'], { env: idle.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error HF_ERR_NOT_FOUND');
  });

  it('shows, pages, repeats and cancels jobs', { timeout: 180_000 }, async () => {
    const o = { env: idle.env };
    const dir = tempDir();
    const file = path.join(dir, 'hello.yaml');
    fs.writeFileSync(file, HELLO);
    const [applied] = await json(['recipes', 'apply', file], o);
    // The trigger URL names the server's public URL; post to the loopback address it listens on.
    const hook = (name: string) => fetch(applied.trigger_url.replace('localhost', '127.0.0.1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) }).then((r) => r.json()) as Promise<{ job_id?: string; id?: string }>;
    await hook('Ada');
    await hook('Bob');

    const page1 = await json(['jobs', 'list', '--limit', '1'], o);
    expect(page1.items.map((j: { number: number }) => j.number)).toEqual([2]);
    expect(page1.next_cursor).toEqual(expect.any(String));
    expect(await ok(['jobs', 'list', '--limit', '1'], o)).toContain(`--cursor ${page1.next_cursor}`);
    const page2 = await json(['jobs', 'list', '--limit', '1', '--cursor', page1.next_cursor], o);
    expect(page2).toMatchObject({ items: [{ number: 1, recipe: 'hello', status: 'queued' }], next_cursor: null });
    const firstId = page2.items[0].id as string;
    expect(await ok(['jobs', 'list', '--status', 'queued'], o)).toMatch(/NUMBER\s+ID\s+RECIPE[\s\S]*\n2\s+\S+\s+hello\s+1\s+queued/);

    expect(await json(['jobs', 'show', '1'], o)).toMatchObject({ id: firstId, number: 1, trigger: { body: { name: 'Ada' } }, steps: [] });
    expect(await ok(['jobs', 'show', firstId], o)).toMatch(/Status:\s+queued/);

    // the repeat runs with the recipe's current version
    fs.writeFileSync(file, HELLO.replace('hi {{', 'hey {{'));
    await ok(['recipes', 'apply', file], o);
    const repeated = await json(['jobs', 'repeat', '1'], o);
    expect(repeated).toMatchObject({ number: 3, recipe_version: 2, status: 'queued', repeat_of: firstId, trigger: { body: { name: 'Ada' } } });

    expect(await json(['jobs', 'cancel', String(repeated.number)], o)).toMatchObject({ status: 'canceled', error: { code: 'HF_ERR_JOB_CANCELED' } });
    const twice = await hookflow(['jobs', 'cancel', repeated.id], o);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('HF_ERR_JOB_NOT_ACTIVE');
    expect((await json(['jobs', 'list', '--status', 'canceled'], o)).items.map((j: { id: string }) => j.id)).toEqual([repeated.id]);
  });
});

describe('connections', () => {
  it('keeps secret values out of every answer', { timeout: 180_000 }, async () => {
    const SECRET = 's3cr3t-Value-42';
    const created = await hookflow(['connections', 'create', '--name', 'crm', '--type', 'http', '--config', '{"base_url":"https://crm.example.com"}',
      '--secret', `token=${SECRET}`, '--secret', `headers={"X-Key":"${SECRET}-h"}`], { env });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('headers, token');
    for (const args of [['connections', 'show', 'crm'], ['connections', 'show', 'crm', '--json'], ['connections', 'list'], ['connections', 'list', '--json']]) {
      const r = await hookflow(args, { env });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    }
    expect(created.stdout + created.stderr).not.toContain(SECRET);
    expect(await json(['connections', 'show', 'crm'], { env })).toMatchObject({ name: 'crm', type: 'http', config: { base_url: 'https://crm.example.com' }, secret_fields: ['headers', 'token'] });

    expect(await json(['connections', 'update', 'crm', '--unset-secret', 'headers'], { env })).toMatchObject({ secret_fields: ['token'] });
    const dup = await hookflow(['connections', 'create', '--name', 'crm', '--type', 'http'], { env });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('HF_ERR_CONFLICT');
    const badConfig = await hookflow(['connections', 'create', '--name', 'x', '--type', 'http', '--config', '[1]'], { env });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('HF_ERR_VALIDATION');

    expect(await json(['connections', 'delete', 'crm'], { env })).toEqual({ deleted: 'crm' });
    expect(await json(['connections', 'list'], { env })).toEqual([]);
    expect((await hookflow(['connections', 'delete', 'crm'], { env })).code).toBe(1);
  });
});

describe('http try and webhooks, through the server', () => {
  it('sends a sample request, applies it as a step, and subscribes a webhook that gets a test delivery', { timeout: 180_000 }, async () => {
    const http = await import('node:http');
    const seen: Array<{ url: string; body: string }> = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => { seen.push({ url: req.url ?? '', body }); res.setHeader('content-type', 'application/json'); res.end('{"id":7,"name":"Ann"}'); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    try {
      // Without a connection the server refuses loopback (its SSRF guard answers, not the CLI).
      const bare = await hookflow(['http', 'try', `${base}/users/7`], { env });
      expect([bare.code, bare.stderr]).toEqual([1, expect.stringContaining('HF_ERR_SSRF_BLOCKED')]);

      await ok(['connections', 'create', '--name', 'local', '--type', 'http', '--config', JSON.stringify({ base_url: base, private_network: true })], { env });
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'hello.yaml'), HELLO.replace('name: hello', 'name: tried'));
      await ok(['recipes', 'apply', path.join(dir, 'hello.yaml')], { env });
      const r = await json(['http', 'try', '/users/7', '-c', 'local', '--apply', 'tried', '--step-id', 'lookup'], { env });
      expect(r).toMatchObject({ ok: true, response: { status: 200, body: { id: 7, name: 'Ann' } }, suggested_step: { action: 'http.request', connection: 'local' }, applied: { recipe: 'tried', step_id: 'lookup', version: 2 } });
      expect(await ok(['http', 'try', '/users/7', '-c', 'local'], { env })).toMatch(/^GET .*\/users\/7 → 200/);

      const w = await json(['webhooks', 'create', '--event', 'job.failed', '--uri', `${base}/hook`, '--private-network'], { env });
      expect(w).toMatchObject({ event: 'job.failed', uri: `${base}/hook`, secret: expect.any(String) });
      expect((await json<Array<{ id: string }>>(['webhooks', 'list'], { env })).map((x) => x.id)).toContain(w.id);
      expect(await ok(['webhooks', 'test', w.id], { env })).toBe('Test delivery queued\n');
      for (let i = 0; i < 300 && !seen.some((s) => s.url === '/hook'); i++) await new Promise((res) => setTimeout(res, 100));
      expect(JSON.parse(seen.find((s) => s.url === '/hook')!.body)).toMatchObject({ type: 'job.failed', data: { test: true, webhook_id: w.id } });
      expect(await json(['webhooks', 'delete', w.id], { env })).toEqual({ deleted: w.id });
    } finally {
      receiver.close();
    }
  });
});

describe('4me, through the server', () => {
  it('tests a 4me connection against the sandbox and prints its webhook URL and verification status', { timeout: 120_000 }, async () => {
    const { startSandbox } = await import('../sandbox/fourme/index.js');
    const sb = await startSandbox({ account: 'wdc', domain: '4me.com' });
    try {
      const config = { account: 'wdc', domain: '4me.com', base_url: sb.url, private_network: true, auth: { type: 'personal_access_token' } };
      await ok(['connections', 'create', '--name', 'my4me', '--type', '4me', '--config', JSON.stringify(config), '--secret', 'token=sandbox-token'], { env });
      expect(await json(['4me', 'test', 'my4me'], { env })).toMatchObject({ ok: true, account: 'wdc' });
      const { url } = await json<{ url: string }>(['4me', 'url', 'my4me'], { env });
      expect(url).toMatch(new RegExp(`^http://localhost:${srv.port}/hooks/`));
      expect(await json(['4me', 'status', 'my4me'], { env })).toEqual([]);
      await ok(['connections', 'update', 'my4me', '--secret', 'token=wrong'], { env });
      const failed = await hookflow(['4me', 'test', 'my4me'], { env });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/^FAILED\s+HF_ERR_FOURME/);
      expect((await json(['4me', 'schema', 'task.status-changed'])).title).toBe('4me task.status-changed'); // no server needed
    } finally {
      await sb.close();
    }
  });
});
