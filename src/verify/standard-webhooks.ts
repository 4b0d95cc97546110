/**
 * @module verify/standard-webhooks
 * Standard Webhooks v1 (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed with the base64 part of a `whsec_` secret.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { VerificationConfig } from './types.js';
import { badConfig, decode, header, invalid, sameBytes, stale, type Check } from './shared.js';

const DEFAULT_TOLERANCE = 300;
const SHA256_BYTES = 32;

function importSecret(secret: string, i: number): KeyObject {
  const b64 = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  const bytes = decode(b64, 'base64');
  if (!bytes?.length) throw badConfig(`standard_webhooks secret #${i + 1} is not whsec_ followed by base64`);
  return createSecretKey(bytes);
}

/** The `v1,<base64>` entries of webhook-signature; other versions are for other schemes and are skipped. */
function v1Signatures(value: string): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of value.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const sig = decode(entry.slice(comma + 1), 'base64');
    if (sig?.length === SHA256_BYTES) out.push(sig);
  }
  return out;
}

export function compileStandardWebhooks(cfg: Extract<VerificationConfig, { type: 'standard_webhooks' }>): Check {
  if (!Array.isArray(cfg.secrets) || cfg.secrets.length === 0) throw badConfig('standard_webhooks needs at least one secret');
  const keys = cfg.secrets.map(importSecret);
  const tolerance = cfg.tolerance_seconds ?? DEFAULT_TOLERANCE;
  if (!(tolerance >= 0)) throw badConfig('standard_webhooks tolerance_seconds must be zero or more');

  return (req, now) => {
    const id = header(req.headers, 'webhook-id');
    const timestamp = header(req.headers, 'webhook-timestamp');
    const signature = header(req.headers, 'webhook-signature');
    if (!id) throw invalid('missing webhook-id header');
    if (!timestamp) throw invalid('missing webhook-timestamp header');
    if (!signature) throw invalid('missing webhook-signature header');
    if (!/^\d{1,12}$/.test(timestamp)) throw invalid('webhook-timestamp is not unix seconds');
    const given = v1Signatures(signature);
    if (given.length === 0) throw invalid('webhook-signature has no v1 signature');

    const signedPrefix = Buffer.from(`${id}.${timestamp}.`, 'utf8');
    let ok = false;
    for (const key of keys) {
      const expected = createHmac('sha256', key).update(signedPrefix).update(req.rawBody).digest();
      if (given.some((sig) => sameBytes(expected, sig))) { ok = true; break; }
    }
    if (!ok) throw invalid('no v1 signature matches any configured secret');

    // Checked after the signature so STALE always means "genuine but out of time" — a clock-skew or
    // replay hint for operators, never a forgery.
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > tolerance) throw stale(tolerance);
    return { deliveryId: id };
  };
}
