/**
 * Name.com API failures, classified by the kernel's DNS provider error kinds. Every non-200 answer carries an
 * ErrorMessage, `{ "message": "…", "details": "…" }` (https://www.name.com/api-docs, "API Overview"); the API is
 * rate limited per second and per hour (429). A message names the call, the status and Name.com's own words,
 * never the username or the token; HTML from a proxy is never quoted.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class NamecomDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when Name.com (or something in front of it) answered. */
  readonly status?: number;
  /** The status, for logs and support (Name.com sends no error code of its own). */
  readonly providerCode?: string;
  /** For `rate_limit`: seconds to wait. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'NamecomDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.status === undefined ? undefined : String(details.status);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

const KIND_BY_STATUS: Record<number, DnsProviderErrorKind> = {
  400: 'validation', 401: 'auth', 403: 'permission', 404: 'not_found', 409: 'conflict', 422: 'validation', 429: 'rate_limit',
};

const MAX_DETAIL = 300;

/** Name.com's tightest limit is per second: without a header saying otherwise, one second is the window. */
export const RATE_LIMIT_WINDOW_SECONDS = 1;

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

/** Every secret cut out of `text`. */
export const redact = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join('[redacted]') : out), text);

/** The error for a non-2xx answer to `call` ("GET /domains"). */
export function errorFromResponse(call: string, status: number, body: string, headers: Headers, secrets: readonly string[]): NamecomDnsError {
  let detail = '';
  try {
    const parsed = JSON.parse(body) as { message?: unknown; details?: unknown };
    const parts = [parsed.message, parsed.details].filter((part): part is string => typeof part === 'string' && part !== '');
    detail = parts.join(': ').replace(/\s+/g, ' ').slice(0, MAX_DETAIL);
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'transient' : 'validation');
  const hint =
    kind === 'auth'
      ? ' (the username and API token were refused)'
      : kind === 'permission'
        ? ' (check that API access is enabled for the account and that the token belongs to the account holding the domain)'
        : '';
  const retryAfterSeconds =
    kind === 'rate_limit' ? (parseRetryAfter(headers.get('retry-after')) ?? secondsUntilReset(headers.get('x-ratelimit-reset')) ?? RATE_LIMIT_WINDOW_SECONDS) : undefined;
  return new NamecomDnsError(kind, redact(`Name.com ${call}: ${status}${detail ? ` ${detail}` : ''}${hint}`, secrets), { status, retryAfterSeconds });
}
