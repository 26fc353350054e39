import { isIPv4, isIPv6 } from 'node:net';
import { lookupFailed, type DnsAnswer, type ExpectedRecord, type VerifyResult } from '@portico/kernel';

/** Every TXT value this method publishes starts with this; the per-domain token follows it (as for dns-txt). */
export const VALUE_PREFIX = 'portico-verification=';

const PROPAGATION_HINT =
  'DNS changes usually appear within a few minutes but can take up to 48 hours at some providers; Portico keeps checking';
/**
 * Whether to ask for the hostname's CNAME: the zone said there are no addresses (no lookup failed). A CNAME
 * there (to a name without addresses) is then the likely reason, and worth naming.
 */
export function shouldAskCname(a: DnsAnswer, aaaa: DnsAnswer): boolean {
  return [a, aaaa].every((answer) => answer.status === 'nxdomain' || answer.status === 'nodata');
}

/** The platform's edge, as configured: where apex hostnames must point, and where the token record lives. */
export interface Edge {
  ipv4: string[];
  ipv6: string[];
  recordName: string;
}

/** What the DNS said: addresses at the hostname, its CNAME (asked only when it has no addresses), the TXT token. */
export interface Evidence {
  a: DnsAnswer;
  aaaa: DnsAnswer;
  cname?: DnsAnswer;
  txt: DnsAnswer;
}

/** One part of the check (addresses, token): the same four outcomes as a whole result. */
interface Part {
  status: VerifyResult['status'];
  found?: string[];
  message: string;
}

export function normaliseHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * One textual form per address, so `2001:DB8:0::1`, `2001:db8::1` and `2001:0db8:0000::0001` compare equal: IPv6
 * in the WHATWG URL serialisation (RFC 5952). Undefined for anything that is not an IPv4 or IPv6 address.
 */
export function canonicalIp(ip: string): string | undefined {
  const text = ip.trim();
  if (isIPv4(text)) return text;
  if (isIPv6(text) && !text.includes('%')) return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  return undefined;
}

/**
 * The records an apex hostname needs: one A per edge IPv4 address, one AAAA per edge IPv6 address, and the TXT
 * token at `<recordName>.<hostname>` that ties the hostname to this domain's account.
 */
export function expectedRecords(edge: Edge, hostname: string, token: string): ExpectedRecord[] {
  const host = normaliseHost(hostname);
  return [
    ...edge.ipv4.map((ip) => ({ name: host, type: 'A' as const, value: canonicalIp(ip) ?? ip })),
    ...edge.ipv6.map((ip) => ({ name: host, type: 'AAAA' as const, value: canonicalIp(ip) ?? ip })),
    { name: `${edge.recordName}.${host}`, type: 'TXT', value: `${VALUE_PREFIX}${token}` },
  ];
}

/**
 * The addresses part: every A/AAAA value at the hostname must be one of the edge's (a foreign one sends some
 * visitors elsewhere), and there must be at least one.
 */
export function decideAddresses(evidence: Pick<Evidence, 'a' | 'aaaa' | 'cname'>, edge: Edge, host: string): Part {
  const ours = new Set([...edge.ipv4, ...edge.ipv6].map((ip) => canonicalIp(ip) ?? ip));
  const want = [...edge.ipv4.map((ip) => `A ${canonicalIp(ip) ?? ip}`), ...edge.ipv6.map((ip) => `AAAA ${canonicalIp(ip) ?? ip}`)].join(', ');
  const published = [evidence.a, evidence.aaaa].flatMap((answer) => (answer.status === 'found' ? answer.values : []));
  const foreign = published.filter((ip) => !ours.has(canonicalIp(ip) ?? ip));

  if (foreign.length > 0) {
    const them = foreign.length === 1 ? `address ${foreign[0]}, which is` : `addresses ${foreign.join(', ')}, which are`;
    return {
      status: 'mismatch',
      found: published,
      message:
        `${host} has the ${them} not the platform's, so some visitors would reach another server. ` +
        `Make the address records of ${host} exactly: ${want}.`,
    };
  }
  // A lookup that failed (the alias's target refused or not found included) proves nothing: the checker's problem.
  const failed = [evidence.a, evidence.aaaa].find((answer) => answer.status === 'error');
  if (failed?.status === 'error') return { status: 'error', message: lookupFailed([], `the addresses of ${host}`, failed).message };
  // The zone says the hostname is an alias that leads to no addresses: a definite wrong turn.
  if (published.length === 0 && evidence.cname?.status === 'found') {
    const target = normaliseHost(evidence.cname.values[0]);
    return {
      status: 'mismatch',
      found: [target],
      message: `${host} is a CNAME to ${target}, not address records. Replace it with these records: ${want}.`,
    };
  }
  if (published.length > 0) {
    return { status: 'verified', message: `${host} points to the platform (${published.join(', ')})` };
  }
  return { status: 'missing', message: `${host} has no A or AAAA records yet. Add these records at ${host}: ${want}; ${PROPAGATION_HINT}.` };
}

/** The token part, as dns-txt decides it: the expected value among the TXT values at the name. */
export function decideToken(answer: DnsAnswer, expected: ExpectedRecord): Part {
  switch (answer.status) {
    case 'found': {
      if (answer.values.map(clean).includes(expected.value)) return { status: 'verified', message: `the TXT record at ${expected.name} holds the token` };
      return {
        status: 'mismatch',
        found: [...answer.values],
        message:
          `The TXT record at ${expected.name} holds ${answer.values.map((value) => JSON.stringify(value)).join(', ')}, not ` +
          `${expected.value}. Set its value to ${expected.value}.`,
      };
    }
    case 'nxdomain':
    case 'nodata':
      return { status: 'missing', message: `No TXT record at ${expected.name} yet. Add one with the value ${expected.value}; ${PROPAGATION_HINT}.` };
    case 'error':
      return { status: 'error', message: lookupFailed([expected], `the TXT record at ${expected.name}`, answer).message };
  }
}

/** Which part's outcome the whole takes: something definitely wrong first, then "could not tell", then "not yet". */
const PRECEDENCE: VerifyResult['status'][] = ['mismatch', 'error', 'missing'];

/**
 * Decide a `dns-address` verification: verified when both parts are; otherwise the first of mismatch, error,
 * missing that some part has, with every unfinished part's message so the user sees all there is to do.
 */
export function decide(evidence: Evidence, edge: Edge, hostname: string, token: string): VerifyResult {
  const expected = expectedRecords(edge, hostname, token);
  const host = normaliseHost(hostname);
  const parts = [decideAddresses(evidence, edge, host), decideToken(evidence.txt, expected[expected.length - 1])];
  const status = PRECEDENCE.find((candidate) => parts.some((part) => part.status === candidate));
  if (!status) return { status: 'verified', expected, message: `${parts[0].message}, and ${parts[1].message}.` };

  const open = PRECEDENCE.flatMap((candidate) => parts.filter((part) => part.status === candidate));
  const found = parts.filter((part) => part.status === 'mismatch').flatMap((part) => part.found ?? []);
  return {
    status,
    expected,
    ...(status === 'mismatch' ? { found } : {}),
    message: open.map((part) => part.message).join(' '),
  };
}

function clean(value: string): string {
  let text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  return text.toLowerCase().startsWith(VALUE_PREFIX) ? VALUE_PREFIX + text.slice(VALUE_PREFIX.length) : text;
}
