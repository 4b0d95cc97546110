/**
 * @module verify/shared
 * Small helpers every verification method uses: error constructors, header lookup and the
 * constant-time comparison.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { HookflowError } from '../errors.js';
import type { InboundRequest, VerifyResult } from './types.js';

/** A compiled check. Sync methods return a value; only JWT (JWKS fetch, WebCrypto) needs a promise. */
export type Check = (req: InboundRequest, now: Date) => VerifyResult | Promise<VerifyResult>;

export type Headers = InboundRequest['headers'];

export const invalid = (reason: string): HookflowError => new HookflowError('HF_ERR_SIGNATURE_INVALID', { reason });

export const stale = (tolerance: number): HookflowError => new HookflowError('HF_ERR_SIGNATURE_STALE', { tolerance });

/** Config mistakes surface when the recipe is compiled, not as a 401 blamed on the sender. */
export const badConfig = (reason: string): HookflowError => new HookflowError('HF_ERR_RECIPE_INVALID', { reason: `verify: ${reason}` });

/** Node only makes arrays of a few headers (set-cookie); the first value is the one a signer set. */
export function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `name` must already be lower-case (compile time does that once). */
export function header(headers: Headers, name: string): string | undefined {
  const v = first(headers[name]);
  return v === undefined || v === '' ? undefined : v;
}

export function sha256(v: string | Buffer): Buffer {
  return createHash('sha256').update(v).digest();
}

/**
 * Compares secrets via their SHA-256 digests: timingSafeEqual needs equal lengths, and comparing
 * digests keeps the secret's length from leaking through an early length mismatch.
 */
export function sameDigest(expected: Buffer, given: string | Buffer): boolean {
  return timingSafeEqual(expected, sha256(given));
}

/** Equal-length guard first: a MAC's length is public, only its bytes must not leak. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Strips a scheme/prefix such as `Bearer ` or `sha256=`; case-insensitive because senders vary. */
export function stripPrefix(value: string, prefix: string | undefined): string | undefined {
  if (!prefix) return value;
  if (value.length < prefix.length || value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined;
  return value.slice(prefix.length).trim();
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** Buffer.from silently drops bad characters; validate first so garbage never half-decodes. */
export function decode(value: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  if (!(encoding === 'hex' ? HEX : BASE64).test(value)) return undefined;
  return Buffer.from(value, encoding);
}
