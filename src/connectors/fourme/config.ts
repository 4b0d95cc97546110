/**
 * @module connectors/fourme/config
 * A `type: 4me` connection's config: the account and where it lives (a 4me or Xurrent domain, by
 * name or by region/environment, or a custom base URL such as the sandbox), and which credentials
 * sign its calls. Everything else (hosts, issuer, account header) is derived here once.
 */
import { HookflowError } from '../../errors.js';
import type { PrivateAccess } from '../../security/index.js';

export interface FourmeConfig {
  account: string;
  /** e.g. 4me.com, au.4me.com, 4me.qa, 4me-demo.com, 4me-staging.com, xurrent.com, uk.xurrent.qa. */
  domain?: string;
  brand?: '4me' | 'xurrent';
  region?: 'au' | 'uk' | 'ch' | 'us';
  environment?: 'production' | 'qa' | 'demo' | 'staging';
  /** The sandbox or a proxy: GraphQL at `<base>/graphql`, OAuth at `<base>/oauth/token`, REST at `<base>/v1`. */
  base_url?: string;
  auth?: { type?: 'oauth_client_credentials' | 'personal_access_token' };
  private_network?: PrivateAccess;
  timeout_seconds?: number;
  /** Upper bound on nodes fetched by one paged search (default 1000). */
  page_limit?: number;
}

export interface FourmeEndpoints {
  account: string;
  domain: string;
  xurrent: boolean;
  graphqlUrl: string;
  oauthUrl: string;
  apiUrl: string;
  /** `https://<account>.<domain>`: the UI origin and the webhook JWT issuer. */
  accountOrigin: string;
  /** Issuers a webhook JWT may carry: the account origin in its 4me and Xurrent forms. */
  issuers: string[];
  /** Origins a `webhook.verify` callback may point to. */
  callbackOrigins: string[];
  /** Where OIDC discovery documents are fetched: the account, or the custom base URL (sandbox). */
  discoveryOrigin: string;
  accountHeader: 'x-4me-account' | 'x-xurrent-account';
  allowPrivate: PrivateAccess;
  timeoutMs: number;
  pageLimit: number;
  authType: 'oauth_client_credentials' | 'personal_access_token';
}

const DOMAIN = /^(?:(?:au|uk|ch|us)\.)?(?:4me|xurrent)(?:\.com|\.qa|-demo\.com|-staging\.com)$/;
const ACCOUNT = /^[a-z0-9][a-z0-9-]{0,62}$/i;

function invalid(name: string, reason: string): HookflowError {
  return new HookflowError('HF_ERR_CONNECTION_INVALID', { name, reason });
}

function domainOf(name: string, c: FourmeConfig): string {
  if (c.domain) {
    if (!DOMAIN.test(c.domain) && !c.base_url) throw invalid(name, `domain ${c.domain} is not a 4me or Xurrent domain (e.g. 4me.com, au.4me.com, 4me.qa, 4me-demo.com, 4me-staging.com, xurrent.com)`);
    return c.domain;
  }
  const brand = c.brand ?? '4me';
  const env = c.environment ?? 'production';
  if (env !== 'production' && env !== 'qa' && env !== 'demo' && env !== 'staging') throw invalid(name, 'environment is production, qa, demo or staging');
  // Demo and staging are one environment each, without regions: graphql./oauth./api. on that domain.
  if (env === 'demo' || env === 'staging') return `${brand}-${env}.com`;
  const tld = env === 'qa' ? 'qa' : 'com';
  return `${c.region ? `${c.region}.` : ''}${brand}.${tld}`;
}

export function fourmeEndpoints(name: string, config: Record<string, unknown>): FourmeEndpoints {
  const c = config as unknown as FourmeConfig;
  if (typeof c.account !== 'string' || !ACCOUNT.test(c.account)) throw invalid(name, 'account is the 4me account id, e.g. wdc');
  const domain = domainOf(name, c);
  const xurrent = domain.includes('xurrent');
  const accountOrigin = `https://${c.account}.${domain}`;
  const swapped = xurrent ? accountOrigin.replace('xurrent', '4me') : accountOrigin.replace('4me', 'xurrent');
  let base: string | null = null;
  if (c.base_url) {
    try { base = new URL(c.base_url).href.replace(/\/$/, ''); } catch { throw invalid(name, 'base_url is not a URL'); }
  }
  const authType = c.auth?.type ?? 'oauth_client_credentials';
  if (authType !== 'oauth_client_credentials' && authType !== 'personal_access_token') throw invalid(name, 'auth.type is oauth_client_credentials or personal_access_token');
  return {
    account: c.account, domain, xurrent,
    graphqlUrl: base ? `${base}/graphql` : `https://graphql.${domain}/`,
    oauthUrl: base ? `${base}/oauth/token` : `https://oauth.${domain}/token`,
    apiUrl: base ? `${base}/v1` : `https://api.${domain}/v1`,
    accountOrigin,
    issuers: [accountOrigin, swapped],
    callbackOrigins: [accountOrigin, ...(base ? [new URL(base).origin] : [])],
    discoveryOrigin: base ?? accountOrigin,
    accountHeader: xurrent ? 'x-xurrent-account' : 'x-4me-account',
    allowPrivate: c.private_network ?? false,
    timeoutMs: (c.timeout_seconds ?? 30) * 1000,
    pageLimit: c.page_limit ?? 1000,
    authType,
  };
}

/** Checked when a connection is saved (after the catalog's schema and secrets), so a typo fails at once instead of in a job. */
export function fourmeConnectionProblems(config: Record<string, unknown>): string[] {
  try {
    fourmeEndpoints('connection', config);
    return [];
  } catch (e) {
    return [e instanceof HookflowError ? e.message.replace(/^Connection \S+ is invalid: /, '') : String(e)];
  }
}
