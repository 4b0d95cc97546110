/**
 * @module verify/jwt
 * A JWS-signed JWT in a header (default `Authorization: Bearer`) or in a JSON body field (4me
 * sends `{"jwt":"<JWS>"}` with the delivery in the `data` claim). Algorithms are pinned so a token
 * cannot pick its own (HS256-with-the-public-key and `alg: none` attacks).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  decodeProtectedHeader,
  jwtVerify,
  UnsecuredJWT,
  type JWTClaimVerificationOptions,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { HookflowError } from '../errors.js';
import type { VerificationConfig, VerifyResult } from './types.js';
import { badConfig, header, invalid, stale, stripPrefix, type Check } from './shared.js';
import { guardedJwks } from './jwks.js';

type JwtConfig = Extract<VerificationConfig, { type: 'jwt' }>;

const HMAC_ALGS = new Set(['HS256', 'HS384', 'HS512']);
const ASYMMETRIC_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** One resolver per URL and network access: it holds the fetched keys, TTL, cooldown and kid-miss refetch. */
const remoteSets = new Map<string, JWTVerifyGetKey>();

function remoteJwks(url: string, allowPrivate: JwtConfig['private_network']): JWTVerifyGetKey {
  const key = JSON.stringify([url, allowPrivate ?? false]);
  let set = remoteSets.get(key);
  if (!set) {
    let parsed: URL;
    try { parsed = new URL(url); } catch { throw badConfig(`jwt jwks_url ${url} is not a URL`); }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw badConfig('jwt jwks_url must be http(s)');
    set = guardedJwks(parsed, { allowPrivate: allowPrivate ?? false });
    remoteSets.set(key, set);
  }
  return set;
}

/** PEM SPKI, PEM X.509 certificate or a JWK as JSON — createPublicKey reads them all synchronously. */
function importPublicKey(text: string): KeyObject {
  try {
    const t = text.trim();
    return t.startsWith('{') ? createPublicKey({ key: JSON.parse(t) as never, format: 'jwk' }) : createPublicKey(t);
  } catch (e) {
    throw badConfig(`jwt public_key cannot be read (${(e as Error).message})`);
  }
}

/** WebCrypto HMAC keys are bound to one hash, so import per algorithm, once, on first use. */
function hmacKeys(secret: string): (alg: string) => Promise<CryptoKey> {
  const raw = new TextEncoder().encode(secret);
  const keys = new Map<string, Promise<CryptoKey>>();
  return (alg) => {
    let key = keys.get(alg);
    if (!key) {
      key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify']);
      keys.set(alg, key);
    }
    return key;
  };
}

function keyResolver(cfg: JwtConfig, signedAlgs: string[]): JWTVerifyGetKey {
  const needsHmac = signedAlgs.some((a) => HMAC_ALGS.has(a));
  const needsAsym = signedAlgs.some((a) => ASYMMETRIC_ALGS.has(a));
  if (needsHmac && !cfg.secret) throw badConfig(`jwt algorithms ${signedAlgs.filter((a) => HMAC_ALGS.has(a)).join(', ')} need a secret`);
  if (needsAsym && !cfg.public_key && !cfg.jwks_url) throw badConfig('jwt asymmetric algorithms need public_key or jwks_url');
  const hmac = needsHmac ? hmacKeys(cfg.secret!) : undefined;
  const publicKey = needsAsym && cfg.public_key ? importPublicKey(cfg.public_key) : undefined;
  const jwks = needsAsym && !publicKey && cfg.jwks_url ? remoteJwks(cfg.jwks_url, cfg.private_network) : undefined;
  // jose checks the header's alg against `algorithms` before calling this, so alg is pinned here.
  return async (protectedHeader, token) => {
    const alg = protectedHeader.alg ?? '';
    if (HMAC_ALGS.has(alg)) return hmac!(alg);
    if (publicKey) return publicKey;
    return jwks!(protectedHeader, token);
  };
}

/** Only the alg name from the (attacker-chosen) header goes into a reason, and only if it looks like one. */
function tokenAlg(token: string): string {
  try {
    const alg = decodeProtectedHeader(token).alg;
    return typeof alg === 'string' && /^[A-Za-z0-9_-]{1,16}$/.test(alg) ? alg : 'unknown';
  } catch {
    return 'unknown';
  }
}

function toHookflowError(e: unknown, token: string, cfg: JwtConfig, allowed: string, tolerance: number): HookflowError {
  if (e instanceof HookflowError) return e;
  const err = e as { code?: string; claim?: string; reason?: string; message?: string };
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      return stale(tolerance);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if ((err.claim === 'nbf' || err.claim === 'iat') && err.reason === 'check_failed') return stale(tolerance);
      return invalid(`JWT ${err.message ?? 'claims are invalid'}`);
    case 'ERR_JOSE_ALG_NOT_ALLOWED': {
      const alg = tokenAlg(token);
      return invalid(alg === 'none' ? 'unsecured JWT (alg none) is not accepted' : `JWT algorithm ${alg} is not allowed (expected ${allowed})`);
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalid('JWT signature does not verify');
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return invalid('no key in the JWKS matches the JWT');
    case 'ERR_JWKS_TIMEOUT':
      return invalid(`the JWKS at ${cfg.jwks_url} did not answer in time`);
    case undefined:
      // Not a JOSE error: a key that does not fit the alg (TypeError) or a failed JWKS fetch.
      return invalid(`JWT could not be verified (${err.message ?? String(e)})`);
    default:
      return invalid(`JWT ${err.message ?? err.code}`);
  }
}

/**
 * The token from a body field: a JSON object's field, or a form body's (`jwt=<token>`, as a
 * form-encoding sender posts it). Anything else has no such field, and the reason says which.
 */
function bodyToken(req: Parameters<Check>[0], field: string): unknown {
  const text = req.rawBody.toString('utf8');
  const type = String(header(req.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(text).get(field) ?? undefined;
  let body: unknown;
  try { body = JSON.parse(text); } catch {
    throw invalid(`body is neither JSON nor a form (content type ${type || 'none'}), so it has no ${field} field`);
  }
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[field] : undefined;
}

export function compileJwt(cfg: JwtConfig): Check {
  if (!Array.isArray(cfg.algorithms) || cfg.algorithms.length === 0) throw badConfig('jwt needs a pinned list of algorithms');
  for (const a of cfg.algorithms) {
    if (a !== 'none' && !HMAC_ALGS.has(a) && !ASYMMETRIC_ALGS.has(a)) throw badConfig(`jwt algorithm ${a} is not supported`);
  }
  const allowNone = cfg.allow_none === true && cfg.algorithms.includes('none');
  const signedAlgs = cfg.algorithms.filter((a) => a !== 'none');
  const getKey = signedAlgs.length ? keyResolver(cfg, signedAlgs) : undefined;
  const tolerance = cfg.clock_tolerance_seconds ?? 0;
  const allowed = cfg.algorithms.join(', ');
  const bodyField = cfg.location?.body_field;
  const headerName = (cfg.location?.header ?? 'authorization').toLowerCase();
  const claimOptions = (now: Date): JWTClaimVerificationOptions => ({
    issuer: cfg.issuer,
    audience: cfg.audience,
    clockTolerance: tolerance,
    currentDate: now,
  });

  const locate = (req: Parameters<Check>[0]): string => {
    if (bodyField) {
      const token = bodyToken(req, bodyField);
      if (typeof token !== 'string' || !token) throw invalid(`body has no string field ${bodyField}`);
      return token;
    }
    const value = header(req.headers, headerName);
    if (!value) throw invalid(`missing ${headerName} header`);
    // `Bearer ` is optional so custom headers can carry the bare token.
    return stripPrefix(value, 'Bearer ') ?? value.trim();
  };

  return async (req, now) => {
    const token = locate(req);
    let payload: JWTPayload;
    try {
      // Peek at the header only when unsecured tokens are allowed; otherwise jwtVerify rejects them.
      if (allowNone && tokenAlg(token) === 'none') {
        payload = UnsecuredJWT.decode(token, claimOptions(now)).payload;
      } else {
        if (!getKey) throw invalid('only unsecured JWTs (alg none) are configured, but the token is signed');
        payload = (await jwtVerify(token, getKey, { ...claimOptions(now), algorithms: signedAlgs })).payload;
      }
    } catch (e) {
      throw toHookflowError(e, token, cfg, allowed, tolerance);
    }
    if (cfg.max_age_seconds && payload.exp === undefined) {
      // 4me's tokens carry no exp; without a bound a captured one stays valid for ever.
      if (typeof payload.iat !== 'number') throw invalid('JWT has neither exp nor iat, so its age cannot be checked');
      if (now.getTime() / 1000 - payload.iat > cfg.max_age_seconds + tolerance) throw stale(tolerance);
    }
    const result: VerifyResult = { claims: payload as Record<string, unknown> };
    if (typeof payload.jti === 'string' && payload.jti) result.deliveryId = payload.jti;
    return result;
  };
}
