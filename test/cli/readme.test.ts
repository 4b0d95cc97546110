/**
 * README's "Your first recipe in five minutes", CLI form, as written: the recipe and every
 * `./hookflow …` line are read from README.md and run through the checkout's `./hookflow`
 * launcher (no npx, nothing rebuilt) against a real `hookflow start`, from another directory.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sleep } from '../helpers/proc.js';
import { startServer, tempDir, type CliServer } from '../helpers/cli.js';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Your first recipe'), readme.indexOf('\n## ', readme.indexOf('## Your first recipe') + 5));
const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, text: m[2]!.replace(/^ {3}/gm, '') }));
const recipe = blocks.find((b) => b.lang === 'yaml')!.text;
const commands = blocks.filter((b) => b.lang === 'sh').flatMap((b) => b.text.split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('./hookflow '));
const adminToken = /HOOKFLOW_ADMIN_TOKEN=(\S+) npm start/.exec(section)![1]!;

function sh(line: string, cwd: string, env: Record<string, string>, input: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^HOOKFLOW_/.test(k)));
    const child = spawn('sh', ['-c', line], { cwd, env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    child.stdin.end(input);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

describe('README first recipe, CLI form', () => {
  let srv: CliServer;
  beforeAll(async () => { srv = await startServer({ HOOKFLOW_ADMIN_TOKEN: adminToken }); }, 60_000);
  afterAll(async () => { await srv?.stop(); });

  it('runs every ./hookflow command of the walkthrough as written', { timeout: 120_000 }, async () => {
    expect(commands).toEqual(['./hookflow login http://localhost:8080', './hookflow recipes apply hello.yaml', './hookflow jobs list', './hookflow jobs show 1', './hookflow jobs repeat 1']);
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'hello.yaml'), recipe);
    const env = { XDG_CONFIG_HOME: tempDir() };
    const run = async (line: string) => {
      // The README's server is on :8080; this one is on a free port. The launcher is the checkout's.
      const r = await sh(line.replace('localhost:8080', `localhost:${srv.port}`).replace('./hookflow', path.join(ROOT, 'hookflow')), cwd, env, `${adminToken}\n`);
      expect(r.code, `${line}\n${r.out}`).toBe(0);
      return r.out;
    };
    const [login, apply, ...jobCommands] = commands;
    expect(await run(login!)).toContain(`Signed in to http://localhost:${srv.port} as admin (admin)`);
    const applied = await run(apply!);
    const url = new RegExp(`hello\\s+1\\s+changed\\s+(http://localhost:${srv.port}/hooks/\\S+)`).exec(applied)?.[1];
    expect(url, applied).toBeDefined();

    // Step 3 of the README: one event at the trigger URL.
    const ev = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery-id': 'evt-1' }, body: '{"name":"Ann","n":21}' });
    expect(ev.status).toBe(200);
    for (let i = 0; i < 200 && !/succeeded/.test(await run('./hookflow jobs show 1')); i++) await sleep(100);

    const [list, show, repeat] = [await run(jobCommands[0]!), await run(jobCommands[1]!), await run(jobCommands[2]!)];
    expect(list).toMatch(/^1\s+\S+\s+hello\s+1\s+succeeded/m);
    expect(show).toMatch(/Status:\s+succeeded/);
    expect(show).toMatch(/^greet\s+succeeded/m);
    // Queued, or already running when an idle worker took it as it was enqueued (the hand-off),
    // or finished: a recipe of transforms runs before its insert (engine/inline.ts).
    expect(repeat).toMatch(/^Job 2 \(\S+\) (queued|running|succeeded): repeat of \S+ with hello version 1/);
    expect(fs.readdirSync(cwd)).toEqual(['hello.yaml']);
  });
});
