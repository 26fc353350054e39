import type { ExpectedRecord, RecordSet } from '@portico/kernel';
import type { PorticoConfig } from '../../config/schema.ts';

type DnsType = RecordSet['type'];
const DNS_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME', 'TXT']);

/**
 * The record sets a domain needs: its ownership proof (the verification method's challenge) and its routing
 * (CNAME to the canonical host for a subdomain, A/AAAA for a zone apex). One function, used by automatic setup,
 * the manual instructions' check, the propagation watch and the DNS diff, so they always agree.
 * When the challenge already puts a CNAME or address at the hostname (CNAME routing, apex address methods),
 * the challenge's record is the routing record: the two never disagree at one name.
 */
export function desiredRecords(input: {
  hostname: string;
  zone: string;
  challenge: ExpectedRecord[];
  routing: PorticoConfig['routing'];
  ttl: number;
}): RecordSet[] {
  const { hostname, zone, challenge, routing } = input;
  const sets = new Map<string, RecordSet>();
  const add = (name: string, type: DnsType, values: string[], ttl: number) => {
    const key = `${name} ${type}`;
    const existing = sets.get(key);
    if (existing) existing.values = [...new Set([...existing.values, ...values])];
    else sets.set(key, { name, type, ttl, values });
  };
  for (const record of challenge) {
    if (DNS_TYPES.has(record.type)) add(record.name, record.type as DnsType, [record.value], input.ttl);
  }
  const atHost = [...sets.values()].filter((set) => set.name === hostname).map((set) => set.type);
  const claimed = atHost.includes('CNAME') || atHost.includes('A') || atHost.includes('AAAA');
  if (!claimed) {
    if (hostname === zone) {
      if (routing.ipv4.length > 0) add(hostname, 'A', routing.ipv4, routing.ttl);
      if (routing.ipv6.length > 0) add(hostname, 'AAAA', routing.ipv6, routing.ttl);
    } else if (routing.cnameTarget) {
      add(hostname, 'CNAME', [routing.cnameTarget.toLowerCase().replace(/\.$/, '')], routing.ttl);
    }
  }
  return [...sets.values()];
}

/** Whether one desired record set shows in what DNS answered: every value for TXT (others may sit beside it), exactly otherwise. */
export function isSatisfied(set: RecordSet, found: string[]): boolean {
  const norm = (v: string) => (set.type === 'TXT' ? v : v.toLowerCase().replace(/\.$/, ''));
  const have = new Set(found.map(norm));
  if (set.type === 'TXT') return set.values.every((v) => have.has(norm(v)));
  return set.values.length === have.size && set.values.every((v) => have.has(norm(v)));
}
