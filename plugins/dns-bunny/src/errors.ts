/**
 * bunny.net API failures, classified by the kernel's DNS provider error kinds. bunny.net answers errors with
 * `{ "ErrorKey": "…", "Field": "…", "Message": "…" }` (https://docs.bunny.net/reference/dnszonepublic_add, the
 * "ApiErrorData" model). The AccessKey never reaches a message: only the call, the status and bunny.net's own words.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class BunnyDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when bunny.net (or something in front of it) answered. */
  readonly status?: number;
  /** bunny.net's `ErrorKey` (`dnszone.record.invalid`), else the status. */
  readonly providerCode?: string;
  /** For `rate_limit`: the seconds `Retry-After` asked for. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; code?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'BunnyDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.code ?? (details.status !== undefined ? String(details.status) : undefined);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

interface BunnyErrorBody {
  ErrorKey?: string;
  Field?: string;
  Message?: string;
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

function bodyOf(text: string): BunnyErrorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as BunnyErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

function detailOf(body: BunnyErrorBody | undefined, text: string, statusText: string): string {
  if (body?.ErrorKey || body?.Message) {
    const detail = [body.ErrorKey, body.Field ? `(${body.Field})` : '', body.Message].filter(Boolean).join(' ');
    return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail;
  }
  if (/^\s*</.test(text)) return `a non-JSON (HTML) answer${statusText ? `: ${statusText}` : ''}`;
  return statusText;
}

/** The error for a non-2xx answer to `what` ("read the zone"). */
export function errorFromResponse(what: string, status: number, statusText: string, text: string, headers: Headers): BunnyDnsError {
  const body = bodyOf(text);
  const message = `bunny.net ${what}: ${status} ${detailOf(body, text, statusText)}`.trim();
  const details = { status, code: body?.ErrorKey || undefined };
  if (status === 401) return new BunnyDnsError('auth', `${message} (the API key was refused)`, details);
  if (status === 403) return new BunnyDnsError('permission', message, details);
  if (status === 404) return new BunnyDnsError('not_found', message, details);
  if (status === 409) return new BunnyDnsError('conflict', message, details);
  if (status === 429) return new BunnyDnsError('rate_limit', message, { ...details, retryAfterSeconds: parseRetryAfter(headers.get('retry-after')) });
  if (status >= 500) return new BunnyDnsError('transient', message, details);
  return new BunnyDnsError('validation', message, details);
}
