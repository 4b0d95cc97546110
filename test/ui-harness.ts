/**
 * Browser tests' harness: the built `hookflow start` on a fresh data dir, and Debian's chromium
 * driven by playwright-core (no browser download: `executablePath` is the system one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = process.env.HOOKFLOW_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
// README pictures are refreshed on request (HOOKFLOW_SCREENSHOTS=1); a plain test run keeps the tree clean.
export const SHOTS = process.env.HOOKFLOW_SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : path.join(os.tmpdir(), 'hookflow-ui-shots');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Server { url: string; token: string; dir: string; child: ChildProcess; log(): string; stop(): Promise<void> }

export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const cli = path.join(ROOT, 'dist/cli/index.js');
  if (!fs.existsSync(path.join(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is missing: run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-ui-'));
  const port = await freePort();
  const token = `ui-admin-${Math.random().toString(36).slice(2)}`;
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [cli, 'start'], {
    cwd: ROOT,
    env: { ...process.env, HOOKFLOW_DATA_DIR: dir, HOOKFLOW_PORT: String(port), HOOKFLOW_HOST: '127.0.0.1', HOOKFLOW_PUBLIC_URL: url, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_LOG_LEVEL: 'warn', HOOKFLOW_DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => { out = (out + b.toString()).slice(-50_000); });
  child.stderr!.on('data', (b: Buffer) => { out = (out + b.toString()).slice(-50_000); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`hookflow start exited: ${out}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 300) throw new Error(`hookflow start did not become healthy: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, token, dir, child, log: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export async function signIn(page: Page, server: Server, token = server.token): Promise<void> {
  await page.goto(server.url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The bearer API, for arranging what the browser should then find. */
export async function apiCall<T = any>(server: Server, method: string, p: string, body?: unknown, yaml = false): Promise<T> {
  const res = await fetch(`${server.url}/api/v1${p}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': yaml ? 'application/yaml' : 'application/json' }) },
    body: body === undefined ? undefined : yaml ? String(body) : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

/** The recipe editor's YAML pane (a CodeMirror editor, not a textarea): its text, line by line. */
export function yamlEditor(page: Page) {
  return page.getByRole('textbox', { name: 'YAML', exact: true });
}
export async function readYaml(page: Page): Promise<string> {
  return yamlEditor(page).evaluate((el) => Array.from(el.querySelectorAll('.cm-line')).map((l) => l.textContent ?? '').join('\n'));
}
/** Replaces the YAML as a person would: select all, then type (paste-like insert) the new text. */
export async function fillYaml(page: Page, text: string): Promise<void> {
  const ed = yamlEditor(page);
  await ed.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

export type Viewport = { width: number; height: number };
export interface UiSuite {
  readonly server: Server;
  readonly browser: Browser;
  /** The suite's page: made in beforeAll with the suite's viewport, signed in as admin unless `signIn: false` (none with `page: false`). */
  readonly page: Page;
  /** A page in a fresh context (the suite's viewport unless `ctx` says otherwise): signed in with `token`
   *  (the admin's when omitted), or not signed in with `null`. Its context is closed in afterAll. */
  newPage(token?: string | null, ctx?: BrowserContextOptions): Promise<Page>;
}

/**
 * One browser suite: registers beforeAll (server + chromium + page) and afterAll (every context it made,
 * the browser, the server). `start` replaces `hookflow start` (an in-process app answering a Server).
 * `viewport: null` keeps Playwright's default context; `page: false` makes no suite page (tests take `newPage`).
 */
export function uiSuite(opts: { env?: Record<string, string>; viewport?: Viewport | null; signIn?: boolean; page?: boolean; start?: () => Promise<Server>; timeout?: number } = {}): UiSuite {
  const ctxOpts: BrowserContextOptions = opts.viewport === null ? {} : { viewport: opts.viewport ?? { width: 1280, height: 900 } };
  const contexts: BrowserContext[] = [];
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const need = <T>(v: T | undefined, what: string): T => { if (v === undefined) throw new Error(`uiSuite: no ${what} (beforeAll failed or not run yet)`); return v; };
  const suite: UiSuite = {
    get server() { return need(server, 'server'); },
    get browser() { return need(browser, 'browser'); },
    get page() { return need(page, 'page'); },
    async newPage(token, ctx = ctxOpts) {
      const c = await suite.browser.newContext(ctx);
      contexts.push(c);
      const p = await c.newPage();
      if (token !== null) await signIn(p, suite.server, token ?? suite.server.token);
      return p;
    },
  };
  beforeAll(async () => {
    // Each is kept as soon as it is up, so afterAll stops it even when the other failed.
    await Promise.all([(opts.start ?? (() => startServer(opts.env)))().then((s) => { server = s; }), launch().then((b) => { browser = b; })]);
    if (opts.page !== false) page = await suite.newPage(opts.signIn === false ? null : undefined);
  }, opts.timeout ?? 60_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  }, 30_000);
  return suite;
}

/** A viewer's token (POST /tokens with `body`, role viewer) and a fresh page signed in with it. */
export async function viewerPage(suite: UiSuite, body: Record<string, unknown>, ctx?: BrowserContextOptions): Promise<Page> {
  const { token } = await apiCall<{ token: string }>(suite.server, 'POST', '/tokens', { role: 'viewer', ...body });
  return suite.newPage(token, ctx);
}

/** POSTs a JSON event (an object, or text as is) to a trigger URL. */
export function postEvent(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Reads a job until it has succeeded or `tries` reads (50 ms apart) have passed; answers the last read. */
export async function waitJob(server: Server, id: string | number, tries = 300): Promise<any> {
  let job: any;
  for (let i = 0; i < tries && job?.status !== 'succeeded'; i++) {
    job = await apiCall(server, 'GET', `/jobs/${id}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  return job;
}
