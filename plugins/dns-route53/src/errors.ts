import type { DnsProviderErrorKind } from '@portico/kernel';

/**
 * A failed Route 53 call, classified by `kind` (the kernel's DNS provider error kinds) so the adapter passes it
 * up unchanged. Messages name the call and Route 53's own code and text; never the secret access key or the
 * session token. The SDK's exception is deliberately not kept as `cause`: only what is copied here leaves.
 */
export class Route53Error extends Error {
  readonly kind: DnsProviderErrorKind;
  /** Route 53's error code (`InvalidChangeBatch`, `Throttling`), or the network error's code. */
  readonly providerCode?: string;
  /** The HTTP status, when Route 53 answered. */
  readonly status?: number;
  /** For `rate_limit`: seconds to wait before trying again. */
  readonly retryAfterSeconds?: number;
  /** Route 53's request id, for AWS support. */
  readonly requestId?: string;

  constructor(
    kind: DnsProviderErrorKind,
    message: string,
    options: { providerCode?: string; status?: number; retryAfterSeconds?: number; requestId?: string } = {},
  ) {
    super(message);
    this.name = 'Route53Error';
    this.kind = kind;
    this.providerCode = options.providerCode;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.requestId = options.requestId;
  }
}

const AUTH_CODES = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'InvalidSignatureException',
]);
const PERMISSION_CODES = new Set(['AccessDenied', 'AccessDeniedException']);
const NOT_FOUND_CODES = new Set(['NoSuchHostedZone', 'NoSuchChange', 'HostedZoneNotFound']);
const RATE_LIMIT_CODES = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete', 'RequestLimitExceeded', 'TooManyRequestsException']);
const VALIDATION_CODES = new Set(['InvalidInput', 'InvalidArgument', 'InvalidDomainName', 'MalformedInput', 'ValidationException', 'InvalidPaginationToken']);

/**
 * Someone else's data in the way, as Route 53 words it in an InvalidChangeBatch: the set exists already, a
 * CNAME would share its name with other data ("conflicts with", "conflicting RRSet of type CNAME"), or the set
 * to delete no longer holds the values read (changed meanwhile).
 */
const CONFLICT_TEXT = /already exists|conflicts? with|conflicting|do not match the current values/i;

/** When Route 53 does not say how long to wait (it never sends `Retry-After`): its API allows 5 requests a second. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

const MAX_DETAIL = 500;

interface SdkError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
  $response?: { headers?: Record<string, unknown> };
  cause?: unknown;
}

/**
 * Any error the SDK (or the network under it) threw for `call` → a `Route53Error`. `secrets` (the secret access
 * key, the session token) are cut out of the message, should anything ever echo them. An abort by the caller's
 * signal stays an `AbortError`, which the kernel passes through untouched.
 */
export function classify(call: string, error: unknown, secrets: readonly string[] = []): Error {
  const raw = (error ?? {}) as SdkError;
  const name = typeof raw.name === 'string' ? raw.name : '';
  if (name === 'AbortError') return scrubbed(error as Error, secrets);
  const status = typeof raw.$metadata?.httpStatusCode === 'number' ? raw.$metadata.httpStatusCode : undefined;
  const requestId = typeof raw.$metadata?.requestId === 'string' ? raw.$metadata.requestId : undefined;
  const text = shorten(typeof raw.message === 'string' ? raw.message : String(error));

  if (status === undefined) {
    // No answer: connection refused or reset, DNS failure, timeout.
    const code = typeof raw.code === 'string' ? raw.code : networkCode(raw.cause) ?? (name || 'network error');
    const why = name === 'TimeoutError' || code === 'ETIMEDOUT' ? 'no answer in time' : code;
    return scrub(new Route53Error('transient', `Route 53 ${call}: cannot reach the API (${why})`, { providerCode: code }), secrets);
  }

  const code = name && name !== 'Unknown' && name !== 'Error' ? name : `HTTP ${status}`;
  const message = `Route 53 ${call}: ${code}${text && text !== code ? `: ${text}` : ''}`;
  const options = { providerCode: code, status, requestId };
  return scrub(new Route53Error(kindOf(code, status, text), message, { ...options, retryAfterSeconds: retryAfter(code, status, raw) }), secrets);
}

function kindOf(code: string, status: number, text: string): DnsProviderErrorKind {
  if (PERMISSION_CODES.has(code)) return 'permission';
  if (AUTH_CODES.has(code)) return 'auth';
  if (RATE_LIMIT_CODES.has(code) || status === 429) return 'rate_limit';
  if (NOT_FOUND_CODES.has(code)) return 'not_found';
  if (code === 'InvalidChangeBatch') return CONFLICT_TEXT.test(text) ? 'conflict' : 'validation';
  if (VALIDATION_CODES.has(code)) return 'validation';
  if (status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status >= 500) return 'transient';
  if (status >= 400) return 'validation';
  return 'transient';
}

function retryAfter(code: string, status: number, raw: SdkError): number | undefined {
  if (!RATE_LIMIT_CODES.has(code) && status !== 429) return undefined;
  const header = raw.$response?.headers?.['retry-after'];
  const seconds = typeof header === 'string' && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
  return seconds ?? DEFAULT_RETRY_AFTER_SECONDS;
}

function networkCode(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat;
}

function scrub(error: Route53Error, secrets: readonly string[]): Route53Error {
  const present = secrets.filter((secret) => secret.length > 0 && error.message.includes(secret));
  if (present.length === 0) return error;
  const message = present.reduce((text, secret) => text.replaceAll(secret, '[redacted]'), error.message);
  const { providerCode, status, retryAfterSeconds, requestId } = error;
  return new Route53Error(error.kind, message, { providerCode, status, retryAfterSeconds, requestId });
}

function scrubbed(error: Error, secrets: readonly string[]): Error {
  if (!secrets.some((secret) => secret.length > 0 && error.message.includes(secret))) return error;
  const clean = new Error('The Route 53 call was aborted');
  clean.name = 'AbortError';
  return clean;
}
