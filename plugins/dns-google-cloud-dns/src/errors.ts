/**
 * Cloud DNS failures as the kernel's error kinds. Google APIs answer errors as
 * `{ "error": { "code", "message", "errors": [{ "reason", "message" }] } }`
 * (https://cloud.google.com/dns/docs/troubleshooting, https://cloud.google.com/apis/design/errors). Quota errors
 * come as 429, or as 403 with reason `rateLimitExceeded` / `userRateLimitExceeded` / `quotaExceeded`.
 */
import { DnsProviderError, type DnsProviderErrorKind } from '@portico/kernel';

export class GoogleCloudDnsError extends DnsProviderError {
  readonly status?: number;
  /** Google's `reason` of each inner error (`alreadyExists`, `conditionNotMet`, `forbidden`). */
  readonly reasons: string[];

  constructor(kind: DnsProviderErrorKind, message: string, options: { status?: number; reasons?: string[]; retryAfterSeconds?: number; cause?: unknown } = {}) {
    const reasons = options.reasons ?? [];
    super(kind, message, { retryAfterSeconds: options.retryAfterSeconds, providerCode: reasons[0] ?? (options.status === undefined ? undefined : String(options.status)), cause: options.cause });
    this.name = 'GoogleCloudDnsError';
    this.status = options.status;
    this.reasons = reasons;
  }
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);
const CONFLICT_REASONS = new Set(['alreadyExists', 'conditionNotMet']);

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export const redact = (text: string, secrets: readonly string[]): string =>
  secrets.filter((s) => s.length >= 4).reduce((acc, s) => acc.split(s).join('[redacted]'), text);

/** What the SDK's `ApiError` carries (`@google-cloud/common`). */
interface SdkError {
  code?: number | string;
  message?: string;
  errors?: Array<{ reason?: string; message?: string }>;
  response?: { headers?: Record<string, string | string[] | undefined>; statusCode?: number };
}

const MAX_DETAIL = 300;

/** The error for a failed SDK call (`what`: "list record sets"). Anything without an HTTP status is `transient`. */
export function classify(error: unknown, what: string, secrets: readonly string[]): GoogleCloudDnsError {
  if (error instanceof GoogleCloudDnsError) return error;
  const sdk = (error ?? {}) as SdkError;
  const status = typeof sdk.code === 'number' ? sdk.code : sdk.response?.statusCode;
  const reasons = (sdk.errors ?? []).map((e) => e.reason).filter((r): r is string => typeof r === 'string');
  const inner = (sdk.errors ?? []).map((e) => e.message).filter((m): m is string => typeof m === 'string' && m.length > 0);
  let detail = (inner.length > 0 ? inner.join('; ') : (sdk.message ?? String(error))).replace(/\s+/g, ' ');
  // A proxy's HTML page says no more than its title.
  const html = /<html|<body|<head/i.exec(detail);
  if (html) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(detail)?.[1]?.trim();
    detail = `${detail.slice(0, html.index).replace(/[;\s]+$/, '')} (a non-JSON (HTML) answer${title ? `: ${title}` : ''})`.trim();
  }
  if (detail.length > MAX_DETAIL) detail = `${detail.slice(0, MAX_DETAIL)}…`;
  const make = (kind: DnsProviderErrorKind, extra = '', retryAfterSeconds?: number) =>
    new GoogleCloudDnsError(kind, redact(`Cloud DNS ${what}: ${status ?? ''} ${detail}${extra}`.replace(/: {2}/, ': '), secrets), { status, reasons, retryAfterSeconds });
  if (status === undefined) return make('transient', ' (could not reach the API)');
  const retryAfter = () => {
    const header = sdk.response?.headers?.['retry-after'];
    return parseRetryAfter(Array.isArray(header) ? header[0] : header);
  };
  if (status === 429 || (status === 403 && reasons.some((r) => RATE_REASONS.has(r)))) return make('rate_limit', '', retryAfter());
  if (status === 401) return make('auth', ' (the service account key was refused)');
  if (status === 403) return make('permission', ' (the service account needs roles/dns.admin, or dns.changes.create and dns.resourceRecordSets.* on the project)');
  if (status === 404) return make('not_found');
  if (status === 409 || status === 412 || reasons.some((r) => CONFLICT_REASONS.has(r))) return make('conflict', ' (the record sets changed since they were read)');
  if (status >= 500) return make('transient');
  return make('validation');
}
