/**
 * @module outbound/model
 * The subscription row as users see it, its sealed keys, and the message envelope. Signing keys
 * are sealed with the subscription id as AAD and never leave through a view.
 */
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type { WebhooksTable } from '../store/schema.js';
import type { SecretBox } from '../security/index.js';
import type { SigningKey } from './signing.js';
import type { StoredPolicy } from './jwt.js';

export interface SealedKeys {
  keys: SigningKey[];
  jwk: JWK | null;
}

export type WebhookRow = WebhooksTable;

export interface WebhookView {
  id: string;
  event: string;
  uri: string;
  description: string | null;
  recipe: string | null;
  disabled: boolean;
  status: 'active' | 'pending_verification' | 'disabled';
  disabled_reason: string | null;
  private_network: boolean;
  mail_exceptions_to: string[];
  max_concurrency: number | null;
  rate_limit: number | null;
  verify: boolean;
  verified_at: string | null;
  webhook_policy: (Omit<StoredPolicy, 'public_jwk'> & { issuer: string }) | null;
  consecutive_failures: number;
  failing_since: string | null;
  last_delivery_at: string | null;
  last_delivery_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export const iso = (t: number | null): string | null => (t === null ? null : new Date(Number(t)).toISOString());

export const newWebhookId = (): string => `wh_${randomBytes(12).toString('base64url')}`;
/** Standard Webhooks ids must not contain '.'; base64url has none. */
export const newMessageId = (): string => `msg_${randomBytes(15).toString('base64url')}`;

export function sealKeys(box: SecretBox, id: string, k: SealedKeys): string {
  return box.seal(k, `webhook:${id}`);
}

export function openKeys(box: SecretBox, row: Pick<WebhookRow, 'id' | 'secrets'>): SealedKeys {
  return box.open<SealedKeys>(row.secrets, `webhook:${row.id}`);
}

/** The Standard Webhooks payload shape: `{type, timestamp, data}`. */
export function envelope(type: string, data: unknown, at: number): string {
  return JSON.stringify({ type, timestamp: new Date(at).toISOString(), data });
}

/** A URI's password is a credential: views show `***` in its place. */
function maskUri(uri: string): string {
  try {
    const u = new URL(uri);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return uri;
  }
}

export function toView(r: WebhookRow, issuer: string): WebhookView {
  const policy = r.policy ? (JSON.parse(r.policy) as StoredPolicy) : null;
  const status = r.disabled ? 'disabled' : r.verify && r.verified_at === null ? 'pending_verification' : 'active';
  return {
    id: r.id, event: r.event, uri: maskUri(r.uri), description: r.description, recipe: r.recipe, disabled: r.disabled === 1, status,
    disabled_reason: r.disabled_reason, private_network: r.private_network === 1, mail_exceptions_to: JSON.parse(r.mail_exceptions_to) as string[],
    max_concurrency: r.max_concurrency, rate_limit: r.rate_limit, verify: r.verify === 1, verified_at: iso(r.verified_at),
    webhook_policy: policy ? { jwt_alg: policy.jwt_alg, jwt_audience: policy.jwt_audience, jwt_claim_expires_in: policy.jwt_claim_expires_in, kid: policy.kid, issuer } : null,
    consecutive_failures: r.consecutive_failures, failing_since: iso(r.failing_since), last_delivery_at: iso(r.last_delivery_at),
    last_delivery_status: r.last_delivery_status, last_error: r.last_error, created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
  };
}
