/**
 * NS1 failures as the kernel's error kinds. NS1 answers errors as `{ "message": "…" }` with the HTTP status
 * saying what went wrong; throttled calls are 429 with `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Period` (https://www.ibm.com/docs/en/ns1-connect?topic=api-rate-limiting).
 */
import { DnsProviderError, type DnsProviderErrorKind } from '@portico/kernel';

export class Ns1Error extends DnsProviderError {
  /** The HTTP status, when NS1 answered. */
  readonly status?: number;

  constructor(kind: DnsProviderErrorKind, message: string, options: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(kind, message, { retryAfterSeconds: options.retryAfterSeconds, providerCode: options.status === undefined ? undefined : String(options.status), cause: options.cause });
    this.name = 'Ns1Error';
    this.status = options.status;
  }
}

/**
 * Seconds until the token bucket holds one token again: NS1 refills `limit` tokens every `period` seconds, so one
 * token takes `period / limit` seconds. A `Retry-After` header, when a proxy adds one, wins.
 */
export function retryAfterOf(headers: Headers): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter);
  const limit = Number(headers.get('x-ratelimit-limit'));
  const period = Number(headers.get('x-ratelimit-period'));
  if (!Number.isFinite(limit) || !Number.isFinite(period) || limit <= 0 || period <= 0) return undefined;
  return Math.max(1, Math.ceil(period / limit));
}

const MAX_DETAIL = 200;

/** The error for an answer that was not 2xx (`what`: "read the zone example.com"). */
export function fromResponse(status: number, headers: Headers, body: string, what: string): Ns1Error {
  let detail = body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') detail = parsed.message;
  } catch {
    detail = /^\s*</.test(detail) ? 'a non-JSON (HTML) answer' : detail;
  }
  detail = detail.replace(/\s+/g, ' ');
  if (detail.length > MAX_DETAIL) detail = `${detail.slice(0, MAX_DETAIL)}…`;
  const message = `NS1 ${what}: ${status}${detail ? ` ${detail}` : ''}`;
  if (status === 401) return new Ns1Error('auth', `${message} (the API key was refused)`, { status });
  if (status === 403) return new Ns1Error('permission', `${message} (the API key lacks DNS: View zones / Manage zones for this zone)`, { status });
  if (status === 404) return new Ns1Error('not_found', message, { status });
  if (status === 429) return new Ns1Error('rate_limit', message, { status, retryAfterSeconds: retryAfterOf(headers) });
  if (status >= 500) return new Ns1Error('transient', message, { status });
  if (status === 409 || /already exists/i.test(detail)) return new Ns1Error('conflict', message, { status });
  return new Ns1Error('validation', message, { status });
}

/** A failure before any answer: an abort comes back as the signal's reason, a timeout or a network error is transient. */
export function fromThrown(error: unknown, what: string, signal: AbortSignal | undefined, timedOut: boolean): unknown {
  if (error instanceof Ns1Error) return error;
  if (signal?.aborted && !timedOut) return signal.reason ?? error;
  if (timedOut) return new Ns1Error('transient', `NS1 ${what}: no answer in time`);
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return new Ns1Error('transient', `NS1 ${what}: could not reach the API: ${cause}`);
}

/** Whether a failure concerns the whole call rather than one change: thrown, not returned per change. */
export const isCallLevel = (error: unknown): boolean =>
  error instanceof DnsProviderError && (error.kind === 'auth' || error.kind === 'permission' || error.kind === 'rate_limit' || error.kind === 'transient');
