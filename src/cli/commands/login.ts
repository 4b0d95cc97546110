/**
 * @module cli/commands/login
 * `hookflow login <url>`, `hookflow logout` and `hookflow profiles`: saved servers. The token is
 * read without echo from a terminal, or from stdin when it is not one (scripts pipe it), checked
 * against the server's /api/v1/me, and only then saved.
 */
import type { Command } from 'commander';
import { CliError, EXIT, request } from '../client/api.js';
import { profilesPath, readProfiles, writeProfiles } from '../client/profiles.js';
import { emit, local, out, table, type JsonOpt } from './shared.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Reads one line from a terminal without showing it, or all of stdin when it is piped. */
async function readToken(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0]!.trim();
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (fn: () => void) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      fn();
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(value.trim()));
        if (ch === '\u0003') return done(() => reject(new CliError('canceled', EXIT.failed)));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

export function registerLoginCommands(program: Command): void {
  local(program, 'login <url>', 'Save a server and API token as a profile (token asked without echo, or read from stdin); checked before it is saved')
    .option('--profile <name>', 'profile name', 'default')
    .option('--default', 'make it the default profile (the first profile always is)')
    .action(async (url: string, opts: JsonOpt & { profile: string; default?: boolean }) => {
      if (!NAME.test(opts.profile)) throw new CliError(`profile name ${opts.profile} must match ${NAME.source}`, EXIT.usage);
      let base: string;
      try {
        const u = new URL(url);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
        base = u.origin + u.pathname.replace(/\/+$/, '');
      } catch {
        throw new CliError(`${url} is not an http(s) URL, e.g. http://localhost:8080`, EXIT.usage);
      }
      const token = await readToken(`API token for ${base}: `);
      if (!token) throw new CliError('no token given', EXIT.usage);
      const me = await request<{ user: { username: string }; role: string }>({ url: base, token, from: 'the login URL' }, 'GET', '/me');
      const file = readProfiles();
      file.profiles[opts.profile] = { url: base, token };
      if (opts.default || !file.default || !file.profiles[file.default]) file.default = opts.profile;
      writeProfiles(file);
      const answer = { profile: opts.profile, url: base, user: me.user.username, role: me.role, default: file.default === opts.profile, file: profilesPath() };
      emit(opts, answer, () => out(`Signed in to ${base} as ${me.user.username} (${me.role}); saved as profile ${opts.profile}${answer.default ? ' (default)' : ''} in ${answer.file}`));
    });

  local(program, 'logout', 'Forget a saved profile and its token (the token itself stays valid: revoke it with `hookflow tokens revoke`)')
    .option('--profile <name>', 'profile name (default: the default profile)')
    .action(async (opts: JsonOpt & { profile?: string }) => {
      const file = readProfiles();
      const name = opts.profile ?? file.default;
      if (!name || !file.profiles[name]) throw new CliError(`no profile named ${name ?? 'default'} in ${profilesPath()}`, EXIT.failed);
      delete file.profiles[name];
      if (file.default === name) file.default = Object.keys(file.profiles)[0];
      writeProfiles(file);
      emit(opts, { removed: name, default: file.default ?? null }, () => out(`Profile ${name} removed${file.default ? `; the default is now ${file.default}` : ''}`));
    });

  const profiles = program.command('profiles').description('Saved servers (hookflow login)');
  local(profiles, 'list', 'List saved profiles (never their tokens)').action(async (opts: JsonOpt) => {
    const file = readProfiles();
    const rows = Object.entries(file.profiles).map(([name, p]) => ({ name, url: p.url, default: name === file.default }));
    emit(opts, rows, () => out(rows.length ? table(['NAME', 'DEFAULT', 'URL'], rows.map((r) => [r.name, r.default ? '*' : '', r.url])) : "No profiles. Run 'hookflow login <url>'."));
  });
  local(profiles, 'use <name>', 'Make a saved profile the default').action(async (name: string, opts: JsonOpt) => {
    const file = readProfiles();
    if (!file.profiles[name]) throw new CliError(`no profile named ${name} in ${profilesPath()}`, EXIT.failed);
    file.default = name;
    writeProfiles(file);
    emit(opts, { default: name }, () => out(`Profile ${name} is the default`));
  });
}
