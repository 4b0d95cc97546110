import { describe, it, expect } from 'vitest';
import { checkIpAllowlist, compileIpAllowlist, type IpAllowlist } from './index.js';

type Req = Parameters<typeof checkIpAllowlist>[1];
const from = (remoteAddress: string, xff?: string | string[]): Req => ({ remoteAddress, headers: { 'x-forwarded-for': xff } });

const outcome = (list: IpAllowlist, req: Req): string => {
  try {
    return checkIpAllowlist(list, req);
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('ip allowlist', () => {
  const list: IpAllowlist = { cidrs: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'] };

  it('allows addresses inside a CIDR or equal to a bare address and returns the IP', () => {
    expect(checkIpAllowlist(list, from('203.0.113.55'))).toBe('203.0.113.55');
    expect(outcome(list, from('198.51.100.7'))).toBe('198.51.100.7');
    expect(outcome(list, from('2001:db8::abcd'))).toBe('2001:db8::abcd');
  });

  it('denies addresses outside, with the address in the error', () => {
    expect(outcome(list, from('203.0.114.1'))).toBe('HF_ERR_IP_NOT_ALLOWED');
    expect(outcome(list, from('198.51.100.8'))).toBe('HF_ERR_IP_NOT_ALLOWED');
    expect(outcome(list, from('2001:db9::1'))).toBe('HF_ERR_IP_NOT_ALLOWED');
    try {
      checkIpAllowlist(list, from('10.1.2.3'));
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('Source address 10.1.2.3 is not allowed');
      expect((e as { details: unknown }).details).toEqual({ ip: '10.1.2.3' });
      expect((e as { status: number }).status).toBe(403);
    }
  });

  it('treats IPv4-mapped IPv6 as IPv4, both in requests and in CIDRs', () => {
    expect(checkIpAllowlist(list, from('::ffff:203.0.113.9'))).toBe('203.0.113.9');
    expect(outcome(list, from('::ffff:10.0.0.1'))).toBe('HF_ERR_IP_NOT_ALLOWED');
    expect(checkIpAllowlist({ cidrs: ['::ffff:10.0.0.0/104'] }, from('10.9.8.7'))).toBe('10.9.8.7');
    expect(checkIpAllowlist({ cidrs: ['127.0.0.1/32'] }, from('::ffff:127.0.0.1'))).toBe('127.0.0.1');
  });

  it('denies unparseable or lenient-format socket addresses', () => {
    expect(outcome({ cidrs: ['0.0.0.0/0'] }, from(''))).toBe('HF_ERR_IP_NOT_ALLOWED');
    expect(outcome({ cidrs: ['0.0.0.0/0'] }, from('127.1'))).toBe('HF_ERR_IP_NOT_ALLOWED');
  });

  it('rejects a bad CIDR when compiled', () => {
    expect(outcome({ cidrs: ['10.0.0.0/33'] }, from('10.0.0.1'))).toBe('HF_ERR_RECIPE_INVALID');
    expect(outcome({ cidrs: ['10.0.0.0/8'], trusted_proxies: ['proxy.local'] }, from('10.0.0.1'))).toBe('HF_ERR_RECIPE_INVALID');
  });

  it('caches the compiled list on the object', () => {
    expect(compileIpAllowlist(list)).toBe(compileIpAllowlist(list));
  });
});

describe('ip allowlist behind proxies', () => {
  const list: IpAllowlist = { cidrs: ['203.0.113.0/24'], trusted_proxies: ['10.0.0.0/8', 'fd00::/8'] };

  it('honours X-Forwarded-For from a trusted proxy', () => {
    expect(checkIpAllowlist(list, from('10.0.0.2', '203.0.113.5'))).toBe('203.0.113.5');
    expect(outcome(list, from('10.0.0.2', '192.0.2.1'))).toBe('HF_ERR_IP_NOT_ALLOWED');
  });

  it('walks right to left past trusted hops and stops at the first untrusted one', () => {
    // the client wrote 203.0.113.1 itself; 192.0.2.9 is what our edge proxy saw
    expect(outcome(list, from('10.0.0.2', '203.0.113.1, 192.0.2.9, 10.1.1.1'))).toBe('HF_ERR_IP_NOT_ALLOWED');
    expect(checkIpAllowlist(list, from('10.0.0.2', '192.0.2.9, 203.0.113.7, 10.1.1.1'))).toBe('203.0.113.7');
    expect(checkIpAllowlist(list, from('fd00::1', '203.0.113.8,fd00::2'))).toBe('203.0.113.8');
  });

  it('joins repeated X-Forwarded-For headers in order', () => {
    expect(checkIpAllowlist(list, from('10.0.0.2', ['192.0.2.9', '203.0.113.7, 10.1.1.1']))).toBe('203.0.113.7');
  });

  it('understands ports and IPv6 brackets in hops', () => {
    expect(checkIpAllowlist(list, from('10.0.0.2', '203.0.113.4:51234'))).toBe('203.0.113.4');
    expect(checkIpAllowlist({ cidrs: ['2001:db8::/32'], trusted_proxies: ['10.0.0.0/8'] }, from('10.0.0.2', '[2001:db8::5]:443'))).toBe('2001:db8::5');
  });

  it('ignores a spoofed X-Forwarded-For from an untrusted remote', () => {
    expect(outcome(list, from('192.0.2.66', '203.0.113.5'))).toBe('HF_ERR_IP_NOT_ALLOWED');
    expect(checkIpAllowlist(list, from('203.0.113.9', '192.0.2.66'))).toBe('203.0.113.9');
    // without trusted_proxies, X-Forwarded-For is never read
    expect(outcome({ cidrs: ['203.0.113.0/24'] }, from('10.0.0.2', '203.0.113.5'))).toBe('HF_ERR_IP_NOT_ALLOWED');
  });

  it('uses the proxy itself when it forwards nothing, and the leftmost hop when all are trusted', () => {
    expect(outcome(list, from('10.0.0.2'))).toBe('HF_ERR_IP_NOT_ALLOWED');
    expect(checkIpAllowlist({ ...list, cidrs: ['10.0.0.0/8'] }, from('10.0.0.2'))).toBe('10.0.0.2');
    expect(checkIpAllowlist({ ...list, cidrs: ['10.0.0.0/8'] }, from('10.0.0.2', '10.3.3.3, 10.2.2.2'))).toBe('10.3.3.3');
  });

  it('denies when the first untrusted hop is garbage', () => {
    expect(outcome(list, from('10.0.0.2', 'unknown'))).toBe('HF_ERR_IP_NOT_ALLOWED');
    expect(outcome(list, from('10.0.0.2', '203.0.113.5, , 10.1.1.1'))).toBe('HF_ERR_IP_NOT_ALLOWED');
  });
});
