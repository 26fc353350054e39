import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which addresses Portico refuses to fetch from: everything that is not a public unicast address (IANA's
 * special-purpose registries for IPv4 and IPv6), so a customer cannot point a hostname at the platform's own
 * network (loopback, metadata services, internal hosts) and make the verifier request it.
 */
const IPV4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 ranges that carry an IPv4 address: judged by the IPv4 address inside (byte offset of it). */
const IPV6_EMBEDDING: Array<[string, number, number]> = [
  ['::ffff:0:0', 96, 12], // IPv4-mapped
  ['64:ff9b::', 96, 12], // NAT64, well-known prefix
  ['2002::', 16, 2], // 6to4
];

const IPV6_RANGES: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private'],
  ['100::', 64, 'reserved'],
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'reserved'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (`::` expanded, a trailing dotted IPv4 part included). */
function ipv6Bytes(ip: string): number[] {
  let text = ip.toLowerCase();
  const tail: number[] = [];
  const dotted = text.match(/:(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    tail.push(...ipv4Bytes(dotted[1]));
    text = `${text.slice(0, -dotted[1].length)}0:0`;
  }
  const [head, rest] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').filter(Boolean).map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(rest);
  const words = rest === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  if (tail.length > 0) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inPrefix(bytes: number[], network: number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((bytes[bit >> 3] & mask) !== (network[bit >> 3] & mask)) return false;
  }
  return true;
}

function classifyIpv4(bytes: number[]): string | undefined {
  return IPV4_RANGES.find(([network, prefix]) => inPrefix(bytes, ipv4Bytes(network), prefix))?.[2];
}

/**
 * Why `ip` must not be fetched from (`'loopback'`, `'private'`, `'unique local'`, …), or undefined for a public
 * unicast address. Anything that is not an IP address at all is `'invalid'`.
 */
export function nonPublicReason(ip: string): string | undefined {
  if (isIPv4(ip)) return classifyIpv4(ipv4Bytes(ip));
  if (!isIPv6(ip) || ip.includes('%')) return 'invalid';
  const bytes = ipv6Bytes(ip);
  for (const [network, prefix, offset] of IPV6_EMBEDDING) {
    if (inPrefix(bytes, ipv6Bytes(network), prefix)) return classifyIpv4(bytes.slice(offset, offset + 4));
  }
  const special = IPV6_RANGES.find(([network, prefix]) => inPrefix(bytes, ipv6Bytes(network), prefix))?.[2];
  if (special) return special;
  // Only 2000::/3 is allocated as global unicast; everything else is reserved.
  return inPrefix(bytes, ipv6Bytes('2000::'), 3) ? undefined : 'reserved';
}
