/**
 * Webhook failures, classified by the kernel's DNS provider error kinds. The HTTP status alone decides the kind,
 * so a server that sends no error body (a plain external-dns webhook, a proxy) is classified the same way; the
 * error code (the server's, or the client's own for failures without an answer) is the stable `providerCode`.
 * Messages name the call and the server's own text, never the token.
 */
import type { DnsProviderErrorKind } from '@portico/kernel';
import { parseWireError } from './protocol.ts';

export interface WebhookErrorCode {
  /** `server`: sent in an error body with `status`; `client`: raised by the client without such an answer. */
  from: 'server' | 'client';
  status?: number;
  kind: DnsProviderErrorKind;
  meaning: string;
}

/**
 * Every stable error code of the protocol. The server's codes are the ones the reference server
 * (reference/server.py) answers; docs/plugins/webhook-protocol.md has the same table, and a test keeps the three
 * in step. An error answer without the protocol's body gets the code `http_<status>`.
 */
export const WEBHOOK_ERROR_CODES = {
  bad_request: { from: 'server', status: 400, kind: 'validation', meaning: 'the body is not JSON or not the documented shape' },
  unauthorized: { from: 'server', status: 401, kind: 'auth', meaning: 'no bearer token, or not the server\'s' },
  forbidden: { from: 'server', status: 403, kind: 'permission', meaning: 'the token may not do this (this zone, writes)' },
  zone_not_found: { from: 'server', status: 404, kind: 'not_found', meaning: 'the server does not serve that zone' },
  not_found: { from: 'server', status: 404, kind: 'not_found', meaning: 'no such endpoint' },
  method_not_allowed: { from: 'server', status: 405, kind: 'validation', meaning: 'the endpoint does not take that method' },
  not_acceptable: { from: 'server', status: 406, kind: 'unsupported', meaning: 'the server speaks no protocol version the Accept header allows' },
  record_exists: { from: 'server', status: 409, kind: 'conflict', meaning: 'a create names a record set that exists' },
  cname_conflict: { from: 'server', status: 409, kind: 'conflict', meaning: 'a CNAME would share its name with other records' },
  stale_update: { from: 'server', status: 409, kind: 'conflict', meaning: 'an update or delete expected other targets than the server holds' },
  length_required: { from: 'server', status: 411, kind: 'validation', meaning: 'a request body without Content-Length' },
  payload_too_large: { from: 'server', status: 413, kind: 'validation', meaning: 'the request body is larger than the server takes' },
  unsupported_media_type: { from: 'server', status: 415, kind: 'unsupported', meaning: 'the request body is not the protocol\'s media type' },
  invalid_record: { from: 'server', status: 422, kind: 'validation', meaning: 'a name, type, TTL, target or label is not valid' },
  outside_zones: { from: 'server', status: 422, kind: 'validation', meaning: 'a name is in no zone the server serves' },
  duplicate_record: { from: 'server', status: 422, kind: 'validation', meaning: 'one name and type twice in one change' },
  rate_limited: { from: 'server', status: 429, kind: 'rate_limit', meaning: 'too many requests; Retry-After says when to come back' },
  internal: { from: 'server', status: 500, kind: 'transient', meaning: 'the server failed' },
  unsupported_record_type: { from: 'server', status: 501, kind: 'unsupported', meaning: 'the server cannot write that record type' },
  unavailable: { from: 'server', status: 503, kind: 'transient', meaning: 'the server (or the DNS behind it) is unavailable for now' },
  timeout: { from: 'client', kind: 'transient', meaning: 'no complete answer within timeoutMs' },
  unreachable: { from: 'client', kind: 'transient', meaning: 'no connection (refused, reset, name not found)' },
  bad_response: { from: 'client', kind: 'transient', meaning: 'a 2xx answer whose body is not JSON or not the documented shape' },
  version_mismatch: { from: 'client', kind: 'unsupported', meaning: 'a 2xx answer in another version of the media type' },
  comments_unsupported: { from: 'client', kind: 'unsupported', meaning: 'ownership "comment", but the server does not declare portico.comments' },
} as const satisfies Record<string, WebhookErrorCode>;

export type WebhookErrorCodeName = keyof typeof WEBHOOK_ERROR_CODES;

/** The kind of an error answer, by its status. */
export function kindForStatus(status: number): DnsProviderErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limit';
  if (status === 406 || status === 415 || status === 501) return 'unsupported';
  if (status >= 500) return 'transient';
  // Other 4xx, and a redirect (the client does not follow them: the configured URL is wrong).
  return 'validation';
}

/** A failed webhook call, classified by `kind`; `providerCode` is a code of `WEBHOOK_ERROR_CODES` or `http_<status>`. */
export class WebhookDnsError extends Error {
  readonly kind: DnsProviderErrorKind;
  readonly providerCode: string;
  /** The HTTP status, when the server (or a proxy in front of it) answered. */
  readonly status?: number;
  /** For `rate_limit`: the seconds `Retry-After` asked for. */
  readonly retryAfterSeconds?: number;

  constructor(kind: DnsProviderErrorKind, message: string, options: { providerCode: string; status?: number; retryAfterSeconds?: number }) {
    super(message);
    this.name = 'WebhookDnsError';
    this.kind = kind;
    this.providerCode = options.providerCode;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** An error the client raises itself (no answer, or an answer it cannot use). */
export function clientError(code: Exclude<WebhookErrorCodeName, ServerCode>, message: string): WebhookDnsError {
  return new WebhookDnsError(WEBHOOK_ERROR_CODES[code].kind, message, { providerCode: code });
}

type ServerCode = { [K in WebhookErrorCodeName]: (typeof WEBHOOK_ERROR_CODES)[K]['from'] extends 'server' ? K : never }[WebhookErrorCodeName];

const MAX_DETAIL = 300;

/** The error for a non-2xx answer. `body` is the answer's text: the protocol's error body, or anything else. */
export function errorFromResponse(call: string, status: number, body: string, retryAfter: string | null, now = Date.now()): WebhookDnsError {
  const wire = parseWireError(body);
  const kind = kindForStatus(status);
  const detail = wire ? `${wire.code}${wire.message ? `: ${shorten(wire.message)}` : ''}` : '';
  const message = `DNS webhook ${call}: ${status}${detail ? ` ${detail}` : ''}`;
  return new WebhookDnsError(kind, message, {
    providerCode: wire?.code ?? `http_${status}`,
    status,
    retryAfterSeconds: kind === 'rate_limit' ? parseRetryAfter(retryAfter, now) : undefined,
  });
}

const shorten = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat;
};

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now (undefined when absent or unreadable). */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** The same error with every occurrence of `secret` replaced (a server or proxy may echo what it was sent). */
export function scrubbed(error: WebhookDnsError, secret: string | undefined): WebhookDnsError {
  if (!secret || !error.message.includes(secret)) return error;
  const { kind, providerCode, status, retryAfterSeconds } = error;
  return new WebhookDnsError(kind, error.message.replaceAll(secret, '[redacted]'), { providerCode, status, retryAfterSeconds });
}
