/**
 * The CLI as a client: saved profiles (`hookflow login`, 0600, several, `--profile`, precedence
 * flags > environment > profile), the start-up output of `hookflow start` (no warnings, one line
 * naming the UI), and shell completion generated from the command tree.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookflow, json, ok, startServer, tempDir, type CliServer } from '../helpers/cli.js';
import { CLI, freePort, kill9, spawnHookflow, waitOutput } from '../helpers/proc.js';

describe('login profiles', () => {
  let a: CliServer;
  let b: CliServer;
  beforeAll(async () => { [a, b] = await Promise.all([startServer(), startServer()]); }, 120_000);
  afterAll(async () => { await Promise.all([a?.stop(), b?.stop()]); });

  it('saves two servers 0600, picks by --profile, and flags beat the environment beat the profile', { timeout: 120_000 }, async () => {
    const config = tempDir();
    const env = { XDG_CONFIG_HOME: config };
    const file = path.join(config, 'hookflow', 'profiles.json');
    // Each server gets a recipe of its own, so an answer shows which server gave it.
    for (const [srv, name] of [[a, 'only-on-a'], [b, 'only-on-b']] as const) {
      const r = await fetch(`${srv.url}/api/v1/recipes/${name}`, { method: 'PUT', headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: { x: 1 } }] }) });
      expect(r.status).toBe(201);
    }
    const names = async (args: string[], e: Record<string, string> = env) => (await json<Array<{ name: string }>>(['recipes', 'list', ...args], { env: e })).map((r) => r.name);

    const wrong = await hookflow(['login', a.url], { env, input: 'hf_not_a_token\n' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('refused the API token (401');
    expect(fs.existsSync(file)).toBe(false); // nothing saved before the server said yes

    expect(await ok(['login', a.url], { env, input: `${a.token}\n` })).toBe(`Signed in to ${a.url} as admin (admin); saved as profile default (default) in ${file}\n`);
    expect(await json(['login', `${b.url}/`, '--profile', 'b'], { env, input: `${b.token}\n` })).toMatchObject({ profile: 'b', url: b.url, default: false });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o077).toBe(0);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved).toEqual({ default: 'default', profiles: { default: { url: a.url, token: a.token }, b: { url: b.url, token: b.token } } });
    expect(await json(['profiles', 'list'], { env })).toEqual([{ name: 'default', url: a.url, default: true }, { name: 'b', url: b.url, default: false }]);
    expect((await ok(['profiles', 'list'], { env }))).not.toContain(a.token);

    expect(await names([])).toEqual(['only-on-a']);
    expect(await names(['--profile', 'b'])).toEqual(['only-on-b']);
    expect(await names([], { ...env, HOOKFLOW_PROFILE: 'b' })).toEqual(['only-on-b']);
    // The environment beats the default profile; a --profile flag beats the environment.
    expect(await names([], { ...env, HOOKFLOW_URL: b.url, HOOKFLOW_TOKEN: b.token })).toEqual(['only-on-b']);
    expect(await names(['--profile', 'default'], { ...env, HOOKFLOW_URL: b.url, HOOKFLOW_TOKEN: b.token })).toEqual(['only-on-a']);
    expect(await names(['--url', b.url, '--token', b.token])).toEqual(['only-on-b']);
    const missing = await hookflow(['recipes', 'list', '--profile', 'nope'], { env });
    expect([missing.code, missing.stderr.split('\n')[0]]).toEqual([3, `error: no profile named nope in ${file}`]);

    await ok(['profiles', 'use', 'b'], { env });
    expect(await names([])).toEqual(['only-on-b']);
    expect(await ok(['logout'], { env })).toBe('Profile b removed; the default is now default\n');
    expect(await names([])).toEqual(['only-on-a']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('hookflow start output', () => {
  it('has no warning lines and ends with the UI URL and how to sign in', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const dir = tempDir();
    // The default log level, as `npm start` runs it.
    const p = spawnHookflow('start', { HOOKFLOW_DATA_DIR: dir, HOOKFLOW_PORT: String(port), HOOKFLOW_DATABASE_URL: '', HOOKFLOW_LOG_LEVEL: 'info' });
    try {
      await waitOutput(p, /Hookflow is up.*\n/);
      const out = p.output();
      expect(out).not.toMatch(/warning|deprecat|strict mode|trace-warnings/i);
      const token = /\n\s+(hf_[A-Za-z0-9_-]+)\n/.exec(out)?.[1];
      expect(token).toBeDefined();
      const lines = out.trim().split('\n');
      expect(lines.at(-1)).toBe(`Hookflow is up: open http://localhost:${port}/ and sign in with the admin token printed above`);
    } finally {
      await kill9(p);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hookflow admin (bootstrap: opens the store, no server)', () => {
  it('makes an admin token on a fresh store, which a server started on it then accepts', { timeout: 90_000 }, async () => {
    const dataDir = tempDir();
    const env = { HOOKFLOW_DATA_DIR: dataDir };
    expect(await json(['admin', 'migrate'], { env })).toEqual({ migrated: true, store: 'sqlite' });
    const t = await json<{ token: string; id: number }>(['admin', 'token', '--user', 'root'], { env });
    expect(t.token).toMatch(/^hf_/);
    expect((await hookflow(['admin', 'token', '--help'])).stdout).toContain('opens the store directly');
    const port = await freePort();
    const p = spawnHookflow('start', { HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_PORT: String(port), HOOKFLOW_DATABASE_URL: '' });
    try {
      await waitOutput(p, /Hookflow is up/);
      // A token existed, so the start created none.
      expect(p.output()).not.toContain('created the first admin API token');
      const users = await json<Array<{ username: string; roles: string[] }>>(['users', 'list'], { env: { HOOKFLOW_URL: `http://127.0.0.1:${port}`, HOOKFLOW_TOKEN: t.token } });
      expect(users).toMatchObject([{ username: 'root', roles: ['admin'] }]);
    } finally {
      await kill9(p);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('shell completion', () => {
  const complete = (script: string, words: string[]) => new Promise<string[]>((resolve, reject) => {
    // bash itself runs the generated function, as the shell does on <Tab>.
    const prog = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _hookflow; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const child = spawn('bash', ['-c', prog], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('close', (code) => (code === 0 ? resolve(out.split('\n').filter(Boolean)) : reject(new Error(err))));
  });

  it('completes commands, subcommands and options from the command tree', async () => {
    const script = await ok(['completion', 'bash']);
    expect(await complete(script, ['hookflow', 're'])).toEqual(['recipes']);
    expect((await complete(script, ['hookflow', 'recipes', ''])).sort()).toEqual(['--help', 'apply', 'call', 'delete', 'list', 'publish', 'rename', 'rollback', 'show', 'start', 'stop', 'versions']);
    expect(await complete(script, ['hookflow', 'recipes', 'show', 'hello', '--ver'])).toEqual(['--version']);
    expect(await complete(script, ['hookflow', 'tokens', 'create', '--exp'])).toEqual(['--expires-in']);
    const zsh = await ok(['completion', 'zsh']);
    expect(zsh.split('\n')[0]).toBe('#compdef hookflow');
    expect(zsh).toContain(script);
    const bad = await hookflow(['completion', 'fish']);
    expect([bad.code, bad.stderr]).toEqual([2, 'error: unknown shell fish: bash or zsh\n']);
    expect(fs.existsSync(CLI)).toBe(true);
  });
});
