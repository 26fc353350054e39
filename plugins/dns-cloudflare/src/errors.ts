/**
 * Cloudflare API failures, classified by the kernel's DNS provider error kinds. Errors from the SDK are never
 * passed on (not even as `cause`): each becomes a `CloudflareDnsError` built from the status, Cloudflare's error
 * codes and messages, with the API token cut out of every text.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'cloudflare';

export class CloudflareDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when Cloudflare (or something in front of it) answered. */
  readonly status?: number;
  /** Cloudflare's first error code (`9109`, `81053`), else the status; for logs and support. */
  readonly providerCode?: string;
  /** Every Cloudflare error code of the answer, nested `error_chain` codes included. */
  readonly codes: number[];
  /** For `rate_limit`: the seconds `Retry-After` asked for. */
  readonly retryAfterSeconds?: number;
  /** The `cf-ray` header: the id Cloudflare support asks for. */
  readonly ray?: string;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; codes?: number[]; retryAfterSeconds?: number; ray?: string } = {}) {
    super(message);
    this.name = 'CloudflareDnsError';
    this.kind = kind;
    this.status = details.status;
    this.codes = details.codes ?? [];
    this.providerCode = this.codes[0] !== undefined ? String(this.codes[0]) : details.status !== undefined ? String(details.status) : undefined;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.ray = details.ray;
  }
}

/** 400 answers that mean a record is in the way: "An A, AAAA, or CNAME record with that host already exists"
 * (81053), "A CNAME record with that host already exists" (81054), "The record already exists" (81057), "A
 * record with the same settings already exists" (81058). */
export const CONFLICT_CODES: ReadonlySet<number> = new Set([81053, 81054, 81057, 81058]);

/** 400 answers about the credential itself: "Invalid request headers" (6003) / "Invalid format for Authorization
 * header" (6111), a token with a stray character. */
const AUTH_CODES_400: ReadonlySet<number> = new Set([6003, 6111]);

export const NEEDED_PERMISSIONS = 'Zone → DNS → Edit and Zone → Zone → Read on this zone';

interface CloudflareErrorData {
  code?: number;
  message?: string;
  error_chain?: CloudflareErrorData[];
}

const MAX_DETAIL = 300;

function codesOf(errors: readonly CloudflareErrorData[]): number[] {
  return errors.flatMap((e) => [...(typeof e.code === 'number' ? [e.code] : []), ...codesOf(e.error_chain ?? [])]);
}

/** Cloudflare's own words: `9109 Invalid access token`, or a short account of a non-JSON answer (a proxy's page). */
function detailOf(error: APIError): string {
  const errors = error.errors as CloudflareErrorData[];
  if (errors.length > 0) {
    return errors.map((e) => [e.code, e.message, ...(e.error_chain ?? []).map((c) => `(${c.code} ${c.message})`)].filter(Boolean).join(' ')).join('; ');
  }
  const text = error.message.replace(/^\d{3}\s*/, '').trim();
  if (/^\s*</.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return `a non-JSON (HTML) answer${title ? `: ${title}` : ''}`;
  }
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL)}…` : oneLine;
}

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now (undefined when absent or unreadable). */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export const redact = (text: string, secret: string): string => (secret.length >= 4 ? text.split(secret).join('[redacted]') : text);

/**
 * The error for a failed call (`what`: "list DNS records"). Aborts come back as the signal's reason (an
 * `AbortError`), so the caller sees a cancellation, not a failure. A 403 comes back as `permission`; the client
 * asks `GET /user/tokens/verify` whether it is really `auth` (see `forbidden`). Anything that is not an SDK error is
 * returned unchanged.
 */
export function classify(error: unknown, what: string, token: string, signal?: AbortSignal): unknown {
  if (error instanceof CloudflareDnsError) return error;
  if (error instanceof APIUserAbortError || signal?.aborted) return signal?.reason ?? new DOMException('The operation was aborted', 'AbortError');
  const make = (kind: DnsProviderErrorKind, message: string, details: ConstructorParameters<typeof CloudflareDnsError>[2] = {}) =>
    new CloudflareDnsError(kind, redact(`Cloudflare ${what}: ${message}`, token), details);
  if (error instanceof APIConnectionTimeoutError) return make('transient', 'no answer in time');
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${(error.cause as Error & { cause?: Error }).cause?.message ?? error.cause.message}` : '';
    return make('transient', `could not reach the API${cause}`);
  }
  if (!(error instanceof APIError) || error.status === undefined) return error;

  const status = error.status;
  const codes = codesOf(error.errors as CloudflareErrorData[]);
  const ray = error.headers?.get('cf-ray') ?? undefined;
  const details = { status, codes, ray };
  const message = `${status} ${detailOf(error)}`;
  if (status === 401) return make('auth', `${message} (the API token was refused)`, details);
  if (status === 403) return make('permission', `${message} (the API token needs ${NEEDED_PERMISSIONS})`, details);
  if (status === 404) return make('not_found', message, details);
  if (status === 429) return make('rate_limit', message, { ...details, retryAfterSeconds: parseRetryAfter(error.headers?.get('retry-after')) });
  if (status >= 500) return make('transient', message, details);
  if (status === 409 || codes.some((code) => CONFLICT_CODES.has(code))) return make('conflict', `${message} (a record Portico did not write is in the way)`, details);
  if (codes.some((code) => AUTH_CODES_400.has(code))) return make('auth', `${message} (the API token is malformed)`, details);
  return make('validation', message, details);
}

/**
 * What a 403 really was, once `GET /user/tokens/verify` said whether the token itself is good: `active` means the
 * token works and lacks a permission; anything else (refused, disabled, expired, used from an address its IP filter
 * excludes) means the credential is bad. Cloudflare answers both cases with the same codes (9109 "Invalid access
 * token" / "Unauthorized to access requested resource", 10000 "Authentication error"), hence the question.
 * `tokenStatus` undefined: the question itself failed; 9109 "Invalid access token" and 10000 then count as `auth`.
 */
export function forbidden(failure: CloudflareDnsError, tokenStatus: string | undefined): CloudflareDnsError {
  const invalid =
    tokenStatus === undefined
      ? failure.codes.includes(10000) || (failure.codes.includes(9109) && /invalid/i.test(failure.message))
      : tokenStatus !== 'active';
  if (!invalid) return failure;
  const why = tokenStatus === undefined || tokenStatus === 'refused' ? 'the API token was refused' : `the API token is ${tokenStatus}`;
  const message = failure.message.replace(/ \(the API token needs [^)]*\)$/, ` (${why})`);
  return new CloudflareDnsError('auth', message, { status: failure.status, codes: failure.codes, ray: failure.ray });
}
