/**
 * @module verify/secret
 * Shared-secret methods: a token on the query string, HTTP Basic credentials, or a fixed header
 * token. The expected value is hashed once at compile time; requests compare digests.
 */
import type { VerificationConfig } from './types.js';
import { badConfig, first, header, invalid, sameDigest, sha256, stripPrefix, type Check } from './shared.js';

type Cfg<T> = Extract<VerificationConfig, { type: T }>;

export function compileQuerySecret(cfg: Cfg<'query_secret'>): Check {
  if (!cfg.secret) throw badConfig('query_secret needs a secret');
  const param = cfg.param || 'token';
  const expected = sha256(cfg.secret);
  return (req) => {
    const given = first(req.query[param]);
    if (!given) throw invalid(`missing query parameter ${param}`);
    if (!sameDigest(expected, given)) throw invalid(`query parameter ${param} is wrong`);
    return {};
  };
}

export function compileBasic(cfg: Cfg<'basic'>): Check {
  if (!cfg.username || !cfg.password) throw badConfig('basic needs a username and a password');
  // One digest over `user:pass` so neither half can be probed on its own.
  const expected = sha256(`${cfg.username}:${cfg.password}`);
  return (req) => {
    const auth = header(req.headers, 'authorization');
    if (!auth) throw invalid('missing Authorization header');
    const m = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(auth);
    if (!m) throw invalid('Authorization header is not Basic credentials');
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    if (!decoded.includes(':')) throw invalid('Basic credentials have no username:password pair');
    if (!sameDigest(expected, decoded)) throw invalid('wrong username or password');
    return {};
  };
}

export function compileHeaderToken(cfg: Cfg<'header_token'>): Check {
  if (!cfg.header || !cfg.token) throw badConfig('header_token needs a header and a token');
  const name = cfg.header.toLowerCase();
  const expected = sha256(cfg.token);
  return (req) => {
    const value = header(req.headers, name);
    if (!value) throw invalid(`missing header ${cfg.header}`);
    const token = stripPrefix(value, cfg.prefix);
    if (token === undefined) throw invalid(`header ${cfg.header} does not start with ${JSON.stringify(cfg.prefix)}`);
    if (!sameDigest(expected, token)) throw invalid(`header ${cfg.header} carries the wrong token`);
    return {};
  };
}
