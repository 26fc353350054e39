/**
 * GoDaddy API failures, classified by the kernel's DNS provider error kinds. GoDaddy answers errors with
 * `{ "code": "UNABLE_TO_AUTHENTICATE", "message": "…", "fields"?: [...] }`, and a 429 with `retryAfterSec` in
 * that body (https://developer.godaddy.com/doc/endpoint/domains, "Error" and "ErrorLimit" models). The key and
 * secret never reach a message: only the call, the status and GoDaddy's own code and text.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class GoDaddyDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when GoDaddy (or something in front of it) answered. */
  readonly status?: number;
  /** GoDaddy's error code (`UNABLE_TO_AUTHENTICATE`, `ACCESS_DENIED`), else the status. */
  readonly providerCode?: string;
  /** For `rate_limit`: the seconds GoDaddy asked us to wait. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; code?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'GoDaddyDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.code ?? (details.status !== undefined ? String(details.status) : undefined);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

interface GoDaddyErrorBody {
  code?: string;
  message?: string;
  retryAfterSec?: number;
  fields?: Array<{ path?: string; code?: string; message?: string }>;
}

const MAX_DETAIL = 300;

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now (undefined when absent or unreadable). */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** GoDaddy's JSON error body, or undefined for anything else (a proxy's HTML page). */
function bodyOf(text: string): GoDaddyErrorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as GoDaddyErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

function detailOf(body: GoDaddyErrorBody | undefined, text: string, statusText: string): string {
  if (body?.code || body?.message) {
    const fields = (body.fields ?? []).map((f) => `${f.path ?? ''} ${f.message ?? f.code ?? ''}`.trim()).filter(Boolean);
    const detail = [body.code, body.message, fields.length ? `(${fields.join('; ')})` : ''].filter(Boolean).join(' ');
    return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail;
  }
  if (/^\s*</.test(text)) return `a non-JSON (HTML) answer${statusText ? `: ${statusText}` : ''}`;
  return statusText;
}

/** The error for a non-2xx answer to `what` ("list DNS records"). */
export function errorFromResponse(what: string, status: number, statusText: string, text: string, headers: Headers): GoDaddyDnsError {
  const body = bodyOf(text);
  const code = body?.code;
  const message = `GoDaddy ${what}: ${status} ${detailOf(body, text, statusText)}`.trim();
  const details = { status, code };
  if (status === 401) return new GoDaddyDnsError('auth', `${message} (the API key and secret were refused)`, details);
  if (status === 403) return new GoDaddyDnsError('permission', `${message} (the key may not manage this domain, or the account has no API access)`, details);
  if (status === 404) return new GoDaddyDnsError('not_found', message, details);
  if (status === 409) return new GoDaddyDnsError('conflict', message, details);
  if (status === 429) {
    const retryAfterSeconds = typeof body?.retryAfterSec === 'number' ? Math.ceil(body.retryAfterSec) : parseRetryAfter(headers.get('retry-after'));
    return new GoDaddyDnsError('rate_limit', message, { ...details, retryAfterSeconds });
  }
  if (status >= 500) return new GoDaddyDnsError('transient', message, details);
  return new GoDaddyDnsError('validation', message, details);
}
