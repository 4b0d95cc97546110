/**
 * @module security/known-secrets
 * Every secret value this process has opened (connection secrets when resolved, OAuth tokens when
 * obtained), so that one scrubber can take them out of anything stored or answered: step input,
 * output and error rows, the job error and its events, error answers, log lines. A remote server
 * echoing a client secret in its error text then leaves no trace of it.
 *
 * Process-wide on purpose: the values are learnt deep in connectors and needed at the edges
 * (engine, HTTP error handler, logger), and an extra known secret only ever hides more.
 * Bounded: the oldest values are forgotten first.
 */
import { REDACTED } from './redact.js';

const MAX = 1000;
const MIN_LENGTH = 6;
/** Keys inside secret objects that hold public words ("Bearer", scopes, certificates). */
const PUBLIC_KEYS = new Set(['token_type', 'scope', 'username', 'expires_at', 'expires_in', 'tls_cert', 'tls_ca']);
const values = new Set<string>();
let re: RegExp | null = null;
let dirty = false;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The forms a value takes on its way into text: raw, JSON-escaped, URL-encoded (both space styles), base64. */
function forms(s: string): string[] {
  const b64 = Buffer.from(s, 'utf8').toString('base64');
  return [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s), encodeURIComponent(s).replace(/%20/g, '+'), b64, b64.replace(/=+$/, ''), Buffer.from(s, 'utf8').toString('base64url')];
}

/** Remembers every string (at any depth) of `v` that is long enough to be a secret. */
export function rememberSecrets(v: unknown): void {
  if (typeof v === 'string') {
    if (v.length < MIN_LENGTH || values.has(v)) return;
    values.add(v);
    if (values.size > MAX) values.delete(values.values().next().value!);
    dirty = true;
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) if (!PUBLIC_KEYS.has(k)) rememberSecrets(x);
  }
}

function pattern(): RegExp | null {
  if (dirty) {
    const all = new Set<string>();
    for (const v of values) for (const f of forms(v)) if (f.length >= MIN_LENGTH) all.add(f);
    // Longest first, so a secret that contains another is replaced whole.
    re = all.size ? new RegExp([...all].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g') : null;
    dirty = false;
  }
  return re;
}

/** `text` with every known secret (in any of its forms) replaced by `[redacted]`. */
export function scrubText(text: string): string;
export function scrubText(text: string | null): string | null;
export function scrubText(text: string | null): string | null {
  const p = pattern();
  return text === null || !p ? text : text.replace(p, REDACTED);
}

/** A deep copy of JSON-shaped `v` with known secrets replaced in every string and key. */
export function scrubKnown<T>(v: T): T {
  const p = pattern();
  if (!p) return v;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return x.replace(p, REDACTED);
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object' && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null)) {
      return Object.fromEntries(Object.entries(x).map(([k, y]) => [k.replace(p, REDACTED), walk(y)]));
    }
    return x;
  };
  return walk(v) as T;
}

/** For tests: forget everything. */
export function forgetSecrets(): void {
  values.clear();
  dirty = true;
}
