/**
 * @module verify
 * Inbound authenticity for webhooks: is this request from who the recipe says it is, and is the
 * source address allowed. Configs are compiled once (keys imported, secrets hashed) and cached on
 * the config object, so treat a config as immutable once it has been used.
 */
import { HookflowError } from '../errors.js';
import { compileHmac } from './hmac.js';
import { compileIpAllowlist as buildIpCheck, type IpCheck } from './ip.js';
import { compileJwt } from './jwt.js';
import { compileBasic, compileHeaderToken, compileQuerySecret } from './secret.js';
import type { Check } from './shared.js';
import { compileStandardWebhooks } from './standard-webhooks.js';
import type { InboundRequest, IpAllowlist, VerificationConfig, VerifyResult } from './types.js';

export * from './types.js';
export type { IpCheck } from './ip.js';

export type Verifier = (req: InboundRequest, now?: Date) => Promise<VerifyResult>;

const verifiers = new WeakMap<VerificationConfig, Verifier>();
const ipChecks = new WeakMap<IpAllowlist, IpCheck>();

function build(cfg: VerificationConfig): Check {
  switch (cfg.type) {
    case 'none': return () => ({});
    case 'query_secret': return compileQuerySecret(cfg);
    case 'basic': return compileBasic(cfg);
    case 'header_token': return compileHeaderToken(cfg);
    case 'hmac': return compileHmac(cfg);
    case 'standard_webhooks': return compileStandardWebhooks(cfg);
    case 'jwt': return compileJwt(cfg);
    default:
      throw new HookflowError('HF_ERR_RECIPE_INVALID', { reason: `verify: unknown type ${String((cfg as { type?: unknown }).type)}` });
  }
}

/**
 * Pre-compiles a config: secrets hashed, keys imported (createSecretKey / WebCrypto for HS*,
 * createPublicKey for PEM / certificate / JWK, one createRemoteJWKSet per jwks_url). Throws
 * HF_ERR_RECIPE_INVALID at once for a broken config, so recipes can be checked when saved.
 */
export function compileVerifier(cfg: VerificationConfig): Verifier {
  let verifier = verifiers.get(cfg);
  if (!verifier) {
    const check = build(cfg);
    verifier = async (req, now = new Date()) => check(req, now);
    verifiers.set(cfg, verifier);
  }
  return verifier;
}

/**
 * Throws HookflowError HF_ERR_SIGNATURE_INVALID (forged/missing/wrong alg/wrong issuer),
 * HF_ERR_SIGNATURE_STALE (timestamp outside tolerance, JWT expired/not yet valid).
 */
export async function verifyRequest(cfg: VerificationConfig, req: InboundRequest, now: Date = new Date()): Promise<VerifyResult> {
  return compileVerifier(cfg)(req, now);
}

/** Compiles an allowlist once (cached on the object); throws HF_ERR_RECIPE_INVALID for a bad CIDR. */
export function compileIpAllowlist(list: IpAllowlist): IpCheck {
  let check = ipChecks.get(list);
  if (!check) {
    check = buildIpCheck(list);
    ipChecks.set(list, check);
  }
  return check;
}

/** Throws HF_ERR_IP_NOT_ALLOWED. Returns the client IP used. */
export function checkIpAllowlist(
  list: IpAllowlist,
  req: { remoteAddress: string; headers: Record<string, string | string[] | undefined> },
): string {
  return compileIpAllowlist(list)(req);
}
