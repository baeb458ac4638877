// The client-address key: IPv4 as is, IPv6 grouped by /64.
import { describe, expect, it } from 'vitest';
import { ipKey } from '../../../src/rate-limit/keys';

describe('ipKey', () => {
  it('keeps IPv4 addresses whole', () => {
    expect(ipKey('192.0.2.1')).toBe('192.0.2.1');
    expect(ipKey(' 192.0.2.1 ')).toBe('192.0.2.1');
  });

  it.each([
    '2001:db8:abcd:12:1:2:3:4',
    '2001:0DB8:ABCD:0012:ffff:ffff:ffff:ffff',
    '2001:db8:abcd:12::',
    '2001:db8:abcd:12::1',
    '2001:db8:abcd:12:0:0:0:1',
    '2001:db8:abcd:12::192.0.2.1',
  ])('groups %s into its /64', (ip) => {
    expect(ipKey(ip)).toBe('2001:db8:abcd:12::/64');
  });

  it('tells neighbouring /64s apart', () => {
    expect(ipKey('2001:db8:abcd:13::1')).toBe('2001:db8:abcd:13::/64');
    expect(ipKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
  });

  it('drops a zone index', () => {
    expect(ipKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('treats IPv4-mapped IPv6 as the IPv4 address', () => {
    expect(ipKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ipKey('::ffff:c000:0201')).toBe('192.0.2.1');
  });

  it('uses anything unparsable verbatim, capped, and a missing header as one "unknown" client', () => {
    expect(ipKey(undefined)).toBe('unknown');
    expect(ipKey('')).toBe('unknown');
    expect(ipKey('1::2::3')).toBe('1::2::3');
    expect(ipKey('2001:db8:1:2:3:4:5:6:7')).toBe('2001:db8:1:2:3:4:5:6:7');
    expect(ipKey(`x${'a'.repeat(500)}`)).toHaveLength(64);
  });
});
