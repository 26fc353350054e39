/**
 * DNSimple API failures, classified by the kernel's DNS provider error kinds. The SDK throws `AuthenticationError`
 * (401), `NotFoundError` (404), `MethodNotAllowedError` (405), `TooManyRequestsError` (429), `ClientError` (other
 * 4xx) and `ServerError` (5xx), all `RequestError`s with a `status` and, for most, DNSimple's JSON body
 * (`{ "message": "...", "errors": { "field": ["..."] } }`). Its 429 error carries no headers, so the client's
 * fetcher keeps the last answer's status and rate-limit headers, and this module reads them from there. SDK errors
 * are never passed on: each becomes a `DnsimpleDnsError`, with the token cut out of every text.
 *
 * Errors: https://developer.dnsimple.com/v2/#errors. Rate limits: https://developer.dnsimple.com/v2/#rate-limiting
 * (`X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` in Unix seconds; 429 once the hour's quota is
 * spent).
 */
import type { DnsProviderErrorKind } from '@portico/kernel';
import { ClientError, RequestError, ServerError } from 'dnsimple';

export class DnsimpleDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when DNSimple (or something in front of it) answered. */
  readonly status?: number;
  /** The status as a string, for logs and support. */
  readonly providerCode?: string;
  /** For `rate_limit`: the seconds until `X-RateLimit-Reset` (or `Retry-After`). */
  readonly retryAfterSeconds?: number;
  /** `X-RateLimit-Remaining` of the answer, when it had one. */
  readonly rateLimitRemaining?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; retryAfterSeconds?: number; rateLimitRemaining?: number } = {}) {
    super(message);
    this.name = 'DnsimpleDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.status === undefined ? undefined : String(details.status);
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.rateLimitRemaining = details.rateLimitRemaining;
  }
}

/** What the client's fetcher saw of the last answer. */
export interface LastAnswer {
  status: number;
  headers: Headers;
  html: boolean;
  title?: string;
}

export const NEEDED_ACCESS = 'an account access token (or a user token with access to the account) on a plan with API access';

const MAX_DETAIL = 300;

export const redact = (text: string, secret: string): string => (secret.length >= 4 ? text.split(secret).join('[redacted]') : text);

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** `X-RateLimit-Reset` (Unix seconds when the window resets) → whole seconds from now. */
export function secondsUntilReset(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value || !/^\d+$/.test(value)) return undefined;
  return Math.max(0, Math.ceil(Number(value) - now / 1000));
}

/** DNSimple's message and field errors (`content: is invalid`), short. */
function detailOf(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const parts = typeof message === 'string' ? [message] : [];
  if (typeof errors === 'object' && errors !== null) {
    for (const [field, reasons] of Object.entries(errors)) parts.push(`${field}: ${Array.isArray(reasons) ? reasons.join(', ') : String(reasons)}`);
  }
  const text = parts.join('; ');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/**
 * The error for a failed call (`what`: "list the records of example.com"). Aborts come back as the signal's reason,
 * so the caller sees a cancellation, not a failure. Anything unknown is returned unchanged.
 */
export function classify(error: unknown, what: string, token: string, last: LastAnswer | undefined, signal?: AbortSignal): unknown {
  if (error instanceof DnsimpleDnsError) return error;
  if (signal?.aborted) return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
  const make = (kind: DnsProviderErrorKind, message: string, details: ConstructorParameters<typeof DnsimpleDnsError>[2] = {}) =>
    new DnsimpleDnsError(kind, redact(`DNSimple ${what}: ${message}`, token), details);
  const status = error instanceof RequestError ? error.status : last?.status;
  if (status === undefined || status < 400) return error;
  const remaining = last?.headers.get('x-ratelimit-remaining');
  const details = { status, ...(remaining != null && /^\d+$/.test(remaining) ? { rateLimitRemaining: Number(remaining) } : {}) };
  // The SDK parses every error body as JSON; a proxy's HTML page makes that throw, and the status is all there is.
  const detail =
    error instanceof RequestError
      ? detailOf((error as RequestError & { data?: unknown }).data) || error.message.replace(/^\d{3}\s*/, '')
      : last?.html
        ? `a non-JSON (HTML) answer${last.title ? `: ${last.title}` : ''}`
        : 'an answer that is not JSON';
  const message = `${status}${detail ? ` ${detail}` : ''}`;
  if (status === 401) return make('auth', `${message} (the access token was refused)`, details);
  if (status === 402 || status === 403) return make('permission', `${message} (the token needs ${NEEDED_ACCESS})`, details);
  if (status === 404) return make('not_found', message, details);
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(last?.headers.get('retry-after')) ?? secondsUntilReset(last?.headers.get('x-ratelimit-reset'));
    return make('rate_limit', message, { ...details, retryAfterSeconds });
  }
  if (status >= 500 || error instanceof ServerError) return make('transient', message, details);
  if (status === 409) return make('conflict', message, details);
  if (error instanceof ClientError || status >= 400) return make('validation', message, details);
  return error;
}
