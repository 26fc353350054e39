/**
 * Namecheap API failures, classified by the kernel's DNS provider error kinds. Namecheap answers most failures with
 * HTTP 200 and `<ApiResponse Status="ERROR"><Errors><Error Number="…">text</Error></Errors>`; the number says what
 * went wrong (https://www.namecheap.com/support/api/global-parameters/ and each method's "Error Codes"). The API key
 * never reaches a message: only the call, the number and Namecheap's own text.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class NamecheapDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when it was not 200. */
  readonly status?: number;
  /** Namecheap's error number (`1011102`, `2019166`), else the HTTP status. */
  readonly providerCode?: string;
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; code?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'NamecheapDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.code ?? (details.status !== undefined ? String(details.status) : undefined);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Global error numbers about the credential or the address calling: the API user, key, user name or ClientIp. */
const AUTH = new Set(['1010101', '1010102', '1011102', '1010105', '1011105', '1030408', '1050900', '1011150', '1017150', '1017105', '1017101', '1019103', '1017103', '1017411']);
/** "Parameter UserName is unauthorized", "Edit permission for domain is not supported". */
const PERMISSION = new Set(['1016103', '2030166']);
/** "Domain not found", "Domain name not found", "Domain is not associated with your account". */
const NOT_FOUND = new Set(['2019166', '2016166', '2019165']);
/** "Cannot complete this command as this domain is not using proper DNS servers": its DNS is elsewhere. */
const UNSUPPORTED = new Set(['2030288']);

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now (undefined when absent or unreadable). */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The kind of an `<Error Number="…">` answer. */
export function kindOfNumber(number: string, text: string): DnsProviderErrorKind {
  if (AUTH.has(number)) return 'auth';
  if (PERMISSION.has(number)) return 'permission';
  if (NOT_FOUND.has(number)) return 'not_found';
  if (UNSUPPORTED.has(number)) return 'unsupported';
  // Namecheap documents its limits (20/min, 700/h, 8000/day) but no error number for them; its text says so.
  if (/too many requests|rate limit/i.test(text)) return 'rate_limit';
  // 2xxxxxx: the request's content; 3xxxxxx, 4xxxxxx, 5xxxxxx: Namecheap's or the registry's side.
  return number.startsWith('2') ? 'validation' : 'transient';
}

export function errorFromApi(what: string, number: string, text: string): NamecheapDnsError {
  const detail = text.replace(/\s+/g, ' ').trim().slice(0, 300);
  const kind = kindOfNumber(number, text);
  const hint = kind === 'auth' ? ' (the API user, key or ClientIp was refused: is the ClientIp whitelisted?)' : '';
  return new NamecheapDnsError(kind, `Namecheap ${what}: ${number} ${detail}${hint}`, { code: number });
}

export function errorFromStatus(what: string, status: number, statusText: string, headers: Headers): NamecheapDnsError {
  const message = `Namecheap ${what}: HTTP ${status} ${statusText}`.trim();
  if (status === 429) return new NamecheapDnsError('rate_limit', message, { status, retryAfterSeconds: parseRetryAfter(headers.get('retry-after')) });
  if (status === 401) return new NamecheapDnsError('auth', message, { status });
  if (status === 403) return new NamecheapDnsError('permission', message, { status });
  if (status >= 500) return new NamecheapDnsError('transient', message, { status });
  return new NamecheapDnsError('validation', message, { status });
}
