/**
 * The processes as users run them: first start, TLS, SIGTERM draining, and the SQLite worker refusal.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it, expect, afterEach } from 'vitest';
import { request } from 'undici';
import { tempDir } from './dialects.js';

const CLI = path.resolve(__dirname, '../dist/cli/index.js');
const procs: ChildProcess[] = [];
afterEach(() => { for (const p of procs.splice(0)) p.kill('SIGKILL'); });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function start(env: Record<string, string>) {
  const p = spawn(process.execPath, [CLI, 'start'], { env: { ...process.env, HOOKFLOW_HOST: '127.0.0.1', HOOKFLOW_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(p);
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  return { p, output: () => out, exited };
}

async function healthy(base: string, opts: object = {}): Promise<void> {
  // A deadline, not a count: on a loaded machine a start can take well over 10 s.
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    try {
      const r = await request(`${base}/healthz`, opts);
      if (r.statusCode === 200) { await r.body.text(); return; }
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${base} never became healthy`);
}

describe('processes', () => {
  it('hookflow worker refuses SQLite with a clear message', async () => {
    const err = await promisify(execFile)(process.execPath, [CLI, 'worker'], { env: { ...process.env, HOOKFLOW_DATA_DIR: tempDir(), HOOKFLOW_DATABASE_URL: '' } }).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('HF_ERR_WORKER_NEEDS_POSTGRES');
  });

  it('first start prints an admin token once and keeps only its hash; the secret key file is 0600', async () => {
    const dir = tempDir();
    const port = await freePort();
    const s1 = start({ HOOKFLOW_DATA_DIR: dir, HOOKFLOW_PORT: String(port) });
    await healthy(`http://127.0.0.1:${port}`);
    const token = /\n\s+(hf_[A-Za-z0-9_-]+)\n/.exec(s1.output())?.[1];
    expect(token).toBeTruthy();
    const me = await request(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    expect(((await me.body.json()) as { role: string }).role).toBe('admin');
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const db = fs.readFileSync(path.join(dir, 'hookflow.db'));
    expect(db.includes(Buffer.from(token!))).toBe(false);
    s1.p.kill('SIGTERM');
    expect(await s1.exited).toBe(0);
    const s2 = start({ HOOKFLOW_DATA_DIR: dir, HOOKFLOW_PORT: String(port) });
    await healthy(`http://127.0.0.1:${port}`);
    expect(s2.output()).not.toContain('hf_');
  });

  it('serves HTTPS with HOOKFLOW_TLS_CERT and HOOKFLOW_TLS_KEY', async () => {
    const dir = tempDir();
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]);
    const port = await freePort();
    start({ HOOKFLOW_DATA_DIR: dir, HOOKFLOW_PORT: String(port), HOOKFLOW_ADMIN_TOKEN: 'tls-admin', HOOKFLOW_TLS_CERT: path.join(dir, 'cert.pem'), HOOKFLOW_TLS_KEY: path.join(dir, 'key.pem'), HOOKFLOW_PUBLIC_URL: 'https://hooks.example.com' });
    const { Agent } = await import('undici');
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    await healthy(`https://127.0.0.1:${port}`, { dispatcher });
    const r = await request(`https://127.0.0.1:${port}/api/v1/recipes/tls`, {
      method: 'PUT', dispatcher, headers: { authorization: 'Bearer tls-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tls', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: {} }] }),
    });
    const body = (await r.body.json()) as { trigger_url: string };
    expect(body.trigger_url).toMatch(/^https:\/\/hooks\.example\.com\/hooks\/[A-Za-z0-9_-]{32}$/);
  });

  it('SIGTERM drains: a running step finishes, the job succeeds, the process exits 0', async () => {
    let calls = 0;
    const receiver = http.createServer((_req, res) => { calls++; setTimeout(() => res.end('{"ok":true}'), 800); });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const rport = (receiver.address() as net.AddressInfo).port;
    const dir = tempDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const s = start({ HOOKFLOW_DATA_DIR: dir, HOOKFLOW_PORT: String(port), HOOKFLOW_ADMIN_TOKEN: 'drain-admin' });
    await healthy(base);
    const h = { authorization: 'Bearer drain-admin', 'content-type': 'application/json' };
    await (await request(`${base}/api/v1/connections`, { method: 'POST', headers: h, body: JSON.stringify({ name: 'local', type: 'http', config: { private_network: true } }) })).body.text();
    const rec = await request(`${base}/api/v1/recipes/slow`, { method: 'PUT', headers: h, body: JSON.stringify({ name: 'slow', trigger: { type: 'webhook' }, steps: [{ id: 'call', action: 'http.request', connection: 'local', with: { url: `http://127.0.0.1:${rport}/x` } }] }) });
    const url = ((await rec.body.json()) as { trigger_url: string }).trigger_url;
    const acc = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { job_id } = (await acc.body.json()) as { job_id: string };
    while (calls === 0) await new Promise((r) => setTimeout(r, 20));
    s.p.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    receiver.close();
    const s2 = start({ HOOKFLOW_DATA_DIR: dir, HOOKFLOW_PORT: String(port), HOOKFLOW_ADMIN_TOKEN: 'drain-admin', HOOKFLOW_WORKER_CONCURRENCY: '0' });
    await healthy(base);
    const job = (await (await request(`${base}/api/v1/jobs/${job_id}`, { headers: h })).body.json()) as { status: string };
    expect(job.status).toBe('succeeded');
    expect(calls).toBe(1);
    s2.p.kill('SIGTERM');
  });
});
