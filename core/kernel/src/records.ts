/**
 * DNS record shapes shared by every hook. Names are absolute, lower-case A-labels without a trailing dot
 * (`_portico-challenge.shop.example.com`). Values are presentation format: an IPv4/IPv6 address for A/AAAA,
 * a hostname without trailing dot for CNAME, the unquoted text for TXT (one string; long strings are split
 * by the provider, not by the caller).
 */
export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT';

/** One record set: every value of one name and type. */
export interface RecordSet {
  name: string;
  type: RecordType;
  /** Seconds. Providers may round to what they support. */
  ttl: number;
  values: string[];
}

/**
 * What a user (or a provider plugin) must publish, as shown in instructions. For DNS, a record: `name`, `type`,
 * `value`. For `type: 'HTTP'` (the HTTP file method), `name` is the URL to serve and `value` the exact body.
 */
export interface ExpectedRecord {
  name: string;
  type: RecordType | 'HTTP';
  value: string;
}

/**
 * One planned change of a record set, as returned by `applyRecords`:
 * - `create`, `update`, `delete`: what the apply writes (or, in a dry run, would write);
 * - `noop`: the record set already is as asked (or, for a removal, already absent);
 * - `conflict`: a record set Portico does not own is in the way; nothing is written for it, and `reason` says
 *   what is there. Ownership is proved by Portico's marker (see dns-provider.ts), never assumed.
 */
export interface RecordChange {
  action: 'create' | 'update' | 'delete' | 'noop' | 'conflict';
  name: string;
  type: RecordType;
  /** Values before the change (empty for create). */
  before: string[];
  /** Values after the change (empty for delete). For `conflict`: the values that were asked for. */
  after: string[];
  /** For `conflict`: why the record set is not Portico's to change (`not_owned`, `owned_by_other`, `cname_exclusive`). */
  reason?: 'not_owned' | 'owned_by_other' | 'cname_exclusive';
  /** Set when the provider refused this one change (providers that are not all-or-nothing). */
  error?: { kind: string; message: string };
}
