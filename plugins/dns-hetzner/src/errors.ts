/**
 * Hetzner DNS Console API failures, classified by the kernel's DNS provider error kinds. The API answers errors
 * as `{ "error": { "message": "zone not found", "code": 404 } }`; its gateway answers 401 and 429 as
 * `{ "message": "…" }`, a 429 with `Retry-After` and `X-RateLimit-*-Minute|Hour|Second` headers
 * (https://dns.hetzner.com/api-docs). A message names the call, the status and Hetzner's own words, never the
 * token; HTML from a proxy is never quoted.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class HetznerDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when Hetzner (or something in front of it) answered. */
  readonly status?: number;
  /** The status, for logs and support (Hetzner sends no error code of its own). */
  readonly providerCode?: string;
  /** For `rate_limit`: seconds to wait, from `Retry-After`. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'HetznerDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.status === undefined ? undefined : String(details.status);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

const KIND_BY_STATUS: Record<number, DnsProviderErrorKind> = {
  400: 'validation', 401: 'auth', 403: 'permission', 404: 'not_found', 406: 'validation', 409: 'conflict', 422: 'validation', 429: 'rate_limit',
};

const MAX_DETAIL = 300;

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now (undefined when absent or unreadable). */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Seconds to wait after a 429: `Retry-After`, else the smallest window whose `X-RateLimit-Remaining-<window>` is 0
 * (a second, a minute or an hour).
 */
export function retryAfterOf(headers: Headers): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  for (const [window, seconds] of [['second', 1], ['minute', 60], ['hour', 3600]] as const) {
    if (headers.get(`x-ratelimit-remaining-${window}`)?.trim() === '0') return seconds;
  }
  return undefined;
}

export const redact = (text: string, secret: string): string => (secret.length >= 4 ? text.split(secret).join('[redacted]') : text);

/** The error for a non-2xx answer to `call` ("GET /records"). */
export function errorFromResponse(call: string, status: number, body: string, headers: Headers, token: string): HetznerDnsError {
  let detail = '';
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: { message?: unknown } };
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : parsed.message;
    if (typeof message === 'string') detail = message.replace(/\s+/g, ' ').slice(0, MAX_DETAIL);
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'transient' : 'validation');
  const hint = kind === 'auth' ? ' (the API token was refused)' : '';
  return new HetznerDnsError(kind, redact(`Hetzner DNS ${call}: ${status}${detail ? ` ${detail}` : ''}${hint}`, token), {
    status,
    retryAfterSeconds: kind === 'rate_limit' ? retryAfterOf(headers) : undefined,
  });
}
