/**
 * OVHcloud API failures, classified by the kernel's DNS provider error kinds. OVHcloud answers errors with a JSON body,
 * `{ "message", "errorCode"?, "httpCode"?, "class"? }`, and an `X-Ovh-QueryId` header that OVHcloud support asks for.
 * The credential errors are told apart by `errorCode`, as OVHcloud's own clients (python-ovh's `ovh/client.py`) do:
 * INVALID_KEY, INVALID_CREDENTIAL, NOT_CREDENTIAL, FORBIDDEN and a bad signature are the credential (`auth`);
 * NOT_GRANTED_CALL is a valid credential whose access rules do not cover the call (`permission`).
 * (https://help.ovhcloud.com/csm/en-gb-api-getting-started-ovhcloud-api)
 */
import type { DnsProviderErrorKind } from '@portico/kernel';

export class OvhDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** The HTTP status, when OVHcloud (or something in front of it) answered. */
  readonly status?: number;
  /** OVHcloud's `errorCode` (`NOT_GRANTED_CALL`) or `class` (`Client::NotFound`), else the status. */
  readonly providerCode?: string;
  /** For `rate_limit`: the seconds `Retry-After` asked for. */
  readonly retryAfterSeconds?: number;
  /** The `X-Ovh-QueryId` header: the id OVHcloud support asks for. */
  readonly queryId?: string;

  constructor(kind: DnsProviderErrorKind, message: string, details: { status?: number; providerCode?: string; retryAfterSeconds?: number; queryId?: string } = {}) {
    super(message);
    this.name = 'OvhDnsError';
    this.kind = kind;
    this.status = details.status;
    this.providerCode = details.providerCode ?? (details.status === undefined ? undefined : String(details.status));
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.queryId = details.queryId;
  }
}

/** `errorCode`s that mean the application key, secret or consumer key itself is refused. */
export const AUTH_ERROR_CODES: ReadonlySet<string> = new Set(['INVALID_KEY', 'INVALID_CREDENTIAL', 'NOT_CREDENTIAL', 'FORBIDDEN', 'INVALID_SIGNATURE', 'QUERY_TIME_OUT']);

export const NEEDED_RULES = 'access rules GET, POST, PUT and DELETE on /domain/zone/<zone>/* (see the plugin README)';

const MAX_DETAIL = 300;

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The error for a non-2xx answer to `call` ("POST /domain/zone/example.com/record"). */
export function errorFromResponse(call: string, status: number, body: string, headers: Headers): OvhDnsError {
  let detail = '';
  let code: string | undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errorCode?: unknown; class?: unknown };
    if (typeof parsed.message === 'string') detail = parsed.message;
    if (typeof parsed.errorCode === 'string') code = parsed.errorCode;
    else if (typeof parsed.class === 'string') code = parsed.class;
  } catch {
    // Not JSON (a proxy's HTML page): its title at most, never the markup.
    const title = /^\s*</.test(body) ? /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim() : undefined;
    detail = /^\s*</.test(body) ? `a non-JSON (HTML) answer${title ? `: ${title}` : ''}` : body.replace(/\s+/g, ' ').trim();
  }
  if (detail.length > MAX_DETAIL) detail = `${detail.slice(0, MAX_DETAIL)}…`;
  const queryId = headers.get('x-ovh-queryid') ?? undefined;
  const details = { status, providerCode: code, queryId };
  const message = `OVHcloud ${call}: ${status}${code ? ` ${code}` : ''}${detail ? ` ${detail}` : ''}`;
  if (status === 401 || (code !== undefined && AUTH_ERROR_CODES.has(code))) return new OvhDnsError('auth', `${message} (the application key, secret or consumer key was refused)`, details);
  if (status === 403) return new OvhDnsError('permission', `${message} (the consumer key needs ${NEEDED_RULES})`, details);
  if (status === 404) return new OvhDnsError('not_found', message, details);
  if (status === 429) return new OvhDnsError('rate_limit', message, { ...details, retryAfterSeconds: parseRetryAfter(headers.get('retry-after')) });
  if (status >= 500) return new OvhDnsError('transient', message, details);
  if (status === 409) return new OvhDnsError('conflict', message, details);
  return new OvhDnsError('validation', message, details);
}
