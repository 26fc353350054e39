import { neverRejecting, type DnsLookup } from '@portico/kernel';
import { MAX_CHAIN, type RoutingEvidence } from './check-routing.ts';
import { normaliseHost } from './names.ts';

/**
 * Follow the CNAME records from `hostname` until one points to `expected`, a name has no CNAME, a name repeats, or
 * `MAX_CHAIN` is passed. Uses `resolveChain` when the lookup service has it; when that fails (a hop that cannot be
 * looked up, a loop, a chain past the canonical host into a zone that does not resolve), walks hop by hop, which
 * stops at the expected host and keeps the partial chain for the message. A name without CNAME at the start is checked for A, then AAAA records.
 * A hop that cannot be looked up (timeout, REFUSED, no zone found, nameservers that disagree) is `error`: the
 * chain is not known to end there, so it is never read as pointing elsewhere.
 */
export async function followChain(lookup: DnsLookup, hostname: string, expected: string, signal?: AbortSignal): Promise<RoutingEvidence> {
  const dns = neverRejecting(lookup);
  const host = normaliseHost(hostname);
  const target = normaliseHost(expected);
  if (typeof dns.resolveChain === 'function') {
    const answer = await dns.resolveChain(host, { maxDepth: MAX_CHAIN, signal });
    if (answer?.status === 'nxdomain') return { kind: 'absent', status: 'nxdomain' };
    if (answer?.status === 'nodata') return addresses(dns, host, signal);
    if (answer?.status === 'found') {
      const chain = answer.chain.map(normaliseHost);
      if (chain[0] === host) chain.shift();
      const at = chain.indexOf(target);
      if (at >= 0) return { kind: 'chain', chain: chain.slice(0, at + 1) };
      if (chain.length > 0) return { kind: 'chain', chain };
      return addresses(dns, host, signal);
    }
  }
  return walk(dns, host, target, signal);
}

async function walk(dns: DnsLookup, host: string, target: string, signal?: AbortSignal): Promise<RoutingEvidence> {
  const chain: string[] = [];
  const seen = new Set([host]);
  let current = host;
  for (;;) {
    const answer = await dns.query(current, 'CNAME', { signal });
    if (answer.status === 'found') {
      if (chain.length === MAX_CHAIN) return { kind: 'too-long', chain };
      const next = normaliseHost(answer.values[0]);
      chain.push(next);
      if (next === target) return { kind: 'chain', chain };
      if (seen.has(next)) return { kind: 'loop', chain };
      seen.add(next);
      current = next;
    } else if (answer.status === 'error') {
      return { kind: 'error', chain, name: current, type: 'CNAME', code: answer.code, message: answer.message };
    } else if (chain.length > 0) {
      return { kind: 'chain', chain };
    } else if (answer.status === 'nxdomain') {
      return { kind: 'absent', status: 'nxdomain' };
    } else {
      return addresses(dns, host, signal);
    }
  }
}

/** The hostname has no CNAME: address records there mean the user pointed it the wrong way. */
async function addresses(dns: DnsLookup, host: string, signal?: AbortSignal): Promise<RoutingEvidence> {
  for (const type of ['A', 'AAAA'] as const) {
    const answer = await dns.query(host, type, { signal });
    if (answer.status === 'found') return { kind: 'address', type, values: answer.values };
    if (answer.status === 'error') return { kind: 'error', chain: [], name: host, type, code: answer.code, message: answer.message };
  }
  return { kind: 'absent', status: 'nodata' };
}
