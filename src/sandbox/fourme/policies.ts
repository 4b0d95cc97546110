/**
 * @module sandbox/fourme/policies
 * Webhook policies and the signing 4me does with them: `{"jwt":"<JWS>"}` with the claims in 4me's
 * order (`data`, `jti`, `sub` = webhook id, `iss` = `https://<account>.<domain>`, `nbf` = `iat`,
 * `iat`, then `aud`, and `exp` only when the policy sets `jwt_claim_expires_in`, which counts
 * minutes). RS and ES keys are generated here and the public half is shown once, at creation, and
 * a token names its key with `kid`; HS policies get an HMAC secret, also shown once.
 */
import { randomBytes, createHash } from 'node:crypto';
import { SignJWT, UnsecuredJWT, exportSPKI, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SandboxState, Rec } from './state.js';

export interface PolicyKeys { privateKey?: CryptoKey; publicKeyPem?: string; publicJwk?: JWK; secret?: string; kid: string }

export const POLICY_ALGS = ['none', 'hs256', 'hs384', 'hs512', 'rs256', 'rs384', 'rs512', 'es256', 'es384', 'es512'];

export async function createPolicy(state: SandboxState, keys: Map<number, PolicyKeys>, input: { jwtAlg: string; jwtAudience?: string | null; jwtClaimExpiresIn?: number | null; disabled?: boolean }) {
  const alg = String(input.jwtAlg).toLowerCase();
  if (!POLICY_ALGS.includes(alg)) throw new Error(`jwt_alg must be one of ${POLICY_ALGS.join(', ')}`);
  const k: PolicyKeys = { kid: randomBytes(16).toString('hex') };
  if (alg.startsWith('hs')) k.secret = randomBytes(32).toString('base64url');
  else if (alg !== 'none') {
    const pair = await generateKeyPair(alg.toUpperCase(), { extractable: true });
    k.privateKey = pair.privateKey as CryptoKey;
    k.publicKeyPem = await exportSPKI(pair.publicKey);
    k.publicJwk = { ...(await exportJWK(pair.publicKey)), kid: k.kid, alg: alg.toUpperCase(), use: 'sig' };
  }
  const rec = state.create('WebhookPolicy', {
    name: randomBytes(28).toString('hex'), jwtAlg: alg, jwtAudience: input.jwtAudience ?? null,
    jwtClaimExpiresIn: input.jwtClaimExpiresIn ?? null, disabled: !!input.disabled,
  });
  keys.set(rec.id, k);
  return { rec, publicKeyPem: k.publicKeyPem ?? null, secret: k.secret ?? null };
}

/** `expiresIn` in minutes, as the policy's `jwt_claim_expires_in`; `kid: false` leaves the header without it. */
export interface SignOptions { issuer?: string; audience?: string | null; expiresIn?: number | null; alg?: string; key?: CryptoKey | Uint8Array; nowS?: number; kid?: boolean }

/** Signs `data` as 4me would for this policy; tests override claims or keys to forge attacks. */
export async function signDelivery(state: SandboxState, policy: Rec, keys: PolicyKeys, data: Record<string, unknown>, deliveryId: string, o: SignOptions = {}): Promise<string> {
  const alg = (o.alg ?? String(policy.jwtAlg)).toLowerCase();
  const iat = o.nowS ?? Math.floor(state.now() / 1000);
  const claims: Record<string, unknown> = {
    data, jti: createHash('sha256').update(deliveryId).digest('hex'), sub: String(data.webhook_id),
    iss: o.issuer ?? `https://${state.account}.${state.domain}`, nbf: iat, iat,
  };
  const aud = o.audience !== undefined ? o.audience : (policy.jwtAudience as string | null);
  if (aud) claims.aud = aud;
  const exp = o.expiresIn !== undefined ? o.expiresIn : (policy.jwtClaimExpiresIn as number | null);
  if (exp) claims.exp = iat + exp * 60;
  if (alg === 'none') return new UnsecuredJWT(claims).encode();
  const key = o.key ?? (alg.startsWith('hs') ? new TextEncoder().encode(keys.secret!) : keys.privateKey!);
  const header: Record<string, unknown> = { typ: 'JWT', alg: alg.toUpperCase(), ...(o.kid !== false && !alg.startsWith('hs') ? { kid: keys.kid } : {}) };
  return new SignJWT(claims).setProtectedHeader(header as never).sign(key);
}
