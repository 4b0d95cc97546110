/**
 * @module outbound/signer
 * The signer of one subscription: Standard Webhooks headers always, the JWT body when it has a
 * policy. Opening sealed keys costs a decryption, so the worker builds this once per key change.
 */
import type { SecretBox } from '../security/index.js';
import type { Signer } from './deliver.js';
import { JwtPolicySigner, type StoredPolicy } from './jwt.js';
import { StandardWebhooksSigner } from './signing.js';
import { openKeys, type WebhookRow } from './model.js';

export async function buildSigner(row: Pick<WebhookRow, 'id' | 'secrets' | 'policy'>, box: SecretBox, issuer: string): Promise<Signer> {
  const sealed = openKeys(box, row);
  const headers = new StandardWebhooksSigner(sealed.keys);
  if (!row.policy) return headers;
  const current = sealed.keys.find((k) => k.expires_at === null)!;
  return new JwtPolicySigner(JSON.parse(row.policy) as StoredPolicy, row.id, issuer, current.secret, sealed.jwk, headers);
}
