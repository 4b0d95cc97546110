/**
 * @module security/ssrf
 * The outbound guard. Addresses are judged after DNS resolution, at connect time, so a name that
 * resolves to a public address when the URL is checked and to 127.0.0.1 a moment later (DNS
 * rebinding) is still refused. IP literals never reach a resolver, so they are judged from the URL.
 */
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { HookflowError } from '../errors.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * `true` allows every private address, `false` none; a list of addresses/CIDRs allows only those
 * (an on-premise API at 10.1.2.3 should not open the whole LAN, nor the cloud metadata service).
 */
export type PrivateAccess = boolean | readonly string[];

function embeddedV4(v6: ipaddr.IPv6, from: number): ipaddr.IPv4 {
  const b = v6.toByteArray();
  return new ipaddr.IPv4(b.slice(from, from + 4));
}

function isPrivateParsed(addr: Address): boolean {
  if (addr.kind() === 'ipv4') return addr.range() !== 'unicast';
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  // Translation prefixes carry an IPv4 address that is where the packet really goes.
  if (range === 'ipv4Mapped' || range === 'rfc6145') return isPrivateParsed(embeddedV4(v6, 12));
  // NAT64 (64:ff9b::/96) is how IPv6-only hosts reach the IPv4 internet, so public targets must pass.
  if (range === 'rfc6052' && v6.match(ipaddr.IPv6.parse('64:ff9b::'), 96)) return isPrivateParsed(embeddedV4(v6, 12));
  if (range === '6to4') return isPrivateParsed(embeddedV4(v6, 2));
  // Deprecated IPv4-compatible ::a.b.c.d is not in ipaddr's table but some stacks still route it.
  if (range === 'unicast' && v6.match(ipaddr.IPv6.parse('::'), 96)) return true;
  return range !== 'unicast';
}

/**
 * True for anything that is not a plain public unicast address: loopback, private, link-local
 * (cloud metadata), CGNAT, multicast, reserved, and IPv6 forms that embed one of those. Text that is
 * not an IP address at all counts as private: the guard fails closed.
 */
export function isPrivateAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(text)) return true;
  return isPrivateParsed(ipaddr.parse(text));
}

function compileAccess(access: PrivateAccess): (ip: string) => boolean {
  if (access === true) return () => true;
  if (access === false || access.length === 0) return (ip) => !isPrivateAddress(ip);
  const ranges = access.map((entry): [Address, number] => {
    try {
      if (entry.includes('/')) return ipaddr.parseCIDR(entry);
      const a = ipaddr.parse(entry);
      return [a, a.kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw new HookflowError('HF_ERR_CONFIG', { name: 'allowPrivate', reason: `${entry} is not an IP address or CIDR` });
    }
  });
  return (ip) => {
    if (!isPrivateAddress(ip)) return true;
    const text = ip.replace(/^\[|\]$/g, '');
    if (!ipaddr.isValid(text)) return false;
    let a: Address = ipaddr.parse(text);
    if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
    return ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));
  };
}

const accessCache = new Map<string, (ip: string) => boolean>();

/** The compiled "may we connect to this address?" test for an access setting. */
export function addressAllowed(access: PrivateAccess): (ip: string) => boolean {
  const key = JSON.stringify(access);
  let fn = accessCache.get(key);
  if (!fn) accessCache.set(key, (fn = compileAccess(access)));
  return fn;
}

export function blocked(address: string): HookflowError {
  return new HookflowError('HF_ERR_SSRF_BLOCKED', { address });
}

/** WHATWG URL parsing has already turned `2130706433`, `0x7f.1` and `127.1` into `127.0.0.1`. */
export function assertUrlAllowed(url: string | URL, allowPrivate: PrivateAccess): URL {
  let u: URL;
  try { u = typeof url === 'string' ? new URL(url) : url; } catch {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: `${String(url).slice(0, 200)} is not a valid URL` });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: `only http and https URLs may be called, not ${u.protocol}` });
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) && !addressAllowed(allowPrivate)(host)) throw blocked(host);
  return u;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
export type GuardedLookup = (hostname: string, options: dns.LookupOptions | number | LookupCallback, callback?: LookupCallback) => void;

/** A `dns.lookup` stand-in for `net.connect`/undici that refuses a name if any address it has is private. */
export function guardedLookup(allowPrivate: PrivateAccess): GuardedLookup {
  const allowed = addressAllowed(allowPrivate);
  return (hostname, options, callback) => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts: dns.LookupOptions = typeof options === 'number' ? { family: options } : typeof options === 'object' ? options : {};
    dns.lookup(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      // All, not just the first: the socket may fall back to any of them (happy eyeballs).
      const bad = addresses.find((a) => !allowed(a.address));
      if (bad) return cb(blocked(`${bad.address} (${hostname})`), []);
      if (opts.all) return cb(null, addresses);
      const first = addresses[0];
      if (!first) return cb(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      cb(null, first.address, first.family);
    });
  };
}
