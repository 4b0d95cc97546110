/**
 * @module verify/hmac
 * A raw HMAC of the body in one header, as GitHub (`X-Hub-Signature-256: sha256=<hex>`), Shopify
 * (base64) and many others send it.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import type { VerificationConfig } from './types.js';
import { badConfig, decode, header, invalid, sameBytes, stripPrefix, type Check } from './shared.js';

const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;

export function compileHmac(cfg: Extract<VerificationConfig, { type: 'hmac' }>): Check {
  if (!cfg.header || !cfg.secret) throw badConfig('hmac needs a header and a secret');
  const algorithm = cfg.algorithm ?? 'sha256';
  const encoding = cfg.encoding ?? 'hex';
  if (!(algorithm in DIGEST_BYTES)) throw badConfig(`hmac algorithm ${algorithm} is not one of sha1, sha256, sha512`);
  if (encoding !== 'hex' && encoding !== 'base64') throw badConfig(`hmac encoding ${encoding as string} is not hex or base64`);
  const name = cfg.header.toLowerCase();
  const key = createSecretKey(Buffer.from(cfg.secret, 'utf8'));
  const bytes = DIGEST_BYTES[algorithm];

  return (req) => {
    const value = header(req.headers, name);
    if (!value) throw invalid(`missing header ${cfg.header}`);
    const encoded = stripPrefix(value.trim(), cfg.prefix);
    if (encoded === undefined) throw invalid(`header ${cfg.header} does not start with ${JSON.stringify(cfg.prefix)}`);
    const given = decode(encoded, encoding);
    if (!given) throw invalid(`header ${cfg.header} is not ${encoding}`);
    // The length is public (it follows from the algorithm); checking it first keeps timingSafeEqual happy.
    if (given.length !== bytes) throw invalid(`header ${cfg.header} is not a ${algorithm} signature (wrong length)`);
    const expected = createHmac(algorithm, key).update(req.rawBody).digest();
    if (!sameBytes(expected, given)) throw invalid(`${algorithm} HMAC in ${cfg.header} does not match the body`);
    return {};
  };
}
