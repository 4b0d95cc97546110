/**
 * @module security/dispatcher
 * undici Agents that can only connect to allowed addresses. The check sits in the connector, below
 * any caller, so code that forgets `assertUrlAllowed` and hands a URL straight to undici is still
 * guarded.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { Agent, buildConnector } from 'undici';
import { addressAllowed, blocked, guardedLookup, type PrivateAccess } from './ssrf.js';

export interface GuardOptions {
  allowPrivate: PrivateAccess;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Client certificate and extra trusted CA for on-premise APIs (PEM). */
  tls?: { cert?: string; key?: string; passphrase?: string; ca?: string };
}

const agents = new Map<string, Agent>();

function cacheKey(o: GuardOptions): string {
  // Fixed field order so equal settings share one pool; hashed so no second copy of a private key sits in the map.
  const parts = [o.allowPrivate, o.connectTimeoutMs, o.headersTimeoutMs, o.bodyTimeoutMs, o.tls?.cert, o.tls?.key, o.tls?.passphrase, o.tls?.ca];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

function createAgent(o: GuardOptions): Agent {
  const allowed = addressAllowed(o.allowPrivate);
  const base = buildConnector({
    timeout: o.connectTimeoutMs ?? 10_000,
    lookup: guardedLookup(o.allowPrivate),
    ...(o.tls ?? {}),
  });
  return new Agent({
    headersTimeout: o.headersTimeoutMs ?? 30_000,
    bodyTimeout: o.bodyTimeoutMs ?? 30_000,
    // net.connect skips the lookup for IP literals, so those are judged here.
    connect: (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      if (net.isIP(host) && !allowed(host)) return callback(blocked(host), null);
      base(opts, callback);
    },
  });
}

/** A shared, guarded Agent for these settings; pools are reused across calls with the same settings. */
export function guardedDispatcher(opts: GuardOptions): Agent {
  const key = cacheKey(opts);
  let agent = agents.get(key);
  if (!agent || agent.closed || agent.destroyed) agents.set(key, (agent = createAgent(opts)));
  return agent;
}

/** Closes every cached Agent (shutdown, tests). */
export async function closeGuardedDispatchers(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close()));
}
