/**
 * @module outbound/signing
 * Standard Webhooks v1: HMAC-SHA256 over `${id}.${timestamp}.${body}` keyed with the bytes of a
 * `whsec_` secret. During a rotation every live secret signs, space-separated in one header, so
 * a receiver that still knows only the old secret keeps verifying for the overlap.
 */
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { OutboundMessage, SignedRequest, Signer } from './deliver.js';

export interface SigningKey {
  secret: string;
  /** Epoch ms after which the key stops signing; null for the current key. */
  expires_at: number | null;
}

/** 32 random bytes: the spec allows 24 to 64. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

export function liveKeys(keys: readonly SigningKey[], now: number): SigningKey[] {
  return keys.filter((k) => k.expires_at === null || k.expires_at > now);
}

export class StandardWebhooksSigner implements Signer {
  // KeyObjects, made once: each HMAC then takes its key from the native handle instead of checking and copying bytes.
  readonly #keys: Array<{ key: KeyObject; expires_at: number | null }>;

  constructor(keys: readonly SigningKey[]) {
    this.#keys = keys.map((k) => ({ key: createSecretKey(secretBytes(k.secret)), expires_at: k.expires_at }));
  }

  /** Headers for `body`; the body itself is sent unchanged. */
  headers(id: string, body: string, nowMs: number): Record<string, string> {
    const ts = String(Math.floor(nowMs / 1000));
    const signatures = this.#keys
      .filter((k) => k.expires_at === null || k.expires_at > nowMs)
      .map((k) => `v1,${createHmac('sha256', k.key).update(`${id}.${ts}.${body}`).digest('base64')}`);
    return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signatures.join(' ') };
  }

  sign(msg: OutboundMessage, nowMs: number): SignedRequest {
    return { body: msg.body, headers: this.headers(msg.id, msg.body, nowMs) };
  }
}
