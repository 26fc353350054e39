import { lookupFailed, type DnsAnswer, type ExpectedRecord, type VerifyResult } from '@portico/kernel';

/** Every value this method publishes starts with this; the per-domain token follows it. */
export const VALUE_PREFIX = 'portico-verification=';

/** How long users are told a new record may take to show up; Portico keeps checking meanwhile. */
const PROPAGATION_HINT =
  'DNS changes usually appear within a few minutes but can take up to 48 hours at some providers; Portico keeps checking';

/** The one TXT record that proves ownership of `hostname`: `<recordName>.<hostname>  TXT  portico-verification=<token>`. */
export function expectedRecord(recordName: string, hostname: string, token: string): ExpectedRecord {
  const host = hostname.trim().toLowerCase().replace(/\.$/, '');
  return { name: `${recordName}.${host}`, type: 'TXT', value: `${VALUE_PREFIX}${token}` };
}

/**
 * Decide a verification from the authoritative answer for the expected record's name: the expected value among
 * the TXT values → verified; other values only → mismatch (the name exists for this proof alone); no name or no
 * TXT → missing; a failed lookup (nameservers that disagree included) → error, never missing.
 *
 * Values are compared after trimming whitespace and one pair of surrounding double quotes (pasted quotes are a
 * common mistake that some providers store literally); the prefix is matched case-insensitively, the token
 * exactly.
 */
export function decide(answer: DnsAnswer, expected: ExpectedRecord): VerifyResult {
  const base = { expected: [expected] };

  switch (answer.status) {
    case 'found': {
      const cleaned = answer.values.map(clean);
      if (cleaned.includes(expected.value)) {
        return { ...base, status: 'verified', message: `Found the TXT record at ${expected.name} with the expected value.` };
      }
      // The name is Portico's own, so whatever TXT value sits there was meant as the proof: a mismatch, with a
      // hint when we can tell what went wrong.
      const token = expected.value.slice(VALUE_PREFIX.length);
      const hint = cleaned.includes(token)
        ? ` (it looks like the token without the "${VALUE_PREFIX}" prefix)`
        : cleaned.some((value) => value.startsWith(VALUE_PREFIX))
          ? ' (perhaps a token from an earlier attempt)'
          : '';
      return {
        ...base,
        status: 'mismatch',
        found: [...answer.values],
        message:
          `The TXT record at ${expected.name} holds ${answer.values.map((value) => JSON.stringify(value)).join(', ')}, ` +
          `not ${expected.value}${hint}. Set its value to ${expected.value} (other values may stay alongside), ` +
          'then check again.',
      };
    }
    case 'nxdomain':
    case 'nodata':
      return {
        ...base,
        status: 'missing',
        message:
          `No TXT record at ${expected.name} yet. Add a TXT record at ${expected.name} with the value ` +
          `${expected.value}; ${PROPAGATION_HINT}.`,
      };
    case 'error':
      // Timeouts, REFUSED, SERVFAIL, nameservers that disagree: Portico could not tell, the customer did nothing wrong.
      return lookupFailed([expected], `the TXT record at ${expected.name}`, answer);
  }
}

function clean(value: string): string {
  let text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  return text.toLowerCase().startsWith(VALUE_PREFIX) ? VALUE_PREFIX + text.slice(VALUE_PREFIX.length) : text;
}
