/**
 * @module cli/client/profiles
 * Saved servers: `hookflow login` writes a URL and token per profile name into one JSON file
 * that only its owner may read (0600), under $XDG_CONFIG_HOME/hookflow (default ~/.config).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Profile {
  url: string;
  token: string;
}

export interface ProfileFile {
  default?: string;
  profiles: Record<string, Profile>;
}

export function profilesPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'hookflow', 'profiles.json');
}

export function readProfiles(file = profilesPath()): ProfileFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { profiles: {} };
  }
  const doc = JSON.parse(text) as Partial<ProfileFile>;
  return { default: doc.default, profiles: doc.profiles ?? {} };
}

export function writeProfiles(doc: ProfileFile, file = profilesPath()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written aside and renamed, so a crash never leaves half a file; the mode is set before the
  // token is in it, and chmod covers a umask that narrowed nothing.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}
