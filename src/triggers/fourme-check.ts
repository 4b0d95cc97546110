/**
 * @module triggers/fourme-check
 * A `4me.webhook` trigger's policy checked when the recipe is saved (the catalog entry's `check`;
 * its connection is checked from the entry's `connection_types`), not when 4me delivers: the
 * policy's key is a real key of the policy's algorithm (an RSA PEM on an ES512 policy, a
 * placeholder, a private key pasted by mistake are refused now with the field named, instead of
 * failing every delivery later).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { RecipeProblem } from '../recipes/types.js';
import type { FourmePolicy } from './fourme-policy.js';

const CURVES: Record<string, string> = { es256: 'prime256v1', es384: 'secp384r1', es512: 'secp521r1' };
const PLACEHOLDER = /^\s*(?:<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|changeme|change-me|todo|tbd|xxx+|secret|placeholder|\.\.\.)\s*$/i;

function keyProblem(alg: string, pem: string): string | null {
  if (PLACEHOLDER.test(pem)) return 'is a placeholder; paste the webhook policy\'s public key PEM';
  if (/PRIVATE KEY/.test(pem)) return 'is a private key; give the policy\'s public key';
  let key: KeyObject;
  try { key = createPublicKey(pem.trim()); } catch (e) { return `cannot be read as a PEM public key (${(e as Error).message})`; }
  const type = key.asymmetricKeyType;
  if (alg.startsWith('rs')) return type === 'rsa' ? null : `is a ${type} key, but jwt_alg ${alg} needs an RSA key`;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (type !== 'ec') return `is a ${type} key, but jwt_alg ${alg} needs an EC key on ${CURVES[alg]}`;
  return curve === CURVES[alg] ? null : `is an EC key on ${curve}, but jwt_alg ${alg} needs ${CURVES[alg]}`;
}

export function policyProblems(p: FourmePolicy | undefined): RecipeProblem[] {
  if (!p) return [];
  const at = (f: string) => `/trigger/policy/${f}`;
  const alg = String(p.jwt_alg ?? '').toLowerCase();
  const out: RecipeProblem[] = [];
  if (alg.startsWith('hs')) {
    if (!p.secret) out.push({ path: at('secret'), message: `jwt_alg ${alg} needs the policy's HMAC secret` });
    else if (PLACEHOLDER.test(p.secret)) out.push({ path: at('secret'), message: 'is a placeholder; paste the webhook policy\'s secret' });
    if (p.public_key) out.push({ path: at('public_key'), message: `jwt_alg ${alg} is signed with the secret, not a public key` });
  } else if (alg.startsWith('rs') || alg.startsWith('es')) {
    if (p.oidc_discovery) {
      if (!p.policy_name) out.push({ path: at('policy_name'), message: 'oidc_discovery needs policy_name (the policy\'s name, part of its issuer URL)' });
    } else if (!p.public_key) {
      out.push({ path: at('public_key'), message: `jwt_alg ${alg} needs public_key (the policy's PEM) or oidc_discovery` });
    } else {
      const why = keyProblem(alg, p.public_key);
      if (why) out.push({ path: at('public_key'), message: why });
    }
    if (p.secret) out.push({ path: at('secret'), message: `jwt_alg ${alg} is checked with a public key, not a secret` });
  }
  return out;
}
