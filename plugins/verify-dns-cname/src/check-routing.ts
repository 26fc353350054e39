import { lookupFailed, type ExpectedRecord, type VerifyResult } from '@portico/kernel';
import { PROPAGATION_HINT, fillTemplate, matchesTemplate, normaliseHost } from './names.ts';

/** Longest CNAME chain followed from the hostname (the limit common resolvers use is about the same). */
export const MAX_CHAIN = 8;

/**
 * The `cname-routing` proof: the hostname itself is a CNAME, directly or through a chain, to the canonical host
 * Portico derived for this domain (`canonicalHost` with the token filled in).
 */
export function routingRecord(canonicalHost: string, hostname: string, token: string): ExpectedRecord {
  return { name: normaliseHost(hostname), type: 'CNAME', value: fillTemplate(canonicalHost, token) };
}

/** What following the hostname's CNAME records showed (see `followChain`). Names are normalised. */
export type RoutingEvidence =
  /** The CNAME targets from the hostname on, in order (at least one). The last one has no CNAME or is the expected host. */
  | { kind: 'chain'; chain: string[] }
  /** The hostname has no CNAME: it does not exist, or exists without CNAME, A and AAAA records. */
  | { kind: 'absent'; status: 'nxdomain' | 'nodata' }
  /** The hostname has address records instead of a CNAME. */
  | { kind: 'address'; type: 'A' | 'AAAA'; values: string[] }
  /** The chain comes back to a name it passed (`chain` ends with the repeated name). */
  | { kind: 'loop'; chain: string[] }
  /** More than `MAX_CHAIN` CNAME records without reaching the expected host. */
  | { kind: 'too-long'; chain: string[] }
  /** A lookup failed; `name` and `type` are what was being looked up, `chain` what was followed before. */
  | { kind: 'error'; chain: string[]; name: string; type: 'CNAME' | 'A' | 'AAAA'; code: string; message: string };

const arrows = (host: string, chain: string[]) => [host, ...chain].join(' → ');

/**
 * Decide a `cname-routing` verification. Verified when any hop of the chain is the expected host; a chain that
 * ends elsewhere, or address records where a CNAME belongs, is a mismatch (`found` lists the chain or the
 * addresses); no records → missing; a failed lookup, a loop or an over-long chain → error.
 */
export function decideRouting(evidence: RoutingEvidence, expected: ExpectedRecord, canonicalHost: string): VerifyResult {
  const base = { expected: [expected] };
  const host = expected.name;
  const target = normaliseHost(expected.value);
  const change = `Change the CNAME record of ${host} at your DNS provider to ${target}`;

  switch (evidence.kind) {
    case 'chain': {
      const { chain } = evidence;
      const at = chain.indexOf(target);
      if (at >= 0) {
        const through = at === 0 ? '' : ` through ${chain.slice(0, at).join(', ')}`;
        return { ...base, status: 'verified', message: `${host} points to ${target}${through}.` };
      }
      const last = chain[chain.length - 1];
      const route = chain.length === 1 ? `${host} points to ${last}` : `${host} points to ${last} (${arrows(host, chain)})`;
      const earlier = chain.some((hop) => matchesTemplate(canonicalHost, hop)) ? ' (perhaps the target from an earlier attempt)' : '';
      return {
        ...base,
        status: 'mismatch',
        found: [...chain],
        message: `${route}, not ${target}${earlier}. ${change}, then check again.`,
      };
    }
    case 'address': {
      const values = evidence.values.join(', ');
      return {
        ...base,
        status: 'mismatch',
        found: [...evidence.values],
        message:
          `${host} has ${evidence.type === 'A' ? 'an A' : 'an AAAA'} record (${values}) instead of a CNAME. Replace it with a ` +
          `CNAME record pointing to ${target}. A zone apex cannot hold a CNAME: verify an apex by its addresses (dns-address) instead.`,
      };
    }
    case 'absent':
      return {
        ...base,
        status: 'missing',
        message: `${host} has no CNAME record yet. Add a CNAME record for ${host} pointing to ${target}; ${PROPAGATION_HINT}.`,
      };
    case 'loop':
      return {
        ...base,
        status: 'error',
        message:
          `The CNAME records of ${host} form a loop (${arrows(host, evidence.chain)}) and never reach ${target}. ` +
          `${change}; the check will be retried automatically.`,
      };
    case 'too-long':
      return {
        ...base,
        status: 'error',
        message:
          `${host} leads through more than ${MAX_CHAIN} CNAME records (${arrows(host, evidence.chain)}) without reaching ` +
          `${target}. ${change}; the check will be retried automatically.`,
      };
    case 'error': {
      const after = evidence.chain.length > 0 ? ` (after following ${arrows(host, evidence.chain)})` : '';
      return lookupFailed(base.expected, `the ${evidence.type} records of ${evidence.name}${after}`, { status: 'error', code: evidence.code, message: evidence.message });
    }
  }
}
