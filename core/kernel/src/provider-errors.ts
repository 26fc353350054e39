/**
 * How a DNS provider failure is classified, so the job layer can decide between retrying and stopping without
 * knowing any provider. Vendor clients (`client.ts` of a DNS plugin) throw errors carrying a `kind`; adapters
 * pass them up as `DnsProviderError`.
 *
 * | kind          | meaning                                             | the job layer          |
 * |---------------|-----------------------------------------------------|------------------------|
 * | `auth`        | the credential is wrong, expired or revoked         | stop; ask for a new one |
 * | `permission`  | the credential works but may not do this            | stop; name the permission |
 * | `rate_limit`  | the provider throttled us (`retryAfterSeconds`)     | retry after that        |
 * | `transient`   | timeout, 5xx, connection reset                      | retry with backoff      |
 * | `conflict`    | a record exists that Portico does not own           | stop; show the conflict |
 * | `validation`  | the provider refused the content                    | stop; show the message  |
 * | `not_found`   | the zone (or record) does not exist there           | stop                    |
 * | `unsupported` | the provider cannot do this (record type, apex alias) | stop; offer manual setup |
 */
export const DNS_PROVIDER_ERROR_KINDS = ['auth', 'permission', 'rate_limit', 'transient', 'conflict', 'validation', 'not_found', 'unsupported'] as const;
export type DnsProviderErrorKind = (typeof DNS_PROVIDER_ERROR_KINDS)[number];

/** Whether the job layer retries a failure of this kind. */
export const isRetryable = (kind: DnsProviderErrorKind): boolean => kind === 'rate_limit' || kind === 'transient';

export class DnsProviderError extends Error {
  readonly kind: DnsProviderErrorKind;
  /** For `rate_limit`: seconds the provider asked us to wait. */
  readonly retryAfterSeconds?: number;
  /** The provider's own code or status, for logs and support. */
  readonly providerCode?: string;

  constructor(kind: DnsProviderErrorKind, message: string, options: { retryAfterSeconds?: number; providerCode?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DnsProviderError';
    this.kind = kind;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.providerCode = options.providerCode;
  }
}
