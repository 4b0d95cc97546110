/**
 * @module connectors/http/authorize
 * The authorization-code dance. The state names the connection and carries 128 random bits; it and
 * the PKCE verifier wait in the connection's sealed secrets (`oauth_pending`), so any process behind
 * the same store can finish the callback and nothing pending is readable at rest.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HookflowError } from '../../errors.js';
import type { ConnectionService } from '../../services/connections.js';
import type { AuthConfig } from './config.js';
import { forgetTokens, tokenRequest } from './oauth.js';

/** An authorization not finished within this is refused (people do leave consent screens open). */
const PENDING_MS = 15 * 60_000;

interface Pending { state: string; verifier?: string; created_at: number }

export const redirectUri = (publicUrl: string): string => `${publicUrl}/oauth/callback`;

export async function startAuthorization(connections: ConnectionService, name: string, publicUrl: string): Promise<{ authorization_url: string; redirect_uri: string; state: string }> {
  const conn = await connections.resolve(name);
  const auth = conn.config.auth as AuthConfig | undefined;
  if (auth?.type !== 'oauth2_authorization_code' || !auth.authorization_url) {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: `connection ${name} does not use oauth2_authorization_code` });
  }
  const state = `${name}.${randomBytes(16).toString('base64url')}`;
  const pkce = auth.pkce !== false;
  const verifier = pkce ? randomBytes(32).toString('base64url') : undefined;
  const url = new URL(auth.authorization_url);
  const params: Record<string, string> = {
    ...(auth.extra_params ?? {}), response_type: 'code', client_id: auth.client_id ?? '', redirect_uri: redirectUri(publicUrl), state,
  };
  if (auth.scopes?.length) params.scope = auth.scopes.join(' ');
  if (verifier) Object.assign(params, { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const pending: Pending = { state, ...(verifier ? { verifier } : {}), created_at: Date.now() };
  await connections.update(name, { secrets: { oauth_pending: pending } });
  return { authorization_url: url.href, redirect_uri: redirectUri(publicUrl), state };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Exchanges the code; the pending state is consumed whether or not the exchange works. */
export async function finishAuthorization(connections: ConnectionService, state: string, code: string, publicUrl: string): Promise<{ connection: string; expires_at: string | null }> {
  const name = state.split('.')[0] ?? '';
  const conn = await connections.resolve(name).catch(() => null);
  const pending = conn?.secrets.oauth_pending as Pending | undefined;
  if (!conn || !pending || !sameText(pending.state, state) || Date.now() - pending.created_at > PENDING_MS) throw new HookflowError('HF_ERR_OAUTH_STATE');
  await connections.update(name, { secrets: { oauth_pending: null } });
  const params: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri(publicUrl) };
  if (pending.verifier) params.code_verifier = pending.verifier;
  const token = await tokenRequest(conn, params);
  await connections.update(name, { secrets: { oauth_token: token } });
  forgetTokens(name);
  return { connection: name, expires_at: token.expires_at ? new Date(token.expires_at).toISOString() : null };
}
