import { describe, it, expect } from 'vitest';
import { addressAllowed, assertUrlAllowed, guardedLookup, isPrivateAddress } from './ssrf.js';
import type dns from 'node:dns';

const PRIVATE = [
  '127.0.0.1', '127.255.255.254', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255',
  '192.168.1.1', '169.254.169.254', '169.254.0.1', '0.0.0.0', '0.1.2.3', '100.64.0.1', '100.127.255.254',
  '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '192.0.2.1', '198.18.0.1',
  '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', 'fec0::1',
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '[::1]',
  '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::1', '2002:7f00:1::1', '2002:a00:1::', '2001::1',
  '2001:db8::1', '::127.0.0.1', '100::1',
  // loose IPv4 spellings are judged as what they mean, not passed through
  '2130706433', '0x7f.1', '127.1', '017700000001',
  // not an address at all: fail closed
  'localhost', 'example.com', '', '1.2.3.4.5',
];
const PUBLIC = [
  '8.8.8.8', '1.1.1.1', '93.184.216.34', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1',
  '169.253.255.255', '192.169.0.1', '11.0.0.1', '2606:4700:4700::1111', '2001:4860:4860::8888',
  '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1',
];

describe('isPrivateAddress', () => {
  it.each(PRIVATE)('refuses %s', (ip) => expect(isPrivateAddress(ip)).toBe(true));
  it.each(PUBLIC)('allows %s', (ip) => expect(isPrivateAddress(ip)).toBe(false));
});

describe('addressAllowed', () => {
  it('with a list allows only the listed private ranges, and public addresses', () => {
    const ok = addressAllowed(['10.1.2.0/24', '::1']);
    expect(ok('10.1.2.3')).toBe(true);
    expect(ok('::ffff:10.1.2.3')).toBe(true);
    expect(ok('10.1.3.1')).toBe(false);
    expect(ok('169.254.169.254')).toBe(false);
    expect(ok('::1')).toBe(true);
    expect(ok('8.8.8.8')).toBe(true);
  });

  it('rejects a list entry that is not an address', () => {
    expect(() => addressAllowed(['intranet'])).toThrow(expect.objectContaining({ code: 'HF_ERR_CONFIG' }));
  });
});

describe('assertUrlAllowed', () => {
  const refused = [
    'http://127.0.0.1/', 'http://[::1]:8080/', 'http://2130706433/', 'http://0x7f.1/', 'http://127.1/',
    'https://169.254.169.254/latest/meta-data/', 'http://[::ffff:127.0.0.1]/', 'http://0/', 'http://10.0.0.1:9200/',
    'http://[fe80::1]/', 'http://[64:ff9b::7f00:1]/',
  ];
  it.each(refused)('refuses %s', (url) => {
    expect(() => assertUrlAllowed(url, false)).toThrow(expect.objectContaining({ code: 'HF_ERR_SSRF_BLOCKED' }));
  });

  it('allows private literals when the connection allows them', () => {
    expect(assertUrlAllowed('http://2130706433:81/x', true).hostname).toBe('127.0.0.1');
  });

  it('leaves names to the connect-time lookup', () => {
    expect(assertUrlAllowed('https://api.example.com/v1', false).host).toBe('api.example.com');
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1:25/', 'not a url'])('rejects %s as invalid', (url) => {
    expect(() => assertUrlAllowed(url, true)).toThrow(expect.objectContaining({ code: 'HF_ERR_VALIDATION' }));
  });
});

function lookup(allow: boolean, host: string, opts: dns.LookupOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    guardedLookup(allow)(host, opts, (err, address, family) => (err ? reject(err) : resolve({ address, family })));
  });
}

describe('guardedLookup', () => {
  it('refuses a name that resolves to loopback', async () => {
    await expect(lookup(false, 'localhost', {})).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
    await expect(lookup(false, 'localhost', { all: true })).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
  });

  it('answers in the shape asked for when allowed', async () => {
    const one = (await lookup(true, 'localhost', { family: 4 })) as { address: string; family: number };
    expect(one).toEqual({ address: '127.0.0.1', family: 4 });
    const all = (await lookup(true, 'localhost', { all: true, family: 4 })) as { address: unknown };
    expect(all.address).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('accepts the (hostname, callback) form', async () => {
    const err = await new Promise((r) => guardedLookup(false)('localhost', (e) => r(e)));
    expect(err).toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
  });
});
