/**
 * Vultr API failures, classified by the kernel's DNS provider error kinds. Vultr answers errors as
 * `{ "error": "…", "status": 401 }` (https://www.vultr.com/api/#section/Introduction/Response-Codes), and a
 * client over 30 requests per second from one address with 429
 * (https://docs.vultr.com/support/platform/api/what-rate-limits-apply-to-the-vultr-api). A message names the
 * call, the status and Vultr's own words, never the API key; HTML from a proxy is never quoted.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class VultrDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when Vultr (or something in front of it) answered. */
  readonly status?: number;
  /** The status, for logs and support (Vultr sends no error code of its own). */
  readonly providerCode?: string;
  /** For `rate_limit`: seconds to wait. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'VultrDnsError';
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

/** Vultr's limit is per second: without a `Retry-After`, one second is the documented window. */
export const RATE_LIMIT_WINDOW_SECONDS = 1;

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now (undefined when absent or unreadable). */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export const redact = (text: string, secret: string): string => (secret.length >= 4 ? text.split(secret).join('[redacted]') : text);

/** The error for a non-2xx answer to `call` ("GET /domains"). */
export function errorFromResponse(call: string, status: number, body: string, headers: Headers, apiKey: string): VultrDnsError {
  let detail = '';
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') detail = parsed.error.replace(/\s+/g, ' ').slice(0, MAX_DETAIL);
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'transient' : 'validation');
  const hint = kind === 'auth' ? ' (the API key was refused; check it and that Access Control allows this address)' : '';
  return new VultrDnsError(kind, redact(`Vultr ${call}: ${status}${detail ? ` ${detail}` : ''}${hint}`, apiKey), {
    status,
    retryAfterSeconds: kind === 'rate_limit' ? (parseRetryAfter(headers.get('retry-after')) ?? RATE_LIMIT_WINDOW_SECONDS) : undefined,
  });
}
