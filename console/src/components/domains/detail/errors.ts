import type { ApiError } from '@/api/client';

/** Codes the domain detail page explains in its own words (domains.detail.errors.<code>). */
const EXPLAINED = new Set([
  'VERIFICATION_RATE_LIMITED',
  'VERIFY_METHOD_UNAVAILABLE',
  'DOMAIN_NOT_VERIFIABLE',
  'DOMAIN_IN_USE',
  'CONFIRMATION_REQUIRED',
  'FORBIDDEN',
  'DOMAIN_NOT_ROUTABLE',
  'NO_CERT_ISSUER',
  'DNS_PROVIDER_FAILED',
  'DNS_PROVIDER_NO_API',
  'DNS_PROVIDER_UNKNOWN',
  'DNS_ZONE_NOT_FOUND',
  'NOT_FOUND',
]);

/** The i18n key explaining `error`'s code, when the page has one (the server's message is shown beside it). */
export function explanationKey(error: ApiError | null | undefined): string | null {
  return error && EXPLAINED.has(error.code) ? `domains.detail.errors.${error.code}` : null;
}
