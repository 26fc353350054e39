import { describe, expect, it } from 'vitest';
import { inAddressRange, nonPublicReason, parseAddressRange, unmapIpv4 } from './addresses.ts';

describe('nonPublicReason', () => {
  it('lets public unicast addresses through', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '93.184.215.14', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) {
      expect(nonPublicReason(ip), ip).toBeUndefined();
    }
  });

  it('refuses private, loopback, link-local, CGNAT, multicast, unspecified and reserved IPv4', () => {
    const cases: Record<string, string> = {
      '10.1.2.3': 'private',
      '172.16.0.1': 'private',
      '172.31.255.255': 'private',
      '192.168.1.1': 'private',
      '127.0.0.1': 'loopback',
      '127.255.0.9': 'loopback',
      '169.254.169.254': 'link-local',
      '100.64.0.1': 'shared (carrier-grade NAT)',
      '100.127.255.254': 'shared (carrier-grade NAT)',
      '224.0.0.1': 'multicast',
      '0.0.0.0': 'unspecified',
      '255.255.255.255': 'reserved',
      '192.0.2.5': 'documentation',
      '198.18.0.1': 'benchmarking',
    };
    for (const [ip, reason] of Object.entries(cases)) expect(nonPublicReason(ip), ip).toBe(reason);
  });

  it('refuses loopback, unspecified, unique local, link-local, multicast and documentation IPv6', () => {
    const cases: Record<string, string> = {
      '::1': 'loopback',
      '::': 'unspecified',
      'fc00::1': 'unique local',
      'fd12:3456:789a::1': 'unique local',
      'fe80::1': 'link-local',
      'ff02::1': 'multicast',
      '2001:db8::1': 'documentation',
      '2001:0:4136:e378::1': 'reserved',
      '::2': 'reserved',
    };
    for (const [ip, reason] of Object.entries(cases)) expect(nonPublicReason(ip), ip).toBe(reason);
  });

  it('judges IPv4-mapped, NAT64 and 6to4 addresses by the IPv4 address inside', () => {
    expect(nonPublicReason('::ffff:127.0.0.1')).toBe('loopback');
    expect(nonPublicReason('::ffff:7f00:1')).toBe('loopback');
    expect(nonPublicReason('::ffff:10.0.0.1')).toBe('private');
    expect(nonPublicReason('::ffff:8.8.8.8')).toBeUndefined();
    expect(nonPublicReason('64:ff9b::a9fe:a9fe')).toBe('link-local');
    expect(nonPublicReason('64:ff9b::808:808')).toBeUndefined();
    expect(nonPublicReason('2002:c0a8:0101::1')).toBe('private');
    expect(nonPublicReason('2002:0808:0808::1')).toBeUndefined();
  });

  it('calls anything else invalid', () => {
    for (const ip of ['localhost', '', '1.2.3', 'fe80::1%eth0']) expect(nonPublicReason(ip)).toBe('invalid');
  });
});

describe('address ranges', () => {
  it('parses CIDRs and single addresses, and refuses anything else', () => {
    expect(parseAddressRange('10.0.0.0/8')).toEqual({ family: 4, prefix: 8, bytes: [10, 0, 0, 0] });
    expect(parseAddressRange('192.0.2.7')).toMatchObject({ family: 4, prefix: 32 });
    expect(parseAddressRange('fd00::/8')).toMatchObject({ family: 6, prefix: 8 });
    expect(parseAddressRange('::1')).toMatchObject({ family: 6, prefix: 128 });
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', 'example.com', '10.0.0/8', '', 'fe80::1%eth0/64', '10.0.0.0/x']) {
      expect(parseAddressRange(bad), bad).toBeUndefined();
    }
  });

  it('matches addresses in a range, IPv4-mapped IPv6 as its IPv4 address', () => {
    const ten = parseAddressRange('10.0.0.0/8')!;
    expect(inAddressRange('10.255.1.2', ten)).toBe(true);
    expect(inAddressRange('11.0.0.1', ten)).toBe(false);
    expect(inAddressRange('::ffff:10.1.2.3', ten)).toBe(true);
    expect(inAddressRange('fd00::1', ten)).toBe(false);
    expect(inAddressRange('not an ip', ten)).toBe(false);
    const ula = parseAddressRange('fd12::/16')!;
    expect(inAddressRange('fd12:abcd::1', ula)).toBe(true);
    expect(inAddressRange('fd13::1', ula)).toBe(false);
    expect(inAddressRange('10.0.0.1', ula)).toBe(false);
    expect(inAddressRange('10.1.2.3', parseAddressRange('10.1.2.3/8')!)).toBe(true);
    expect(unmapIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(unmapIpv4('2001:db8::1')).toBe('2001:db8::1');
  });
});
