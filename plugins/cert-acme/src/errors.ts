/**
 * Why an ACME issuance failed, as a stable `reason` code (for the certificate record, events and metrics) plus
 * a message that tells the operator what to fix. Codes are never renamed or reused.
 */
export const ACME_FAILURE_REASONS = [
  /** A CAA record on the domain does not allow this CA. */
  'caa',
  /** The CA's rate limit was hit; `retryAfterSeconds` when the CA said. */
  'rate_limited',
  /** The CA reached the challenge but found the wrong answer (HTTP body, TXT value). */
  'challenge_failed',
  /** The CA could not connect to the hostname (no route, refused, TLS failure). */
  'challenge_unreachable',
  /** The CA could not resolve the hostname or the challenge record. */
  'dns',
  /** The CA will not issue for this name (policy, unsupported identifier, blocked). */
  'rejected_identifier',
  /** No challenge type both the caller and the CA support (a wildcard needs DNS-01). */
  'no_challenge',
  /** The ACME directory could not be reached or trusted. */
  'directory',
  /** The ACME account was refused (contact, terms, external account binding, key). */
  'account',
  /** `timeoutMs` passed before the certificate was issued. */
  'timeout',
  /** The caller's signal aborted the issuance. */
  'aborted',
  /** Anything else the CA reported (server error, bad CSR, order went invalid). */
  'ca_error',
] as const;

export type AcmeFailureReason = (typeof ACME_FAILURE_REASONS)[number];

export class AcmeIssueError extends Error {
  override readonly name = 'AcmeIssueError';
  readonly reason: AcmeFailureReason;
  /** Worth retrying later without a change on the operator's side. */
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;
  /** The ACME problem type (`urn:ietf:params:acme:error:caa`), when the CA sent one. */
  readonly problemType?: string;
  readonly hostname?: string;

  constructor(reason: AcmeFailureReason, message: string, extra: { cause?: unknown; retryAfterSeconds?: number; problemType?: string; hostname?: string } = {}) {
    super(message, { cause: extra.cause });
    this.reason = reason;
    this.retryable = ['rate_limited', 'challenge_unreachable', 'dns', 'directory', 'timeout', 'ca_error'].includes(reason);
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.problemType = extra.problemType;
    this.hostname = extra.hostname;
  }
}

export function isAcmeIssueError(error: unknown): error is AcmeIssueError {
  return error instanceof AcmeIssueError;
}

/** An RFC 8555 problem document (§6.7), as sent in error responses and in `challenge.error`. */
export interface AcmeProblem {
  type?: string;
  detail?: string;
  status?: number;
  subproblems?: AcmeProblem[];
}

/** What the challenge that failed was, for a message that names what the CA looked at. */
export interface ChallengeContext {
  hostname: string;
  type: 'http-01' | 'dns-01';
  /** The URL (HTTP-01) or TXT name (DNS-01) the CA checked. */
  where: string;
}

const PREFIX = 'urn:ietf:params:acme:error:';
const UNRESOLVED = /could not resolve|no such host|NXDOMAIN|no valid (A|AAAA) records|DNS problem/i;

/** Map an ACME problem to a reason and an actionable message. */
export function fromProblem(problem: AcmeProblem, context: { hostname?: string; challenge?: ChallengeContext; retryAfterSeconds?: number } = {}): AcmeIssueError {
  const type = (problem.type ?? '').replace(PREFIX, '');
  const detail = problem.detail ? ` (CA said: ${problem.detail})` : '';
  const host = context.challenge?.hostname ?? context.hostname ?? 'the hostname';
  const where = context.challenge?.where ?? host;
  const extra = { problemType: problem.type, hostname: context.challenge?.hostname ?? context.hostname, retryAfterSeconds: context.retryAfterSeconds };
  // Some CAs (Pebble) report a name that does not resolve as a connection problem; Boulder says `dns`.
  const kind = type === 'connection' && UNRESOLVED.test(problem.detail ?? '') ? 'dns' : type;
  switch (kind) {
    case 'caa':
      return new AcmeIssueError('caa', `A CAA record forbids this CA to issue for ${host}: add an "issue" (or "issuewild") CAA entry for the CA, or remove the restriction${detail}`, extra);
    case 'rateLimited': {
      const after = context.retryAfterSeconds ? ` Retry after ${context.retryAfterSeconds} s.` : '';
      return new AcmeIssueError('rate_limited', `The CA's rate limit was reached for ${host}.${after} Use the CA's staging directory for tests${detail}`, extra);
    }
    case 'unauthorized':
    case 'incorrectResponse':
      return new AcmeIssueError(
        'challenge_failed',
        context.challenge?.type === 'dns-01'
          ? `The CA found no matching TXT record at ${where}: check that the DNS provider wrote it and that every authoritative server serves it${detail}`
          : `The CA fetched ${where} and did not get the expected answer: make sure the edge forwards /.well-known/acme-challenge/ for ${host} to Portico${detail}`,
        extra,
      );
    case 'connection':
    case 'tls':
      return new AcmeIssueError('challenge_unreachable', `The CA could not connect to ${where}: point ${host}'s A/AAAA records at the edge and open port 80 to the internet${detail}`, extra);
    case 'dns':
      return new AcmeIssueError('dns', `The CA could not resolve ${context.challenge?.type === 'dns-01' ? where : host}: check the domain's nameservers and records${detail}`, extra);
    case 'rejectedIdentifier':
    case 'unsupportedIdentifier':
    case 'malformed':
      return new AcmeIssueError('rejected_identifier', `The CA will not issue for ${host}: check the hostname is a public DNS name the CA accepts${detail}`, extra);
    case 'accountDoesNotExist':
    case 'externalAccountRequired':
    case 'invalidContact':
    case 'unsupportedContact':
    case 'userActionRequired':
    case 'badPublicKey':
      return new AcmeIssueError('account', `The CA refused the ACME account: check "email", the account key and whether the CA needs external account binding${detail}`, extra);
    default:
      return new AcmeIssueError('ca_error', `The CA could not issue for ${host}${type ? ` (${type})` : ''}${detail}`, extra);
  }
}

const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|ETIMEDOUT|ERR_CANCELED)$/;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** A transport error talking to the directory (axios/node error codes), or undefined when it is not one. */
export function fromTransport(error: unknown, directoryUrl: string): AcmeIssueError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  if (TLS_CODES.test(code)) {
    return new AcmeIssueError('directory', `The ACME directory ${directoryUrl} presented a certificate Portico does not trust (${code}): set "caBundlePem" or "caBundleFile" for a private CA`, { cause: error });
  }
  if (NETWORK_CODES.test(code)) {
    return new AcmeIssueError('directory', `The ACME directory ${directoryUrl} could not be reached (${code}): check the URL and Portico's outbound network`, { cause: error });
  }
  return undefined;
}
