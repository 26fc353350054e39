import { isIP } from 'node:net';
import { domainToUnicode } from 'node:url';
import { getDomain, parse } from 'tldts';
import { AppError } from '../../errors/app-error.ts';

/**
 * Why a hostname was refused: `details.reason` of HOSTNAME_INVALID. Stable codes (clients branch on them);
 * docs/reference/hostnames.md explains each one.
 */
export const HOSTNAME_REASONS = [
  'empty',
  'not_a_hostname',
  'ip_literal',
  'too_long',
  'label_too_long',
  'label_invalid',
  'single_label',
  'numeric_tld',
  'reserved',
  'public_suffix',
  'unknown_tld',
  'wildcard_not_allowed',
  'wildcard_invalid',
] as const;
export type HostnameReason = (typeof HOSTNAME_REASONS)[number];

export interface HostnameOptions {
  /** Accept `*.example.com` (a wildcard as the whole leftmost label). Default false. */
  allowWildcard?: boolean;
}

/** Special-use names that never resolve on the public DNS (RFC 6761, 6762, 7686, 9476, ICANN's `.internal`, `.arpa`). */
export const RESERVED_TLDS: ReadonlySet<string> = new Set(['localhost', 'local', 'invalid', 'internal', 'onion', 'alt', 'arpa']);
/** Reserved for testing and documentation (RFC 2606, RFC 6761): not delegated, accepted so tests and demos have names. */
export const TEST_TLDS: ReadonlySet<string> = new Set(['test', 'example']);

const PSL = { allowPrivateDomains: true } as const;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Characters that mean a URL, an address, a port or pasted text was entered rather than a bare hostname. */
const NOT_A_HOSTNAME = /[\s\p{Cc}/\\:?#@[\]%]/u;
/** WHATWG's "ends in a number": such a host is parsed as IPv4, and is refused when it is not one. */
const NUMERIC_LABEL = /^(?:\d+|0x[0-9a-f]*)$/i;

const MESSAGES: Record<HostnameReason, string> = {
  empty: 'Enter a hostname such as shop.example.com.',
  not_a_hostname: 'Enter the hostname alone, without scheme, path, port, user or spaces (e.g. shop.example.com).',
  ip_literal: 'IP addresses cannot be used; enter a hostname.',
  too_long: 'A hostname is at most 253 characters.',
  label_too_long: 'Each dot-separated label is at most 63 characters.',
  label_invalid: 'Each label is letters, digits or inner hyphens (no underscores, symbols or empty labels).',
  single_label: 'Enter a full hostname such as shop.example.com.',
  numeric_tld: 'The top-level label cannot be numeric.',
  reserved: 'This name is reserved for local or special use and never resolves on the public DNS.',
  public_suffix: 'This is a public suffix (like co.uk or github.io) that nobody owns; enter a name under it.',
  unknown_tld: 'The top-level domain does not exist.',
  wildcard_not_allowed: 'Wildcard hostnames are not accepted here.',
  wildcard_invalid: 'A wildcard must be the whole leftmost label (*.example.com) over a name someone can own.',
};

const refuse = (input: string, reason: HostnameReason, extra?: string): AppError =>
  new AppError('HOSTNAME_INVALID', extra ? `${MESSAGES[reason]} ${extra}` : MESSAGES[reason], { hostname: input, reason });

/**
 * The one hostname normaliser: every hostname a person or a client enters goes through it. IDN → A-label
 * (WHATWG URL does UTS #46 processing), lower case, one trailing dot removed; then the name must be one that
 * can be owned on the public DNS. Throws HOSTNAME_INVALID with `details.reason` (see HOSTNAME_REASONS).
 */
export function normalizeHostname(input: string): string;
// Two signatures so `hostnames.map(normalizeHostname)` still type-checks (map's index never reads as options).
export function normalizeHostname(input: string, options?: HostnameOptions): string;
export function normalizeHostname(input: string, options: HostnameOptions = {}): string {
  const trimmed = String(input).trim();
  if (!trimmed) throw refuse(input, 'empty');
  // Brackets and colons belong to IPv6 literals: say so before calling them URL syntax.
  if (trimmed.startsWith('[') || isIP(trimmed)) throw refuse(input, 'ip_literal');
  if (NOT_A_HOSTNAME.test(trimmed)) throw refuse(input, 'not_a_hostname');
  if (!trimmed.includes('*')) return normalizePlain(input, trimmed);

  if (!/^\*\.[^*]+$/.test(trimmed)) throw refuse(input, 'wildcard_invalid');
  let base: string;
  try {
    base = normalizePlain(input, trimmed.slice(2));
  } catch (error) {
    // `*.com`, `*.co.uk`, `*.github.io`: a wildcard over names nobody owns.
    const details = (error as AppError).details as { reason?: HostnameReason } | undefined;
    if (details?.reason === 'public_suffix' || details?.reason === 'single_label') throw refuse(input, 'wildcard_invalid');
    throw error;
  }
  if (options.allowWildcard !== true) throw refuse(input, 'wildcard_not_allowed');
  if (base.length + 2 > 253) throw refuse(input, 'too_long');
  return `*.${base}`;
}

function normalizePlain(input: string, trimmed: string): string {
  let hostname: string;
  try {
    hostname = new URL(`http://${trimmed}`).hostname;
  } catch {
    const last = trimmed.replace(/\.$/, '').split('.').at(-1)!;
    throw refuse(input, NUMERIC_LABEL.test(last) ? 'numeric_tld' : 'label_invalid');
  }
  if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
  // The URL parser turns `127.1` and `0x7f000001` into IPv4 addresses.
  if (isIP(hostname) || hostname.startsWith('[')) throw refuse(input, 'ip_literal');
  if (hostname.length > 253) throw refuse(input, 'too_long');
  const labels = hostname.split('.');
  for (const label of labels) {
    if (label.length > 63) throw refuse(input, 'label_too_long');
    if (label.includes('*')) throw refuse(input, 'wildcard_invalid');
    if (!LDH_LABEL.test(label)) throw refuse(input, 'label_invalid', label ? `"${label}" is not.` : 'An empty label (a leading dot, or two dots in a row) is not.');
    if (label.startsWith('xn--') && !isALabel(label)) throw refuse(input, 'label_invalid', `"${label}" is not a valid internationalised (xn--) label.`);
  }
  if (labels.length < 2) throw refuse(input, 'single_label');
  const tld = labels.at(-1)!;
  if (/^\d+$/.test(tld)) throw refuse(input, 'numeric_tld');
  if (RESERVED_TLDS.has(tld)) throw refuse(input, 'reserved');
  if (TEST_TLDS.has(tld)) return hostname;
  const info = parse(hostname, { ...PSL, extractHostname: false });
  if (info.publicSuffix === hostname) throw refuse(input, 'public_suffix');
  if (!info.isIcann && !info.isPrivate) throw refuse(input, 'unknown_tld');
  return hostname;
}

/**
 * An `xn--` label must decode (Punycode) to a non-ASCII U-label that encodes back to itself: the URL parser
 * passes undecodable ones (`xn--zz`) through unchanged.
 */
function isALabel(label: string): boolean {
  const unicode = domainToUnicode(label);
  if (unicode === label || !/[^\p{ASCII}]/u.test(unicode)) return false;
  try {
    return new URL(`http://${unicode}`).hostname === label;
  } catch {
    return false;
  }
}

/**
 * The registrable domain (eTLD+1, private suffixes honoured: `foo.github.io` for `a.foo.github.io`) of a
 * normalised hostname; a wildcard's is that of its base. Null for a public suffix itself.
 */
export function registrableDomain(hostname: string): string | null {
  return getDomain(hostname.replace(/^\*\./, ''), PSL);
}

/** True when a normalised hostname is its own registrable domain (`example.co.uk`, not `shop.example.co.uk`). */
export function isApex(hostname: string): boolean {
  return !hostname.startsWith('*.') && registrableDomain(hostname) === hostname;
}
