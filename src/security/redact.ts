/**
 * @module security/redact
 * Keeps auth material out of logs and step data. Pino redaction is by path (it has no "any depth"
 * wildcard), so secret-looking keys are listed at the top and two levels down; `scrubSecrets` is
 * the net under it, removing known secret values wherever they ended up.
 */

export const REDACTED = '[redacted]';

const SECRET_KEYS = ['password', 'secret', 'secrets', 'token', 'client_secret', 'access_token', 'refresh_token', 'private_key', 'api_key', 'apiKey'];
const HEADER_KEYS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

const headerPaths = (prefix: string): string[] =>
  HEADER_KEYS.map((h) => `${prefix}.headers${/^\w+$/.test(h) ? `.${h}` : `[${JSON.stringify(h)}]`}`);

/** Paths for pino's `redact` option; use with `censor: REDACTED` (see `REDACT_OPTIONS`). */
export const REDACT_PATHS: string[] = [
  ...headerPaths('req'),
  ...headerPaths('res'),
  ...headerPaths('*'),
  ...headerPaths('*.*'),
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

export const REDACT_OPTIONS = { paths: REDACT_PATHS, censor: REDACTED };

/** A copy of `headers` with auth headers (and `extra`, any case) replaced by `[redacted]`. */
export function redactHeaders(headers: Record<string, unknown>, extra: string[] = []): Record<string, unknown> {
  const hide = new Set([...HEADER_KEYS, ...extra.map((h) => h.toLowerCase())]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = hide.has(k.toLowerCase()) ? REDACTED : v;
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Compiles a scrubber for a set of secrets. Besides the raw value it catches the URL-encoded and
 * JSON-escaped forms, the shapes a secret takes inside a query string or a logged body. Secrets
 * shorter than 4 characters are ignored: replacing every "a" would destroy the data and hide nothing.
 */
export function makeScrubber(secrets: readonly string[]): (value: unknown) => unknown {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < 4) continue;
    forms.add(s).add(encodeURIComponent(s)).add(JSON.stringify(s).slice(1, -1));
  }
  if (forms.size === 0) return (v) => v;
  // Longest first, so a secret that contains another is replaced whole.
  const re = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g');
  const walk = (v: unknown, seen: WeakSet<object>): unknown => {
    if (typeof v === 'string') return v.replace(re, REDACTED);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    let out: unknown = v;
    if (Array.isArray(v)) out = v.map((x) => walk(x, seen));
    else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(re, REDACTED), walk(x, seen)]));
    } else if (v instanceof Error) {
      out = { name: v.name, message: walk(v.message, seen), ...(walk({ ...v }, seen) as object) };
    }
    seen.delete(v);
    return out;
  };
  return (value) => walk(value, new WeakSet());
}

/** Deep copy of JSON-shaped `value` with every occurrence of a secret inside strings replaced. */
export function scrubSecrets(value: unknown, secrets: readonly string[]): unknown {
  return makeScrubber(secrets)(value);
}
