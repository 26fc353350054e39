import type { DnsProviderErrorKind } from '@portico/kernel';

/**
 * A failed PowerDNS API call, classified by `kind` (the kernel's DNS provider error kinds) so the adapter can
 * pass it up unchanged. Messages name the call and PowerDNS's own error text; never the API key.
 */
export class PowerDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when PowerDNS (or a proxy in front of it) answered. */
  readonly status?: number;
  /** For `rate_limit`: the seconds a `Retry-After` header asked for. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, options: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PowerDnsError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

const MAX_DETAIL = 500;

/** The error for a non-2xx response. `body` is the response text (PowerDNS sends `{"error": "…"}` or plain text). */
export function errorFromResponse(call: string, status: number, body: string, retryAfter: string | null, now = Date.now()): PowerDnsError {
  const detail = errorDetail(body);
  const message = `PowerDNS ${call}: ${status}${detail ? ` ${detail}` : ''}`;
  if (status === 401) return new PowerDnsError('auth', `${message} (the API key was refused)`, { status });
  if (status === 403) return new PowerDnsError('permission', message, { status });
  if (status === 404) return new PowerDnsError('not_found', message, { status });
  if (status === 409) return new PowerDnsError('conflict', message, { status });
  if (status === 429) return new PowerDnsError('rate_limit', message, { status, retryAfterSeconds: parseRetryAfter(retryAfter, now) });
  if (status >= 500) return new PowerDnsError('transient', message, { status });
  // A CNAME next to other data (or the reverse) means a record Portico did not ask for is in the way.
  if (status === 422 && /conflicts with pre-existing rrset/i.test(detail)) return new PowerDnsError('conflict', message, { status });
  return new PowerDnsError('validation', message, { status });
}

function errorDetail(body: string): string {
  let text = body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string') text = parsed.error;
  } catch {
    // Plain text (401 "Unauthorized", 404 "Not Found") or a proxy's HTML page: keep it, shortened.
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now (undefined when absent or unreadable). */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
