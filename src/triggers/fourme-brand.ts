/**
 * @module triggers/fourme-brand
 * 4me became Xurrent: a migrated account signs webhook JWTs (`iss`), names itself in `account` and
 * points `webhook.verify` callbacks at `https://<account>.xurrent.*`, while nodeIDs still encode
 * `4me.*`. Whichever brand a connection was set up with, deliveries of the same account under the
 * other brand are its own; any other account or host is not. Only the brand word in the domain is
 * swapped (an account id such as `my4me` stays as it is).
 */
import type { FourmeEndpoints } from '../connectors/fourme/config.js';

/** `au.4me.com` ⇄ `au.xurrent.com`, `4me-staging.com` ⇄ `xurrent-staging.com`, `4me.qa` ⇄ `xurrent.qa`. */
export function otherBrandDomain(domain: string): string | null {
  const m = /^((?:[a-z]{2}\.)?)(4me|xurrent)((?:-[a-z]+)?\.[a-z.]+)$/.exec(domain);
  if (!m) return null;
  return `${m[1]}${m[2] === '4me' ? 'xurrent' : '4me'}${m[3]}`;
}

/** The account's UI origin in both brands, the configured one first. */
export function accountOrigins(ep: Pick<FourmeEndpoints, 'account' | 'domain'>): string[] {
  const other = otherBrandDomain(ep.domain);
  return [`https://${ep.account}.${ep.domain}`, ...(other ? [`https://${ep.account}.${other}`] : [])];
}

/** Where a `webhook.verify` callback may point: the account in either brand, or the custom base URL (sandbox, proxy). */
export function callbackOrigins(ep: Pick<FourmeEndpoints, 'account' | 'domain' | 'discoveryOrigin' | 'accountOrigin'>): string[] {
  const base = ep.discoveryOrigin !== ep.accountOrigin ? [new URL(ep.discoveryOrigin).origin] : [];
  return [...accountOrigins(ep), ...base];
}
