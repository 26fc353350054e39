/**
 * ExampleDNS failures, classified by the kernel's DNS provider error kinds (`kind`), so the kernel and the job
 * layer can decide between retrying and stopping without knowing ExampleDNS. The kernel turns any error with a
 * `kind` from its list into a `DnsProviderError`, keeping `retryAfterSeconds` and `providerCode` (or `status`).
 *
 * COPIER: map your vendor's statuses and error codes here, and test every row. Two rules: a message names the
 * call and the vendor's own words, never the credential; and a failure you cannot place (5xx, a network error,
 * a body that is not what the documentation says) is `transient`, as the kernel assumes for errors without a kind.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

/** A failed call, classified by `kind`. `status` and `providerCode` are for logs and support. */
export class ExampleDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  readonly status?: number;
  readonly providerCode?: string;
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, options: { status?: number; providerCode?: string; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExampleDnsError';
    this.kind = kind;
    this.status = options.status;
    this.providerCode = options.providerCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** HTTP status → kind. 5xx is `transient`; any other 4xx is `validation`. */
const KIND_BY_STATUS: Record<number, DnsProviderErrorKind> = {
  400: 'validation', 401: 'auth', 403: 'permission', 404: 'not_found', 409: 'conflict', 422: 'validation', 429: 'rate_limit',
};

/** The error for a non-2xx answer. ExampleDNS sends `{ "error": { "code", "message" } }`; proxies send HTML. */
export function errorFromResponse(call: string, status: number, body: string, retryAfter: string | null): ExampleDnsError {
  let detail = '';
  let providerCode: string | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.message === 'string') detail = parsed.error.message;
    if (typeof parsed.error?.code === 'string') providerCode = parsed.error.code;
  } catch {
    // Not JSON (a load balancer's HTML page): the status says enough; never echo markup into messages.
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'transient' : 'validation');
  const message = `ExampleDNS ${call}: ${status}${detail ? ` ${detail.slice(0, 300)}` : ''}`;
  return new ExampleDnsError(kind, message, { status, providerCode: providerCode ?? String(status), retryAfterSeconds: kind === 'rate_limit' ? seconds(retryAfter) : undefined });
}

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now. */
function seconds(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
