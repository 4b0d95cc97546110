/**
 * @module cli/client/api
 * The management commands' only way to the server: one HTTP request to /api/v1 with a bearer
 * token, over node:http(s). It must stay this small: a command's start-up time is the modules it
 * loads, so nothing of the runtime, Fastify or the store may be imported here (nor the global
 * fetch: loading Node's bundled undici costs more than the request).
 */
import { profilesPath, readProfiles } from './profiles.js';

/** Exit codes, documented in README "Exit codes". */
export const EXIT = { ok: 0, failed: 1, usage: 2, auth: 3, unreachable: 4 } as const;

/** An error the CLI prints as it is (no stack) and exits with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number, readonly hint?: string) {
    super(message);
  }
}

/** The server answered `{"error":{code,message,details}}`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export interface ServerOpts {
  url?: string;
  token?: string;
  profile?: string;
}

export interface Target {
  url: string;
  token: string;
  /** Where the URL came from, for error messages. */
  from: string;
}

const LOGIN_HINT = "Run 'hookflow login <url>' or set HOOKFLOW_URL and HOOKFLOW_TOKEN.";

/** Flags win over the environment, the environment over the saved (or default) profile. */
export function resolveTarget(opts: ServerOpts, env: NodeJS.ProcessEnv = process.env): Target {
  const file = readProfiles();
  const name = opts.profile ?? env.HOOKFLOW_PROFILE;
  if (name && !file.profiles[name]) throw new CliError(`no profile named ${name} in ${profilesPath(env)}`, EXIT.auth, LOGIN_HINT);
  // A profile named on the command line is a flag: it beats HOOKFLOW_URL/HOOKFLOW_TOKEN.
  const named = opts.profile ? file.profiles[opts.profile] : undefined;
  const fallback = name ? file.profiles[name] : file.default ? file.profiles[file.default] : undefined;
  const url = opts.url ?? named?.url ?? env.HOOKFLOW_URL ?? fallback?.url;
  const token = opts.token ?? named?.token ?? env.HOOKFLOW_TOKEN ?? fallback?.token;
  const from = opts.url ? '--url' : named ? `profile ${opts.profile}` : env.HOOKFLOW_URL ? 'HOOKFLOW_URL' : `profile ${name ?? file.default}`;
  if (!url) throw new CliError('no Hookflow server configured', EXIT.auth, LOGIN_HINT);
  if (!token) throw new CliError(`no API token for ${url}`, EXIT.auth, LOGIN_HINT);
  return { url: url.replace(/\/+$/, ''), token, from };
}

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Send `body` as this text type instead of JSON (recipes as YAML). */
  contentType?: string;
  /** Answer the body's text as it came (a download), not parsed. */
  raw?: boolean;
}

/** `path` is relative to /api/v1 unless it starts with `//` (then it is a server path). */
export async function request<T = any>(t: Target, method: string, path: string, o: CallOptions = {}): Promise<T> {
  const url = new URL(path.startsWith('//') ? path.slice(1) : `/api/v1${path}`, `${t.url}/`);
  for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { authorization: `Bearer ${t.token}`, accept: 'application/json' };
  let body: string | undefined;
  if (o.body !== undefined) {
    headers['content-type'] = o.contentType ?? 'application/json';
    body = o.contentType ? String(o.body) : JSON.stringify(o.body);
  }
  let res: { status: number; text: string };
  try {
    res = await send(url, method, headers, body);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    throw new CliError(`cannot reach the Hookflow server at ${t.url} (${err.code ?? err.message}); is it running? (URL from ${t.from})`, EXIT.unreachable);
  }
  const ok = res.status >= 200 && res.status < 300;
  const text = res.text;
  let data: any = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (ok) return (o.raw ? text : data) as T;
  const err = data?.error;
  if (res.status === 401) {
    throw new CliError(`the server at ${t.url} refused the API token (401 ${err?.code ?? 'Unauthorized'}); it may be wrong, revoked or expired`, EXIT.auth, LOGIN_HINT);
  }
  if (err?.code) throw new ApiError(res.status, err.code, err.message ?? '', err.details);
  throw new CliError(`${method} ${url.pathname} answered HTTP ${res.status}${typeof data === 'string' ? `: ${data.slice(0, 200)}` : ''}; is ${t.url} a Hookflow server?`, EXIT.failed);
}

/** node:http(s) are loaded here, not at the top: `--help` and usage errors need neither (TLS is slow to load). */
async function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  const lib = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = lib.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
