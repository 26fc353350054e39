/**
 * How Portico marks the DNS record sets it owns, so it never changes one it did not write (external-dns's TXT
 * registry, or a provider's own comment field). See dns-plan.ts for the rules.
 */
import type { RecordType } from './records.ts';

/** The marker text: an owner TXT record's value, or the comment on a record set Portico wrote. */
export const ownerMarker = (owner: string): string => `heritage=portico,portico/owner=${owner}`;

/** The owner of a marker text, or undefined when it is not Portico's (another tool's, or none). */
export function markerOwner(text: string | undefined): string | undefined {
  const match = /^heritage=portico,portico\/owner=([^,\s]+)/.exec(text ?? '');
  return match?.[1];
}

/**
 * Where the owner TXT record of a managed record set lives (`ownership: 'txt'`): `_portico-owner.<type>.<name>`,
 * with a leading `*` label written as `_wildcard`. Type-prefixed, so it never shares a name with a CNAME.
 *
 * @example ownerRecordName('shop.example.com', 'CNAME') // '_portico-owner.cname.shop.example.com'
 */
export function ownerRecordName(name: string, type: RecordType): string {
  const safe = name.startsWith('*.') ? `_wildcard.${name.slice(2)}` : name;
  return `_portico-owner.${type.toLowerCase()}.${safe}`;
}

export const isOwnerRecordName = (name: string): boolean => name.startsWith('_portico-owner.');
