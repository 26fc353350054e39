/**
 * deSEC API failures, classified by the kernel's DNS provider error kinds. deSEC answers errors as Django REST
 * framework does: `{ "detail": "…" }` (401, 403, 404, 429), field errors `{ "ttl": ["…"] }` (400), and for a bulk
 * request a list with one object per RRset (https://desec.readthedocs.io/en/latest/dns/rrsets.html#bulk-operations).
 * Throttled requests are 429 with `Retry-After` (https://desec.readthedocs.io/en/latest/rate-limits.html).
 * Messages name the call and deSEC's words, never the token.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class DesecError extends Error {
  readonly kind: DnsProviderErrorKind;
  readonly status?: number;
  readonly providerCode?: string;
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, options: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DesecError';
    this.kind = kind;
    this.status = options.status;
    this.providerCode = options.status === undefined ? undefined : String(options.status);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

const MAX_DETAIL = 300;

/** deSEC's words from an error body: `detail`, field errors, or the per-RRset errors of a bulk request. */
export function detailOf(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return ''; // an HTML page from a proxy: never quoted
  }
  const parts: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') parts.push(path ? `${path}: ${value}` : value);
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, Array.isArray(parsed) && path === '' ? `[${i}]` : path));
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, key === 'detail' || key === 'non_field_errors' ? path : path ? `${path}.${key}` : key);
    }
  };
  walk(parsed, '');
  const text = parts.join('; ').replace(/\s+/g, ' ');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The error for a non-2xx answer to `call` (`GET /domains/`). */
export function errorFromResponse(call: string, status: number, body: string, retryAfter: string | null): DesecError {
  const detail = detailOf(body);
  const message = `deSEC ${call}: ${status}${detail ? ` ${detail}` : ''}`;
  const kind: DnsProviderErrorKind =
    status === 401 ? 'auth'
    : status === 403 ? 'permission'
    : status === 404 ? 'not_found'
    : status === 409 ? 'conflict'
    : status === 429 ? 'rate_limit'
    : status >= 500 ? 'transient'
    : /conflicting type/i.test(detail) ? 'conflict'
    : 'validation';
  const hint = kind === 'auth' ? ' (the token was refused)' : kind === 'permission' ? ' (the token may not do this: check its policies and allowed subnets)' : '';
  return new DesecError(kind, `${message}${hint}`, { status, retryAfterSeconds: kind === 'rate_limit' ? parseRetryAfter(retryAfter) : undefined });
}
