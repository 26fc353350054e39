/**
 * Linode API failures, classified by the kernel's DNS provider error kinds. The SDK (axios underneath) rejects with
 * an axios error carrying the response, or with an array of `{ reason, field }` when its own schema refuses a
 * payload; neither is passed on (not even as `cause`, which holds the request's headers): each becomes a
 * `LinodeDnsError` built from the status, Linode's `errors[].reason` and the rate-limit headers, with the token cut
 * out of every text.
 *
 * Linode's errors: `{ "errors": [{ "reason": "...", "field"?: "..." }] }` with 400 (invalid request), 401 (missing or
 * invalid token), 403 (the token lacks the scope), 404, 429 (rate limited) and 5xx
 * (https://techdocs.akamai.com/linode-api/reference/errors).
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class LinodeDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when Linode (or something in front of it) answered. */
  readonly status?: number;
  /** The status as a string, for logs and support. */
  readonly providerCode?: string;
  /** For `rate_limit`: the seconds Linode asked for (`Retry-After`, else until `X-RateLimit-Reset`). */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'LinodeDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.status === undefined ? undefined : String(details.status);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export const NEEDED_SCOPE = 'the Domains scope with Read/Write access (domains:read_write)';

const MAX_DETAIL = 300;

export const redact = (text: string, secret: string): string => (secret.length >= 4 ? text.split(secret).join('[redacted]') : text);

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now (undefined when absent or unreadable). */
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

interface LinodeApiError {
  reason?: unknown;
  field?: unknown;
}

/** The parts of an axios error this module reads (axios is the SDK's dependency, not this package's). */
interface AxiosLike {
  isAxiosError: true;
  code?: string;
  message: string;
  response?: { status: number; data?: unknown; headers?: Record<string, unknown> & { get?: (name: string) => unknown } };
}

const isAxiosLike = (error: unknown): error is AxiosLike => typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;

const isApiErrorList = (error: unknown): error is LinodeApiError[] =>
  Array.isArray(error) && error.length > 0 && error.every((e) => typeof e === 'object' && e !== null && 'reason' in e);

/** Linode's `reasons` joined (`field: reason`), or a short account of a non-JSON answer (a proxy's HTML page). */
function detailOf(data: unknown): string {
  if (typeof data === 'object' && data !== null && Array.isArray((data as { errors?: unknown }).errors)) {
    const errors = (data as { errors: LinodeApiError[] }).errors;
    return errors.map((e) => [typeof e.field === 'string' ? `${e.field}:` : '', String(e.reason ?? '')].filter(Boolean).join(' ')).join('; ');
  }
  if (typeof data === 'string' && data.trim() !== '') {
    if (/^\s*</.test(data)) {
      const title = /<title[^>]*>([^<]*)<\/title>/i.exec(data)?.[1]?.trim();
      return `a non-JSON (HTML) answer${title ? `: ${title}` : ''}`;
    }
    const oneLine = data.replace(/\s+/g, ' ').trim();
    return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL)}…` : oneLine;
  }
  return '';
}

function header(response: AxiosLike['response'], name: string): string | undefined {
  const headers = response?.headers;
  if (!headers) return undefined;
  const value = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * The error for a failed call (`what`: "list the records of example.com"). Aborts come back as the signal's reason
 * (an `AbortError`), so the caller sees a cancellation, not a failure. Anything unknown is returned unchanged.
 */
export function classify(error: unknown, what: string, token: string, signal?: AbortSignal, timeoutMs?: number): unknown {
  if (error instanceof LinodeDnsError) return error;
  if (signal?.aborted) return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
  const make = (kind: DnsProviderErrorKind, message: string, details: ConstructorParameters<typeof LinodeDnsError>[2] = {}) =>
    new LinodeDnsError(kind, redact(`Linode ${what}: ${message}`, token), details);
  // The SDK's own schema refused the payload before any request.
  if (isApiErrorList(error)) return make('validation', error.map((e) => [e.field, e.reason].filter(Boolean).join(': ')).join('; '));
  if (!isAxiosLike(error)) return error;
  const response = error.response;
  if (!response) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || error.code === 'ERR_CANCELED') {
      return make('transient', `no answer${timeoutMs ? ` within ${timeoutMs} ms` : ' in time'}`);
    }
    return make('transient', `could not reach the API (${error.code ?? 'network error'})`);
  }
  const status = response.status;
  const detail = detailOf(response.data);
  const message = `${status}${detail ? ` ${detail}` : ''}`;
  if (status === 401) return make('auth', `${message} (the personal access token was refused)`, { status });
  if (status === 403) return make('permission', `${message} (the token needs ${NEEDED_SCOPE})`, { status });
  if (status === 404) return make('not_found', message, { status });
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(header(response, 'retry-after')) ?? secondsUntilReset(header(response, 'x-ratelimit-reset'));
    return make('rate_limit', message, { status, retryAfterSeconds });
  }
  if (status >= 500) return make('transient', message, { status });
  if (status === 409) return make('conflict', message, { status });
  return make('validation', message, { status });
}
