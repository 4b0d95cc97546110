/**
 * @module verify/jwks
 * JWKS fetched by Hookflow itself through the SSRF guard (jose's createRemoteJWKSet would use its
 * own unguarded fetch, and any unauthenticated POST can trigger it), then handed to jose as a
 * local set. Cached for a TTL; an unknown `kid` refetches, but at most once per cooldown, so a
 * stream of forged tokens cannot turn into a stream of fetches.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { displayUrl } from '../security/index.js';
import { fetchJsonDocument } from '../security/fetch-json.js';
import type { PrivateAccess } from '../security/index.js';
import { invalid } from './shared.js';

const TTL_MS = 10 * 60_000;
const COOLDOWN_MS = 30_000;

export interface JwksOptions { allowPrivate?: PrivateAccess; ttlMs?: number; cooldownMs?: number }

export function guardedJwks(url: URL, opts: JwksOptions = {}): JWTVerifyGetKey {
  const ttl = opts.ttlMs ?? TTL_MS;
  const cooldown = opts.cooldownMs ?? COOLDOWN_MS;
  let set: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt = 0;
  let tried = 0;
  let lastError: unknown;
  let inflight: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    inflight ??= (async () => {
      tried = Date.now();
      try {
        const doc = (await fetchJsonDocument(url, { allowPrivate: opts.allowPrivate ?? false })) as JSONWebKeySet;
        if (!doc || !Array.isArray(doc.keys)) throw new Error('answer has no keys array');
        set = createLocalJWKSet(doc);
        fetchedAt = Date.now();
        lastError = undefined;
      } catch (e) {
        lastError = e;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };
  const failure = () => invalid(`the JWKS at ${displayUrl(url)} could not be fetched (${(lastError as Error)?.message ?? 'unknown error'})`);

  return async (header, token) => {
    const now = Date.now();
    if ((!set || now - fetchedAt > ttl) && now - tried >= cooldown) await refresh();
    else if (inflight) await inflight;
    if (!set) throw failure();
    try {
      return await set(header, token);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY' || Date.now() - tried < cooldown) throw e;
      await refresh();
      return set(header, token);
    }
  };
}
