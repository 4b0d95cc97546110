/**
 * @module outbound/jwt
 * The optional 4me-style webhook policy: the body becomes `{"jwt":"<JWS>"}` whose claims are, in
 * 4me's order, `data` (the message), `jti`, `sub` (the subscription id), `iss`, `nbf` = `iat`,
 * `iat`, then `aud` and `exp` only when the policy sets them. HS* keys are the subscription's
 * `whsec_` secret; RS and ES keys are generated here, the public half published as a JWKS under
 * `<iss>/.well-known/openid-configuration`. `jti` is derived from the message id, so a retry
 * carries the same `jti` and a receiver that dedups on it (Hookflow's own hooks do) sees one event.
 */
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, importJWK, type JWK } from 'jose';
import { HookflowError } from '../errors.js';
import type { OutboundMessage, SignedRequest, Signer } from './deliver.js';
import { StandardWebhooksSigner, secretBytes } from './signing.js';

export const JWT_ALGS = ['hs256', 'hs384', 'hs512', 'rs256', 'rs384', 'rs512', 'es256', 'es384', 'es512'] as const;
export type JwtAlg = (typeof JWT_ALGS)[number];

export interface PolicyInput {
  jwt_alg: string;
  jwt_audience?: string | null;
  /** Seconds until `exp`; no `exp` claim when unset. */
  jwt_claim_expires_in?: number | null;
}

export interface StoredPolicy {
  jwt_alg: JwtAlg;
  jwt_audience: string | null;
  jwt_claim_expires_in: number | null;
  kid: string | null;
  public_jwk: JWK | null;
}

export interface NewPolicy {
  policy: StoredPolicy;
  privateJwk: JWK | null;
  publicKeyPem: string | null;
}

export async function createPolicy(input: PolicyInput): Promise<NewPolicy> {
  const alg = String(input.jwt_alg ?? '').toLowerCase() as JwtAlg;
  if (!JWT_ALGS.includes(alg)) throw new HookflowError('HF_ERR_WEBHOOK_POLICY', { reason: `jwt_alg must be one of ${JWT_ALGS.join(', ')}` });
  if (input.jwt_audience != null && (typeof input.jwt_audience !== 'string' || input.jwt_audience.length > 2048)) {
    throw new HookflowError('HF_ERR_WEBHOOK_POLICY', { reason: 'jwt_audience is a string of at most 2 KB' });
  }
  const exp = input.jwt_claim_expires_in ?? null;
  if (exp !== null && (!Number.isInteger(exp) || exp < 1)) throw new HookflowError('HF_ERR_WEBHOOK_POLICY', { reason: 'jwt_claim_expires_in is a whole number of seconds ≥ 1' });
  const base = { jwt_alg: alg, jwt_audience: input.jwt_audience ?? null, jwt_claim_expires_in: exp };
  if (alg.startsWith('hs')) return { policy: { ...base, kid: null, public_jwk: null }, privateJwk: null, publicKeyPem: null };
  const jwsAlg = alg.toUpperCase();
  const { publicKey, privateKey } = await generateKeyPair(jwsAlg, { extractable: true });
  const kid = randomUUID();
  const public_jwk = { ...(await exportJWK(publicKey)), kid, alg: jwsAlg, use: 'sig' };
  return { policy: { ...base, kid, public_jwk }, privateJwk: await exportJWK(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}

export class JwtPolicySigner implements Signer {
  readonly #key: Promise<CryptoKey | Uint8Array>;

  constructor(
    private readonly policy: StoredPolicy,
    private readonly subject: string,
    private readonly issuer: string,
    currentSecret: string,
    privateJwk: JWK | null,
    private readonly headerSigner: StandardWebhooksSigner,
  ) {
    const alg = policy.jwt_alg.toUpperCase();
    this.#key = policy.jwt_alg.startsWith('hs')
      ? Promise.resolve(new Uint8Array(secretBytes(currentSecret)))
      : importJWK(privateJwk ?? {}, alg) as Promise<CryptoKey>;
    this.#key.catch(() => undefined);
  }

  async sign(msg: OutboundMessage, nowMs: number): Promise<SignedRequest> {
    const iat = Math.floor(nowMs / 1000);
    const alg = this.policy.jwt_alg.toUpperCase();
    const jwt = new SignJWT({ data: JSON.parse(msg.body) as Record<string, unknown> })
      .setProtectedHeader({ alg, typ: 'JWT', ...(this.policy.kid ? { kid: this.policy.kid } : {}) })
      .setJti(createHash('sha256').update(msg.id).digest('hex'))
      .setSubject(this.subject)
      .setIssuer(this.issuer)
      .setNotBefore(iat)
      .setIssuedAt(iat);
    if (this.policy.jwt_audience) jwt.setAudience(this.policy.jwt_audience);
    if (this.policy.jwt_claim_expires_in) jwt.setExpirationTime(iat + this.policy.jwt_claim_expires_in);
    const body = JSON.stringify({ jwt: await jwt.sign(await this.#key) });
    return { body, headers: this.headerSigner.headers(msg.id, body, nowMs) };
  }
}

/** The OIDC discovery document for `issuer` (Hookflow's public URL). */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: JWT_ALGS.filter((a) => !a.startsWith('hs')).map((a) => a.toUpperCase()),
  };
}
