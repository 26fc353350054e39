import { lookupFailed, type DnsAnswer, type ExpectedRecord, type VerifyResult } from '@portico/kernel';
import { PROPAGATION_HINT, normaliseHost } from './names.ts';

/**
 * The `dns-cname` proof (ownership by delegation): `<recordName>.<hostname>  CNAME  <token>.<verifyDomain>`.
 * Only someone who controls the zone can create a name under it, and the target carries the per-domain token.
 */
export function delegationRecord(
  { recordName, verifyDomain }: { recordName: string; verifyDomain: string },
  hostname: string,
  token: string,
): ExpectedRecord {
  return {
    name: `${recordName}.${normaliseHost(hostname)}`,
    type: 'CNAME',
    value: `${normaliseHost(token)}.${normaliseHost(verifyDomain)}`,
  };
}

/**
 * Decide a `dns-cname` verification from the CNAME answer at the expected name: the expected target → verified
 * (case-insensitive, trailing dot ignored); another target → mismatch (the name exists for this proof alone);
 * no name or no CNAME → missing; a failed lookup → error, never missing.
 */
export function decideDelegation(answer: DnsAnswer, expected: ExpectedRecord, verifyDomain: string): VerifyResult {
  const base = { expected: [expected] };
  const add = `Add a CNAME record at ${expected.name} pointing to ${expected.value}`;

  switch (answer.status) {
    case 'found': {
      const targets = answer.values.map(normaliseHost);
      if (targets.includes(normaliseHost(expected.value))) {
        return { ...base, status: 'verified', message: `Found the CNAME record at ${expected.name} pointing to ${expected.value}.` };
      }
      const hint = targets.some((target) => target.endsWith(`.${normaliseHost(verifyDomain)}`))
        ? ' (perhaps the target from an earlier attempt)'
        : '';
      return {
        ...base,
        status: 'mismatch',
        found: targets,
        message:
          `The CNAME record at ${expected.name} points to ${targets.join(', ')}, not ${expected.value}${hint}. ` +
          `Change it to point to ${expected.value} at your DNS provider, then check again.`,
      };
    }
    case 'nxdomain':
      return { ...base, status: 'missing', message: `No CNAME record at ${expected.name} yet. ${add}; ${PROPAGATION_HINT}.` };
    case 'nodata':
      return {
        ...base,
        status: 'missing',
        message:
          `${expected.name} exists but has no CNAME record. ${add} (a CNAME cannot share its name with other records, ` +
          `so remove any others there); ${PROPAGATION_HINT}.`,
      };
    case 'error':
      return lookupFailed(base.expected, `the CNAME record at ${expected.name}`, answer);
  }
}
