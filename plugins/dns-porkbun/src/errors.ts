/**
 * Porkbun API failures, classified by the kernel's DNS provider error kinds. Porkbun answers
 * `{ "status": "ERROR", "message": "…" }` (newer builds add a `code` such as `INVALID_API_KEYS_002` or
 * `MISSING_SECRETAPIKEY`), mostly with HTTP 400, so the kind comes from the code and message as much as from the
 * status: a refused key is `auth`, a domain without API access (or outside a key's domain restriction) is
 * `permission`, an unknown domain `not_found`. A throttled request is 429 (`Retry-After` honoured when sent).
 * Messages name the call and Porkbun's words, never the keys.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class PorkbunError extends Error {
  readonly kind: DnsProviderErrorKind;
  readonly status?: number;
  readonly providerCode?: string;
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, options: { status?: number; providerCode?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'PorkbunError';
    this.kind = kind;
    this.status = options.status;
    this.providerCode = options.providerCode ?? (options.status === undefined ? undefined : String(options.status));
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

const MAX_DETAIL = 300;

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The kind of a Porkbun error, from its code and message first, then the HTTP status. */
export function kindOf(status: number, code: string | undefined, message: string): DnsProviderErrorKind {
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'transient';
  if (/^(INVALID_API_KEYS|MISSING_(SECRET)?APIKEY)/i.test(code ?? '') || /invalid api key|api key .*(invalid|missing)|secretapikey/i.test(message)) return 'auth';
  if (/not opted in|api access|not authorized for this domain|permission/i.test(message)) return 'permission';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404 || /invalid domain|domain not found|not found/i.test(message)) return 'not_found';
  if (status === 409) return 'conflict';
  return 'validation';
}

export function errorFromResponse(call: string, status: number, body: string, retryAfter: string | null): PorkbunError {
  let message = '';
  let code: string | undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; code?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message.replace(/\s+/g, ' ').slice(0, MAX_DETAIL);
    if (typeof parsed.code === 'string') code = parsed.code;
  } catch {
    // An HTML page from a proxy: the status says enough; never quoted.
  }
  const kind = kindOf(status, code, message);
  const hint = kind === 'auth' ? ' (the API key pair was refused)' : kind === 'permission' ? ' (turn API Access on for this domain, and allow it in the key\'s restrictions)' : '';
  return new PorkbunError(kind, `Porkbun ${call}: ${status}${message ? ` ${message}` : ''}${hint}`, {
    status,
    providerCode: code ?? String(status),
    retryAfterSeconds: kind === 'rate_limit' ? parseRetryAfter(retryAfter) : undefined,
  });
}
