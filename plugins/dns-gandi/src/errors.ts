/**
 * Gandi API failures, classified by the kernel's DNS provider error kinds. Gandi answers errors with
 * `{ "code", "message", "object", "cause" }`, and a 400 with `errors: [{ location, name, description }]`
 * (https://api.gandi.net/docs/reference/, https://api.gandi.net/docs/livedns/). 401 is "a wrong API key"; 403 is
 * a token that "has expired, does not have enough permissions" or may not see the resource: an expired token is
 * `auth`, the rest `permission`. The API is rate limited (1000 requests a minute per IP); a 429 carries
 * `Retry-After` when Gandi sends one. Messages name the call and Gandi's words, never the token.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class GandiError extends Error {
  readonly kind: DnsProviderErrorKind;
  readonly status?: number;
  readonly providerCode?: string;
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, options: { status?: number; providerCode?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'GandiError';
    this.kind = kind;
    this.status = options.status;
    this.providerCode = options.providerCode ?? (options.status === undefined ? undefined : String(options.status));
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

const MAX_DETAIL = 300;

interface GandiErrorBody { message?: unknown; cause?: unknown; object?: unknown; errors?: Array<{ name?: unknown; description?: unknown }> }

/** Gandi's words and error object name from an error body; nothing from an HTML page. */
export function detailOf(body: string): { detail: string; object?: string } {
  let parsed: GandiErrorBody;
  try {
    parsed = JSON.parse(body) as GandiErrorBody;
  } catch {
    return { detail: '' };
  }
  const parts = [parsed.cause, parsed.message].filter((p): p is string => typeof p === 'string' && p !== '');
  for (const e of parsed.errors ?? []) parts.push([e.name, e.description].filter((p) => typeof p === 'string').join(': '));
  const text = [...new Set(parts)].join('; ').replace(/\s+/g, ' ');
  return { detail: text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text, object: typeof parsed.object === 'string' ? parsed.object : undefined };
}

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export function errorFromResponse(call: string, status: number, body: string, retryAfter: string | null): GandiError {
  const { detail, object } = detailOf(body);
  const kind: DnsProviderErrorKind =
    status === 401 ? 'auth'
    : status === 403 ? (/expired|revoked/i.test(detail) ? 'auth' : 'permission')
    : status === 404 ? 'not_found'
    : status === 409 ? 'conflict'
    : status === 429 ? 'rate_limit'
    : status >= 500 ? 'transient'
    : 'validation';
  const hint = kind === 'auth' ? ' (the personal access token was refused)' : kind === 'permission' ? ' (the token needs "Manage domain name technical configurations" on this domain)' : '';
  return new GandiError(kind, `Gandi ${call}: ${status}${detail ? ` ${detail}` : ''}${hint}`, {
    status,
    providerCode: object ?? String(status),
    retryAfterSeconds: kind === 'rate_limit' ? parseRetryAfter(retryAfter) : undefined,
  });
}
