import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP address classification and ranges, for every place Portico decides where it may connect: the public-only
 * fetch plugins use (services/public-fetch.ts) and the server's upstream rules. Addresses that are not public
 * unicast are named by IANA's special-purpose registries for IPv4 and IPv6.
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

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:10.0.0.1` → `10.0.0.1`), else the address itself. */
export function unmapIpv4(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const bytes = ipv6Bytes(ip);
  return inPrefix(bytes, ipv6Bytes('::ffff:0:0'), 96) ? bytes.slice(12).join('.') : ip;
}

/**
 * Why `ip` must not be connected to as a public destination (`'loopback'`, `'private'`, `'link-local'`,
 * `'unique local'`, …), or undefined for a public unicast address. Anything that is not an IP address at all
 * (a name, an IPv6 address with a zone such as `fe80::1%eth0`) is `'invalid'`.
 *
 * @example
 * nonPublicReason('169.254.169.254'); // 'link-local'
 * nonPublicReason('::ffff:10.0.0.1'); // 'private'
 * nonPublicReason('93.184.215.14');   // undefined
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

/** A network in CIDR notation, parsed (`parseAddressRange`). */
export interface AddressRange {
  family: 4 | 6;
  prefix: number;
  /** The network's bytes (4 or 16). */
  bytes: number[];
}

/**
 * `10.0.0.0/8`, `fd00::/8`, or a single address (`192.0.2.7`, a /32 or /128), else undefined. Host bits set
 * below the prefix (`10.1.2.3/8`) are allowed and ignored, as most tools do.
 */
export function parseAddressRange(text: string): AddressRange | undefined {
  const [address, bits, extra] = text.trim().split('/');
  if (extra !== undefined || address.includes('%')) return undefined;
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return undefined;
  return { family, prefix, bytes: family === 4 ? ipv4Bytes(address) : ipv6Bytes(address) };
}

/** Whether the IP address `ip` lies in `range`; an IPv4-mapped IPv6 address counts as its IPv4 address. */
export function inAddressRange(ip: string, range: AddressRange): boolean {
  const address = unmapIpv4(ip);
  const family = isIPv4(address) ? 4 : isIPv6(address) && !address.includes('%') ? 6 : 0;
  if (family !== range.family) return false;
  return inPrefix(family === 4 ? ipv4Bytes(address) : ipv6Bytes(address), range.bytes, range.prefix);
}

/** Cloud metadata services by name. */
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.tencentyun.com']);
/** Metadata services outside 169.254.0.0/16 (AWS over IPv6, Alibaba Cloud, Oracle Cloud's legacy address). */
const METADATA_ADDRESSES = ['fd00:ec2::254', '100.100.100.200', '192.0.0.192'].map((ip) => parseAddressRange(ip) as AddressRange);

/** Why a destination is never an upstream, whatever an operator allows. */
export type ForbiddenUpstream = 'link_local' | 'metadata' | 'unspecified' | 'multicast';

/**
 * Destinations no edge ever forwards to and no service may name, whatever an operator's allow-list says: link-local
 * addresses (cloud metadata services live there), known metadata services by name or address, the unspecified
 * address and multicast. `host` is a host name or an IP literal (IPv6 with or without brackets), any case.
 *
 * @example
 * forbiddenUpstream('169.254.169.254');          // 'link_local'
 * forbiddenUpstream('metadata.google.internal'); // 'metadata'
 * forbiddenUpstream('app.internal');             // undefined
 */
export function forbiddenUpstream(host: string): ForbiddenUpstream | undefined {
  const lower = host.toLowerCase();
  const value = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower.replace(/\.$/, '');
  if (!isIPv4(value) && !isIPv6(value)) return METADATA_NAMES.has(value) ? 'metadata' : undefined;
  const kind = nonPublicReason(value);
  if (kind === 'link-local') return 'link_local';
  if (METADATA_ADDRESSES.some((range) => inAddressRange(value, range))) return 'metadata';
  if (kind === 'unspecified' || kind === 'multicast') return kind;
  return undefined;
}
