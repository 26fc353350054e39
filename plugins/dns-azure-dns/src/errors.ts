/**
 * Azure DNS failures as the kernel's error kinds. ARM answers errors as `{ "error": { "code", "message" } }`
 * (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors); throttled
 * requests are 429 with `Retry-After` (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
 * Microsoft Entra ID refuses a client secret at the token endpoint (`invalid_client`, `unauthorized_client`,
 * `invalid_request` for an unknown tenant), which @azure/identity throws as `AuthenticationError`.
 */
import { DnsProviderError, type DnsProviderErrorKind } from '@portico/kernel';

export class AzureDnsError extends DnsProviderError {
  readonly status?: number;

  constructor(kind: DnsProviderErrorKind, message: string, options: { status?: number; code?: string; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(kind, message, { retryAfterSeconds: options.retryAfterSeconds, providerCode: options.code ?? (options.status === undefined ? undefined : String(options.status)), cause: options.cause });
    this.name = 'AzureDnsError';
    this.status = options.status;
  }
}

/** `Retry-After` as delta-seconds or an HTTP date → whole seconds from now. */
export function parseRetryAfter(header: string | undefined | null, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export const redact = (text: string, secret: string): string => (secret.length >= 4 ? text.split(secret).join('[redacted]') : text);

/** What a RestError (`@azure/core-rest-pipeline`) or an AuthenticationError (`@azure/identity`) carries. */
interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
  errorResponse?: { error?: string; errorDescription?: string };
}

const MAX_DETAIL = 300;
const CONFLICT_CODES = new Set(['PreconditionFailed', 'Conflict']);
const IDENTITY_ERRORS = new Set(['AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError']);

function detailOf(error: SdkError): { code?: string; text: string } {
  const body = error.response?.bodyAsText;
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { code?: string; message?: string }; code?: string; message?: string };
      const inner = parsed.error ?? parsed;
      if (inner.message || inner.code) return { code: inner.code, text: [inner.code, inner.message].filter(Boolean).join(' ') };
    } catch {
      if (/^\s*</.test(body)) {
        const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
        return { text: `a non-JSON (HTML) answer${title ? `: ${title}` : ''}` };
      }
    }
  }
  if (error.errorResponse?.error) return { code: error.errorResponse.error, text: error.errorResponse.error };
  return { code: error.code, text: (error.message ?? '').split('\n')[0]! };
}

/** The error for a failed call (`what`: "list record sets"). Aborts come back as the signal's reason. */
export function classify(error: unknown, what: string, secret: string, signal?: AbortSignal): unknown {
  if (error instanceof AzureDnsError) return error;
  if (signal?.aborted) return signal.reason ?? error;
  const sdk = (error ?? {}) as SdkError;
  const { code, text } = detailOf(sdk);
  const status = sdk.statusCode;
  let detail = text.replace(/\s+/g, ' ');
  if (detail.length > MAX_DETAIL) detail = `${detail.slice(0, MAX_DETAIL)}…`;
  const make = (kind: DnsProviderErrorKind, extra = '', retryAfterSeconds?: number) =>
    new AzureDnsError(kind, redact(`Azure DNS ${what}: ${status ?? ''} ${detail}${extra}`.replace(/: {2}/, ': ').trim(), secret), { status, code, retryAfterSeconds });
  if (sdk.name !== undefined && IDENTITY_ERRORS.has(sdk.name)) {
    // MSAL's words: `invalid_client: Error(s): 7000215 - … - Description: AADSTS7000215: Invalid client secret provided. - …`.
    const message = sdk.message ?? '';
    const entra = /^(invalid_client|unauthorized_client|invalid_grant|invalid_request|invalid_scope)\b/.exec(message)?.[1] ?? sdk.errorResponse?.error;
    const description = /Description: (AADSTS\d+: [^-]*?)\s*(?: - |$)/.exec(message)?.[1] ?? (entra ? undefined : message.split('\n')[0]);
    const text = [entra, description].filter(Boolean).join(' ');
    const identity = (kind: DnsProviderErrorKind, extra: string) =>
      new AzureDnsError(kind, redact(`Azure DNS ${what}: ${text.slice(0, MAX_DETAIL)}${extra}`, secret), { status, code: entra ?? sdk.name });
    if (entra || /AADSTS\d+/.test(message)) return identity('auth', ' (Microsoft Entra ID refused the service principal)');
    return identity('transient', ' (no token from Microsoft Entra ID)');
  }
  if (status === undefined) return make('transient', ' (could not reach the API)');
  if (status === 401) return make('auth', ' (the token was refused)');
  if (status === 403) return make('permission', ' (the service principal needs the DNS Zone Contributor role on the zone)');
  if (status === 404) return make('not_found');
  if (status === 429) return make('rate_limit', '', parseRetryAfter(sdk.response?.headers?.get('retry-after')));
  if (status === 409 || status === 412 || (code !== undefined && CONFLICT_CODES.has(code))) return make('conflict', ' (the record set changed since it was read)');
  if (status >= 500) return make('transient');
  return make('validation');
}

/** Whether a failure concerns the whole call rather than one change: thrown, not returned per change. */
export const isCallLevel = (error: unknown): boolean =>
  !(error instanceof DnsProviderError) || error.kind === 'auth' || error.kind === 'permission' || error.kind === 'rate_limit' || error.kind === 'transient';
