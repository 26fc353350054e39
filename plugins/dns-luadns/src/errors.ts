/**
 * LuaDNS API failures, classified by the kernel's DNS provider error kinds. LuaDNS answers errors as
 * `{ "status": "…", "request_id": "…", "message": "…" }`, and validation failures as a list of
 * `{ "fieldNames": […], "classification": "…", "message": "…" }`; its status codes are 400 (malformed), 422
 * (validation), 429 (rate limited: 1200 requests every 5 minutes), 401, 403, 404 and 500
 * (https://luadns.com/api.html, "Server Response"). Every answer carries `X-Ratelimit-Limit`,
 * `X-Ratelimit-Remaining` and `X-Ratelimit-Reset` (Unix seconds). A message names the call, the status and
 * LuaDNS's own words, never the API key; HTML from a proxy is never quoted.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class LuadnsDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when LuaDNS (or something in front of it) answered. */
  readonly status?: number;
  /** The status, for logs and support. */
  readonly providerCode?: string;
  /** LuaDNS's `request_id`, for support. */
  readonly requestId?: string;
  /** For `rate_limit`: seconds to wait. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; requestId?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'LuadnsDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.status === undefined ? undefined : String(details.status);
    this.requestId = details.requestId;
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

/** `X-Ratelimit-Reset` (Unix seconds when the window resets) → whole seconds from now. */
export function secondsUntilReset(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value || !/^\d+$/.test(value)) return undefined;
  return Math.max(0, Math.ceil(Number(value) - now / 1000));
}

/** Every secret cut out of `text`. */
export const redact = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join('[redacted]') : out), text);

/** LuaDNS's words: the `message` of an error, or the field messages of a validation list. */
function detailOf(parsed: unknown): { detail: string; requestId?: string } {
  if (Array.isArray(parsed)) {
    const parts = parsed.map((item: { fieldNames?: unknown; message?: unknown }) =>
      [Array.isArray(item?.fieldNames) ? item.fieldNames.join(', ') : '', typeof item?.message === 'string' ? item.message : ''].filter(Boolean).join(': '),
    );
    return { detail: parts.filter(Boolean).join('; ') };
  }
  if (typeof parsed !== 'object' || parsed === null) return { detail: '' };
  const { message, request_id: requestId } = parsed as { message?: unknown; request_id?: unknown };
  return { detail: typeof message === 'string' ? message : '', requestId: typeof requestId === 'string' ? requestId : undefined };
}

/** The error for a non-2xx answer to `call` ("GET /zones"). */
export function errorFromResponse(call: string, status: number, body: string, headers: Headers, secrets: readonly string[]): LuadnsDnsError {
  let detail = '';
  let requestId: string | undefined;
  try {
    ({ detail, requestId } = detailOf(JSON.parse(body)));
    detail = detail.replace(/\s+/g, ' ').slice(0, MAX_DETAIL);
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'transient' : 'validation');
  const hint =
    kind === 'auth'
      ? ' (the email and API key were refused; check that API access is enabled in the LuaDNS settings)'
      : kind === 'permission'
        ? ' (an API key restricted to one zone reaches only that zone)'
        : '';
  const retryAfterSeconds = kind === 'rate_limit' ? (secondsUntilReset(headers.get('x-ratelimit-reset')) ?? parseRetryAfter(headers.get('retry-after'))) : undefined;
  return new LuadnsDnsError(kind, redact(`LuaDNS ${call}: ${status}${detail ? ` ${detail}` : ''}${hint}`, secrets), { status, requestId, retryAfterSeconds });
}
