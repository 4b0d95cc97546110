// The administration CLI as users run it: real `node dist/cli/index.js` processes on a fresh
// SQLite data dir. `npm test` builds dist first.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loadSettings } from '../config/index.js';
import { createRuntime } from '../runtime.js';

const BIN = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(dir: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, HOOKFLOW_DATA_DIR: dir, HOOKFLOW_LOG_LEVEL: 'warn' }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(dir: string, ...args: string[]): Promise<string> {
  const r = await cli(dir, ...args);
  if (r.code !== 0) throw new Error(`hookflow ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function json<T = any>(dir: string, ...args: string[]): Promise<T> {
  return JSON.parse(await ok(dir, ...args, '--json')) as T;
}

const HELLO = 'name: hello\ntrigger: {type: webhook}\nsteps:\n  - id: greet\n    action: transform\n    with: { message: "hi {{ trigger.body.name }}" }\n';

const dirs: string[] = [];
function freshDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-cli-'));
  dirs.push(d);
  return d;
}

beforeAll(() => {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('hookflow --help', () => {
  it.each(['recipes', 'jobs', 'connections', 'users', 'tokens'])('%s --help exits 0', async (cmd) => {
    const r = await cli(freshDir(), cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: hookflow ${cmd}`);
  });

  it('subcommands have help, unknown commands and options fail', async () => {
    const dir = freshDir();
    expect((await cli(dir, 'recipes', 'show', '--help')).stdout).toContain('--version <n>');
    expect((await cli(dir, 'recipes', 'bogus')).code).not.toBe(0);
    const r = await cli(dir, 'jobs', 'list', '--bogus');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});

describe('users and tokens', () => {
  it('creates a user and prints a token once', async () => {
    const dir = freshDir();
    const user = await json(dir, 'users', 'create', 'alice', '--display-name', 'Alice A', '--email', 'a@example.com', '--role', 'editor', '--workflow-role', 'process-manager');
    expect(user).toMatchObject({ username: 'alice', display_name: 'Alice A', email: 'a@example.com', roles: ['editor'], workflow_roles: ['process_manager'] });
    expect(await ok(dir, 'tokens', 'create', '--user', 'alice', '--role', 'viewer')).toMatch(/\bhf_[A-Za-z0-9_-]{20,}/);
    const t = await json(dir, 'tokens', 'create', '--user', 'alice', '--role', 'editor', '--name', 'ci');
    expect(Object.keys(t).sort()).toEqual(['id', 'token']);
    expect(t.token).toMatch(/^hf_/);
    expect(typeof t.id).toBe('number');
    const over = await cli(dir, 'tokens', 'create', '--user', 'alice', '--role', 'admin');
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('HF_ERR_FORBIDDEN');
    const list = await json<Array<{ username: string }>>(dir, 'users', 'list');
    expect(list.map((u) => u.username)).toEqual(['alice']);
    expect(await ok(dir, 'users', 'list')).toMatch(/USERNAME[\s\S]*alice\s+Alice A/);
  });
});

describe('recipes', () => {
  it('applies, versions, rolls back, stops and starts', { timeout: 180_000 }, async () => {
    const dir = freshDir();
    const file = path.join(dir, 'hello.yaml');
    fs.writeFileSync(file, HELLO);

    const [first] = await json(dir, 'recipes', 'apply', file);
    expect(first).toMatchObject({ name: 'hello', version: 1, changed: true, trigger_url: expect.stringMatching(/^http:\/\/localhost:8080\/hooks\/[A-Za-z0-9_-]{32}$/) });
    const again = await ok(dir, 'recipes', 'apply', file);
    expect(again).toMatch(/hello\s+1\s+unchanged\s+http:\/\/localhost:8080\/hooks\//);

    fs.writeFileSync(file, HELLO.replace('hi {{', 'hello {{'));
    expect((await json(dir, 'recipes', 'apply', file))[0]).toMatchObject({ version: 2, changed: true, trigger_url: first.trigger_url });
    const versions = await json<Array<{ version: number; current: boolean }>>(dir, 'recipes', 'versions', 'hello');
    expect(versions.map((v) => [v.version, v.current])).toEqual([[2, true], [1, false]]);

    const rolled = await json(dir, 'recipes', 'rollback', 'hello', '1');
    expect(rolled).toMatchObject({ version: 3, changed: true });
    expect(await json(dir, 'recipes', 'show', 'hello')).toEqual(await json(dir, 'recipes', 'show', 'hello', '--version', '1'));
    const yaml = await ok(dir, 'recipes', 'show', 'hello', '--version', '2');
    expect(yaml).toContain('# hello version 2');
    expect(yaml).toContain('message: hello {{ trigger.body.name }}');

    expect(await json(dir, 'recipes', 'stop', 'hello')).toMatchObject({ enabled: false });
    expect(await ok(dir, 'recipes', 'list')).toMatch(/hello\s+3\s+stopped\s+webhook/);
    expect(await json(dir, 'recipes', 'start', 'hello')).toMatchObject({ enabled: true });
    expect((await json(dir, 'recipes', 'list'))[0]).toMatchObject({ name: 'hello', version: 3, enabled: true });
  });

  it('applies a directory of YAML and JSON files, in order', async () => {
    const dir = freshDir();
    const rdir = path.join(dir, 'recipes');
    fs.mkdirSync(rdir);
    fs.writeFileSync(path.join(rdir, 'b.yaml'), HELLO);
    fs.writeFileSync(path.join(rdir, 'a.json'), JSON.stringify({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, steps: [{ id: 's', action: 'transform', with: { x: 1 } }] }));
    fs.writeFileSync(path.join(rdir, 'notes.txt'), 'not a recipe');
    const res = await json<Array<{ name: string; trigger_url: string | null }>>(dir, 'recipes', 'apply', rdir);
    expect(res.map((r) => [r.name, r.trigger_url === null])).toEqual([['nightly', true], ['hello', false]]);
  });

  it('refuses an invalid recipe with its code and line, storing nothing', async () => {
    const dir = freshDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, HELLO.replace('action: transform', 'action: "Not An Action"'));
    const r = await cli(dir, 'recipes', 'apply', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HF_ERR_RECIPE_INVALID');
    expect(r.stderr).toContain('line 5');
    expect(r.stdout).toBe('');
    expect(await json(dir, 'recipes', 'list')).toEqual([]);
    const missing = await cli(dir, 'recipes', 'show', 'nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('HF_ERR_NOT_FOUND');
  });
});

describe('jobs', () => {
  it('lists an empty store', async () => {
    const dir = freshDir();
    expect(await json(dir, 'jobs', 'list')).toEqual({ items: [], next_cursor: null });
    expect(await ok(dir, 'jobs', 'list')).toContain('No jobs.');
  });

  it('an unknown job is a client error', async () => {
    const r = await cli(freshDir(), 'jobs', 'show', 'no-such-job');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error HF_ERR_NOT_FOUND');
  });

  it('shows, pages, repeats and cancels jobs', { timeout: 180_000 }, async () => {
    const dir = freshDir();
    const file = path.join(dir, 'hello.yaml');
    fs.writeFileSync(file, HELLO);
    await ok(dir, 'recipes', 'apply', file);
    const rt = await createRuntime(loadSettings({ HOOKFLOW_DATA_DIR: dir }), { workers: false, log: pino({ level: 'silent' }) });
    let firstId: string;
    try {
      firstId = (await rt.queue.enqueue({ recipe: 'hello', recipe_version: 1, trigger: { body: { name: 'Ada' } } })).id;
      await rt.queue.enqueue({ recipe: 'hello', recipe_version: 1, trigger: { body: { name: 'Bob' } } });
    } finally {
      await rt.close();
    }

    const page1 = await json(dir, 'jobs', 'list', '--limit', '1');
    expect(page1.items.map((j: { number: number }) => j.number)).toEqual([2]);
    expect(page1.next_cursor).toEqual(expect.any(String));
    expect(await ok(dir, 'jobs', 'list', '--limit', '1')).toContain(`--cursor ${page1.next_cursor}`);
    const page2 = await json(dir, 'jobs', 'list', '--limit', '1', '--cursor', page1.next_cursor);
    expect(page2).toMatchObject({ items: [{ number: 1, id: firstId, recipe: 'hello', status: 'queued' }], next_cursor: null });
    expect(await ok(dir, 'jobs', 'list', '--status', 'queued')).toMatch(/NUMBER\s+ID\s+RECIPE[\s\S]*\n2\s+\S+\s+hello\s+1\s+queued/);

    const shown = await json(dir, 'jobs', 'show', '1');
    expect(shown).toMatchObject({ id: firstId, number: 1, trigger: { body: { name: 'Ada' } }, steps: [] });
    expect(await ok(dir, 'jobs', 'show', firstId)).toMatch(/Status:\s+queued/);

    // the repeat runs with the recipe's current version
    fs.writeFileSync(file, HELLO.replace('hi {{', 'hey {{'));
    await ok(dir, 'recipes', 'apply', file);
    const repeated = await json(dir, 'jobs', 'repeat', '1');
    expect(repeated).toMatchObject({ number: 3, recipe_version: 2, status: 'queued', repeat_of: firstId, trigger: { body: { name: 'Ada' } } });

    expect(await json(dir, 'jobs', 'cancel', String(repeated.number))).toMatchObject({ status: 'canceled', error: { code: 'HF_ERR_JOB_CANCELED' } });
    const twice = await cli(dir, 'jobs', 'cancel', repeated.id);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('HF_ERR_JOB_NOT_ACTIVE');
    expect((await json(dir, 'jobs', 'list', '--status', 'canceled')).items.map((j: { id: string }) => j.id)).toEqual([repeated.id]);
  });
});

describe('connections', () => {
  it('keeps secret values out of every answer', { timeout: 180_000 }, async () => {
    const dir = freshDir();
    const SECRET = 's3cr3t-Value-42';
    const created = await cli(dir, 'connections', 'create', '--name', 'crm', '--type', 'http', '--config', '{"base_url":"https://crm.example.com"}',
      '--secret', `token=${SECRET}`, '--secret', `headers={"X-Key":"${SECRET}-h"}`);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('headers, token');
    for (const args of [['connections', 'show', 'crm'], ['connections', 'show', 'crm', '--json'], ['connections', 'list'], ['connections', 'list', '--json']]) {
      const r = await cli(dir, ...args);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(SECRET);
      expect(r.stderr).not.toContain(SECRET);
    }
    expect(created.stdout + created.stderr).not.toContain(SECRET);
    expect(await json(dir, 'connections', 'show', 'crm')).toMatchObject({ name: 'crm', type: 'http', config: { base_url: 'https://crm.example.com' }, secret_fields: ['headers', 'token'] });

    expect(await json(dir, 'connections', 'update', 'crm', '--unset-secret', 'headers')).toMatchObject({ secret_fields: ['token'] });
    const dup = await cli(dir, 'connections', 'create', '--name', 'crm', '--type', 'http');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('HF_ERR_CONFLICT');
    const badConfig = await cli(dir, 'connections', 'create', '--name', 'x', '--type', 'http', '--config', '[1]');
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('HF_ERR_VALIDATION');

    expect(await json(dir, 'connections', 'delete', 'crm')).toEqual({ deleted: 'crm' });
    expect(await json(dir, 'connections', 'list')).toEqual([]);
    expect((await cli(dir, 'connections', 'delete', 'crm')).code).toBe(2);
  });
});
