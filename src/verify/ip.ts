/**
 * @module verify/ip
 * Source-address allowlist. The socket address counts unless it belongs to a trusted proxy; only
 * then is X-Forwarded-For read, right to left, because only the entries our own proxies appended
 * are believable — anything further left is whatever the client chose to write.
 */
import ipaddr from 'ipaddr.js';
import { HookflowError } from '../errors.js';
import type { IpAllowlist } from './types.js';
import { badConfig, type Headers } from './shared.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

export type IpCheck = (req: { remoteAddress: string; headers: Headers }) => string;

/**
 * Strict parse: four-part decimal IPv4 only (ipaddr.js would also take `0x7f.1` or `127.1`), and
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`, what dual-stack sockets report) folded to IPv4.
 */
export function parseIp(text: string): Address | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

function parseRange(text: string, field: string): Range {
  const t = text.trim();
  if (!t.includes('/')) {
    const addr = parseIp(t);
    if (!addr) throw badConfig(`${field} entry ${t} is not an IP address or CIDR`);
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  }
  let range: Range;
  try { range = ipaddr.parseCIDR(t); } catch { throw badConfig(`${field} entry ${t} is not a CIDR`); }
  const [addr, bits] = range;
  // `::ffff:10.0.0.0/104` means 10.0.0.0/8; match it against the folded IPv4 form.
  if (addr.kind() === 'ipv6' && bits >= 96 && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return range;
}

function compileRanges(list: string[] | undefined, field: string): (addr: Address) => boolean {
  const v4: Range[] = [];
  const v6: Range[] = [];
  for (const text of list ?? []) {
    const r = parseRange(text, field);
    (r[0].kind() === 'ipv4' ? v4 : v6).push(r);
  }
  return (addr) => (addr.kind() === 'ipv4' ? v4 : v6).some((r) => addr.match(r));
}

/** XFF entries sometimes carry ports (`1.2.3.4:5678`, `[2001:db8::1]:443`); the address is what counts. */
function parseForwarded(entry: string): Address | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return parseIp(bracketed[1]!);
  const v4port = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  return parseIp(v4port ? v4port[1]! : entry);
}

/** Attacker-written text goes into the error message; keep it short and printable. */
const shown = (s: string): string => s.replace(/[^\x21-\x7e]/g, '?').slice(0, 64) || '(none)';

const denied = (ip: string): HookflowError => new HookflowError('HF_ERR_IP_NOT_ALLOWED', { ip: shown(ip) }, { details: { ip: shown(ip) } });

export function compileIpAllowlist(list: IpAllowlist): IpCheck {
  if (!Array.isArray(list.cidrs)) throw badConfig('allow_ips needs a cidrs list');
  const allowed = compileRanges(list.cidrs, 'allow_ips.cidrs');
  const trusted = list.trusted_proxies?.length ? compileRanges(list.trusted_proxies, 'allow_ips.trusted_proxies') : undefined;

  return (req) => {
    let client = parseIp(req.remoteAddress ?? '');
    if (!client) throw denied(req.remoteAddress ?? '');
    if (trusted?.(client)) {
      const raw = req.headers['x-forwarded-for'];
      const xff = Array.isArray(raw) ? raw.join(',') : raw;
      if (xff) {
        const hops = xff.split(',');
        for (let i = hops.length - 1; i >= 0; i--) {
          const entry = hops[i]!.trim();
          const hop = parseForwarded(entry);
          // An unparseable hop can only have come from beyond our proxies: the client is unknown.
          if (!hop) throw denied(entry);
          client = hop;
          if (!trusted(hop)) break;
        }
      }
    }
    const ip = client.toString();
    if (!allowed(client)) throw denied(ip);
    return ip;
  };
}
