/**
 * @module verify/types
 * Inbound authenticity settings, as written in a recipe's trigger (`verify:` and `allow_ips:`).
 */
import type { PrivateAccess } from '../security/ssrf.js';

export type VerificationConfig =
  | { type: 'none' }
  /** `?<param>=<secret>` on the URL (default param `token`). */
  | { type: 'query_secret'; param?: string; secret: string }
  | { type: 'basic'; username: string; password: string }
  /** A header carrying a fixed token, e.g. `X-Api-Key: abc` or `Authorization: Bearer abc`. */
  | { type: 'header_token'; header: string; token: string; prefix?: string }
  /** Raw HMAC over the raw body, e.g. GitHub `X-Hub-Signature-256: sha256=<hex>`. */
  | { type: 'hmac'; header: string; secret: string; algorithm?: 'sha256' | 'sha1' | 'sha512'; encoding?: 'hex' | 'base64'; prefix?: string }
  /** Standard Webhooks v1; several `whsec_` secrets accepted during rotation. */
  | { type: 'standard_webhooks'; secrets: string[]; tolerance_seconds?: number }
  | {
      type: 'jwt';
      /** Pinned algorithms, e.g. ['HS256']; 'none' only with allow_none. */
      algorithms: string[];
      secret?: string;
      public_key?: string;
      jwks_url?: string;
      /**
       * Lets the JWKS fetch reach private addresses. Not in the recipe schema: only code that holds
       * an admin's decision (a 4me connection's `private_network`) sets it.
       */
      private_network?: PrivateAccess;
      allow_none?: boolean;
      issuer?: string;
      audience?: string;
      /** Where the token is: `header` (default Authorization: Bearer) or `body` field (4me `{"jwt":…}`). */
      location?: { header?: string; body_field?: string };
      clock_tolerance_seconds?: number;
      /** For a token without `exp`: its `iat` may be at most this old (and must be present). */
      max_age_seconds?: number;
    };

export interface IpAllowlist {
  cidrs: string[];
  /** Proxies whose X-Forwarded-For is believed; otherwise the socket address counts. */
  trusted_proxies?: string[];
}

export interface InboundRequest {
  rawBody: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[] | undefined>;
  /** The socket's remote address. */
  remoteAddress: string;
}

export interface VerifyResult {
  /** JWT claims when a JWT was verified (the `data` claim carries 4me's delivery). */
  claims?: Record<string, unknown>;
  /** A delivery id the verification yielded (Standard Webhooks `webhook-id`, JWT `jti`), for dedup. */
  deliveryId?: string;
}
