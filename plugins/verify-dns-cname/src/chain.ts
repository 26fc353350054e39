import type { DnsAnswer, DnsLookup } from '@portico/kernel';
import { MAX_CHAIN, type RoutingEvidence } from './check-routing.ts';
import { normaliseHost } from './names.ts';

/**
 * Lookup codes that end a chain for good rather than for now: the servers Portico asks refuse to answer for the
 * next name (REFUSED), or no zone encloses it (ENOZONE, a target in a domain that does not exist). Asking again
 * will not change either, and the chain seen so far has not reached the expected host.
 */
const UNFOLLOWABLE = new Set(['EREFUSED', 'ENOZONE']);

/** `query` that never rejects: a lookup service that throws is still a checker error, not an absent record. */
export async function safeQuery(dns: DnsLookup, name: string, type: 'A' | 'AAAA' | 'CNAME', signal?: AbortSignal): Promise<DnsAnswer> {
  try {
    return await dns.query(name, type, { signal });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { status: 'error', code: typeof code === 'string' ? code : 'EUNKNOWN', message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Follow the CNAME records from `hostname` until one points to `expected`, a name has no CNAME, a name repeats, or
 * `MAX_CHAIN` is passed. Uses `resolveChain` when the lookup service has it; when that fails (a hop that cannot be
 * looked up, a loop, a chain past the canonical host into a zone that does not resolve), walks hop by hop, which
 * stops at the expected host and keeps the partial chain for the message. A name without CNAME at the start is checked for A, then AAAA records.
 */
export async function followChain(dns: DnsLookup, hostname: string, expected: string, signal?: AbortSignal): Promise<RoutingEvidence> {
  const host = normaliseHost(hostname);
  const target = normaliseHost(expected);
  if (typeof dns.resolveChain === 'function') {
    const answer = await dns.resolveChain(host, { maxDepth: MAX_CHAIN, signal }).catch(() => undefined);
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
    const answer = await safeQuery(dns, current, 'CNAME', signal);
    if (answer.status === 'found') {
      if (chain.length === MAX_CHAIN) return { kind: 'too-long', chain };
      const next = normaliseHost(answer.values[0]);
      chain.push(next);
      if (next === target) return { kind: 'chain', chain };
      if (seen.has(next)) return { kind: 'loop', chain };
      seen.add(next);
      current = next;
    } else if (answer.status === 'error') {
      if (chain.length > 0 && UNFOLLOWABLE.has(answer.code)) return { kind: 'chain', chain, unfollowable: answer.code };
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
    const answer = await safeQuery(dns, host, type, signal);
    if (answer.status === 'found') return { kind: 'address', type, values: answer.values };
    if (answer.status === 'error') return { kind: 'error', chain: [], name: host, type, code: answer.code, message: answer.message };
  }
  return { kind: 'absent', status: 'nodata' };
}
