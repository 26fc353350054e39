/**
 * DigitalOcean API failures, classified by the kernel's DNS provider error kinds. DigitalOcean answers an error
 * with `{ "id": "not_found", "message": "…", "request_id": "…" }`
 * (https://docs.digitalocean.com/reference/api/digitalocean/#section/Introduction/HTTP-Statuses). A message names
 * the call, the status and DigitalOcean's own words, never the token; HTML from a proxy is never quoted.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class DigitalOceanDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when DigitalOcean (or something in front of it) answered. */
  readonly status?: number;
  /** DigitalOcean's error `id` (`unauthorized`, `too_many_requests`), else the status. */
  readonly providerCode?: string;
  /** For `rate_limit`: seconds to wait, from `Retry-After` or `ratelimit-reset`. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; providerCode?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'DigitalOceanDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.providerCode ?? (details.status === undefined ? undefined : String(details.status));
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

const KIND_BY_STATUS: Record<number, DnsProviderErrorKind> = {
  400: 'validation', 401: 'auth', 403: 'permission', 404: 'not_found', 409: 'conflict', 422: 'validation', 429: 'rate_limit',
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
 * Seconds to wait after a 429: `Retry-After` (sent for the per-minute burst limit), else `ratelimit-reset` (Unix
 * epoch seconds when the oldest request of the hourly window expires).
 */
export function retryAfterOf(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headers.get('ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - now / 1000)) : undefined;
}

export const redact = (text: string, secret: string): string => (secret.length >= 4 ? text.split(secret).join('[redacted]') : text);

/** The error for a non-2xx answer to `call` ("GET /v2/domains"). */
export function errorFromResponse(call: string, status: number, body: string, headers: Headers, token: string): DigitalOceanDnsError {
  let detail = '';
  let providerCode: string | undefined;
  try {
    const parsed = JSON.parse(body) as { id?: unknown; message?: unknown };
    if (typeof parsed.message === 'string') detail = parsed.message.replace(/\s+/g, ' ').slice(0, MAX_DETAIL);
    if (typeof parsed.id === 'string') providerCode = parsed.id;
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'transient' : 'validation');
  const hint = kind === 'auth' ? ' (the API token was refused)' : kind === 'permission' ? ' (the API token lacks a domain scope: domain:read, domain:create, domain:update, domain:delete)' : '';
  return new DigitalOceanDnsError(kind, redact(`DigitalOcean ${call}: ${status}${detail ? ` ${detail}` : ''}${hint}`, token), {
    status,
    providerCode: providerCode ?? String(status),
    retryAfterSeconds: kind === 'rate_limit' ? retryAfterOf(headers) : undefined,
  });
}
