/**
 * What a server's answer means, as a DNS provider error kind. The kinds are the kernel's (types only: this
 * package does not load the kernel at run time).
 */
import type { DnsProviderErrorKind } from '@portico/kernel';
import type { TsigError } from './tsig.ts';

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export const rcodeName = (rcode: number): string => RCODE_NAMES[rcode] ?? `RCODE${rcode}`;

export class Rfc2136Error extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The server's RCODE by name (`REFUSED`, `NOTAUTH`, …) when it answered. */
  readonly rcode?: string;
  /** `BADSIG`, `BADKEY`, `BADTIME`, …: from the server's TSIG answer, or from our check of its signature. */
  readonly tsigError?: string;

  constructor(kind: DnsProviderErrorKind, message: string, options: { rcode?: string; tsigError?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'Rfc2136Error';
    this.kind = kind;
    this.rcode = options.rcode;
    this.tsigError = options.tsigError;
  }
}

export interface AnswerContext {
  /** What was asked, for the message: `UPDATE of example.com`, `AXFR of example.com`, `TXT query for …`. */
  what: string;
  zone: string;
  keyName: string;
  /** Whether the answer carried a TSIG we verified: then the server knows our key. */
  signed: boolean;
}

/** The error for an answer whose RCODE is not NOERROR (NXDOMAIN to a query is no error; the caller handles it). */
export function rcodeError(rcode: number, { what, zone, keyName, signed }: AnswerContext): Rfc2136Error {
  const name = rcodeName(rcode);
  const error = (kind: DnsProviderErrorKind, reason: string) => new Rfc2136Error(kind, `${what}: ${reason} (${name})`, { rcode: name });
  switch (name) {
    case 'FORMERR':
      return error('validation', 'the server could not parse the message');
    case 'SERVFAIL':
      return error('transient', 'the server failed to process it');
    case 'NOTIMP':
      return error('unsupported', 'the server does not implement this');
    case 'REFUSED':
      return error('permission', `the server refused it: key ${keyName} may not do this in ${zone} (BIND update-policy or allow-transfer, Knot acl), or the server does not serve ${zone}`);
    case 'NXDOMAIN':
    case 'YXDOMAIN':
    case 'YXRRSET':
    case 'NXRRSET':
      return error('conflict', 'a prerequisite does not hold: the records are not as expected');
    case 'NOTAUTH':
      // A signed NOTAUTH proves the key is good: the server does not hold the zone (BIND says so this way).
      return signed
        ? new Rfc2136Error('not_found', `${what}: the server is not authoritative for ${zone} (NOTAUTH)`, { rcode: name })
        : error('auth', `the server did not accept key ${keyName} for ${zone} (an unknown key, one its ACL does not allow, or a zone it does not serve)`);
    case 'NOTZONE':
      return error('validation', `a name is outside ${zone}`);
    default:
      return error('validation', 'the server answered with an error');
  }
}

/** The error for a TSIG failure: the server rejecting our signature (`byServer`), or its answer failing our check. */
export function tsigFailure(failure: TsigError, { what, zone, keyName }: Omit<AnswerContext, 'signed'>, rcode?: number): Rfc2136Error {
  const options = { tsigError: failure.code, rcode: rcode === undefined ? undefined : rcodeName(rcode) };
  if (!failure.byServer) {
    const reason =
      failure.code === 'UNSIGNED'
        ? 'the answer is not signed, so it cannot be trusted'
        : failure.code === 'BADTIME'
          ? `the answer's signature is too old or too new (${failure.message}); check both clocks`
          : `the answer's signature does not verify with key ${keyName} (${failure.message})`;
    return new Rfc2136Error('auth', `${what}: ${reason}`, options);
  }
  switch (failure.code) {
    case 'BADSIG':
      return new Rfc2136Error('auth', `${what}: the server rejected our signature (BADSIG): the secret of key ${keyName} differs from the server's`, options);
    case 'BADKEY':
      return new Rfc2136Error('auth', `${what}: the server does not accept key ${keyName} with this algorithm (BADKEY); Knot also answers BADKEY when its acl does not allow the key for ${zone}`, options);
    case 'BADTIME': {
      const skew = failure.serverTime === undefined ? '' : ` (server time ${new Date(failure.serverTime * 1000).toISOString()})`;
      return new Rfc2136Error('auth', `${what}: the server's clock and ours differ by more than the fudge (BADTIME)${skew}; fix the clocks`, options);
    }
    default:
      return new Rfc2136Error('auth', `${what}: the server rejected our signature (${failure.code})`, options);
  }
}
