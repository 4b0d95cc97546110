/**
 * @module services/tokens
 * Random identifiers that act as credentials: API tokens and inbound URL tokens.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 192 random bits, URL-safe: unguessable, so the URL itself is the credential. */
export function newUrlToken(): string {
  return randomBytes(24).toString('base64url');
}

export function newApiToken(): string {
  return `hf_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
