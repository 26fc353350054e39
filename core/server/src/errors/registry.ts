import { KERNEL_ERROR_CODES } from '@portico/kernel';

/**
 * The one error registry. Every code the API can answer with is here, mapped to its HTTP status. Codes are
 * never reused or renamed; docs/reference/errors.md lists them all and a test keeps the two in step. The
 * kernel's own codes are merged in so plugins' failures reach clients with the same shape.
 */
const APP_ERROR_CODES = {
  INTERNAL: { status: 500, description: 'An unexpected error; the request id in the logs finds it.' },
  ROUTE_NOT_FOUND: { status: 404, description: 'No route matches the method and path.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The path exists but not with this method; the Allow header lists the methods it has.' },
  METHOD_NOT_IMPLEMENTED: { status: 501, description: 'The HTTP method is not one the API implements.' },
  VALIDATION_FAILED: { status: 400, description: 'Path parameters, query or body do not match the schema, or a string in them holds the NUL character (U+0000); `details` lists each issue.' },
  BODY_INVALID: { status: 400, description: 'The request body is not valid JSON.' },
  BODY_FORBIDDEN_KEY: { status: 400, description: 'The JSON body has a `__proto__` key, or a `constructor` key holding a `prototype`, somewhere: no API field is named so, and such keys poison objects.' },
  BODY_TOO_LARGE: { status: 413, description: 'The request body exceeds the size limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'A request body was sent with a Content-Type other than application/json.' },
  UNAUTHENTICATED: { status: 401, description: 'No valid session cookie or API key was sent, or it was revoked or expired.' },
  INVALID_CREDENTIALS: { status: 401, description: 'Email or password is wrong.' },
  LOGIN_RATE_LIMITED: { status: 429, description: 'Too many sign-in attempts for this account or from this address; checked before the password, so nothing is verified. Retry-After and `details.retryAfterSeconds` say when to try again.' },
  CSRF_TOKEN_INVALID: { status: 403, description: 'A cookie-authenticated write did not carry the session’s x-csrf-token.' },
  FORBIDDEN: { status: 403, description: 'Inside your organization, your role does not allow this; `details.requiredRole` names the role needed.' },
  API_KEY_SCOPE_MISSING: { status: 403, description: 'The API key lacks the scope this route needs; `details.scope` names it.' },
  WIDGET_TOKEN_EXPIRED: { status: 401, description: 'The widget token is past its expiry (`details.expiredAt`): the widget shows its session-expired overlay and the SaaS’s server issues a new token.' },
  WIDGET_ORIGIN_REFUSED: { status: 403, description: 'A widget token was sent from a page whose origin is not one of its project’s allowed origins, or without an Origin header (widget tokens are for browsers); also the answer to a CORS preflight from an origin no project allows. `details.origin` is the origin sent.' },
  WIDGET_ROUTE_REFUSED: { status: 403, description: 'A widget token was sent to a route the widget may not call; call it from your server with an API key.' },
  WIDGET_HOSTNAME_REFUSED: { status: 403, description: 'The widget token is limited to one hostname (and, when it says so, the names under it); `details` has the hostname asked for and the one allowed.' },
  WIDGET_CUSTOMER_REQUIRED: { status: 403, description: 'A widget token without a customer reference tried to store a DNS credential; it would be shared with every customer of the project. Issue the token with `customerRef`.' },
  WIDGET_NOT_BUILT: { status: 503, description: 'The Connect widget’s files are not built on this installation (no manifest.json in the widget folder, or a file it lists is missing or altered); run `npm run build:widget` and ask again.' },
  NOT_FOUND: { status: 404, description: 'The resource does not exist or is outside your scope.' },
  CONFLICT: { status: 409, description: 'The request conflicts with existing data (a duplicate slug, name…).' },
  HOSTNAME_INVALID: { status: 400, description: 'The hostname is not a valid public DNS name.' },
  HOSTNAME_TAKEN: { status: 409, description: 'Your organization already has an active (not deleted) domain with this hostname. Other organizations’ claims never cause it.' },
  DOMAIN_NOT_VERIFIABLE: { status: 409, description: 'The domain’s status does not allow a verification request now.' },
  VERIFY_METHOD_UNAVAILABLE: { status: 409, description: 'The domain’s verification method is no longer offered by any enabled plugin, so it cannot be checked; nothing was changed. `details.method` names it.' },
  VERIFICATION_RATE_LIMITED: { status: 429, description: 'A manual verification of this domain ran too recently; Retry-After and `details.retryAfterSeconds` say when to ask again.' },
  DOMAIN_QUOTA_EXCEEDED: { status: 409, description: 'The organization has reached its domain limit; `details` has `used` and `limit`.' },
  MAPPING_QUOTA_EXCEEDED: { status: 409, description: 'The project has reached its mapping limit (`maxMappingsPerProject`); `details` has `used` and `limit`.' },
  SETTINGS_BELOW_USAGE: { status: 409, description: 'A limit cannot be set below what is already in use; `details` names the setting, the usage and the value asked for.' },
  DOMAIN_IN_USE: { status: 409, description: 'The domain is assigned to projects; deleting it needs `confirm` set to the hostname (and the owner role); `details.usage` lists the projects.' },
  DNS_CREDENTIAL_REJECTED: { status: 422, description: 'The DNS provider refused the credential (`details.kind` is auth or permission); nothing was stored or written.' },
  DNS_PROVIDER_FAILED: { status: 502, description: 'The DNS provider failed or refused the request; `details.kind` says whether retrying helps (rate_limit, transient) and `details.retryAfterSeconds` when to.' },
  DNS_ZONE_NOT_FOUND: { status: 422, description: 'The DNS zone of the hostname could not be found (no NS records up to its registrable domain, or DNS failed); `details.code` says which.' },
  ROUTING_INVALID: { status: 400, description: 'A service or mapping field breaks its rule (subdomain, base path, internal path, port, upstream host: a host name or IP literal, never link-local or a metadata service, within `routing.upstreams`); `details.issues` has each field, reason and, where one exists, a suggested correction.' },
  MAPPING_CONFLICT: { status: 409, description: 'The host and base path are already routed; `details.conflict` names the mapping (as far as you may see it) and `details.suggestions` lists free base paths and subdomains.' },
  DOMAIN_NOT_ROUTABLE: { status: 409, description: 'The domain is not verified (or is drifted, suspended after drift, disabled, archived), so it cannot take new mappings now.' },
  DOMAIN_NOT_IN_PROJECT: { status: 409, description: 'The domain belongs to the organization but is not assigned to this project, so it cannot be mapped there; assign it first with `POST /v1/projects/{projectId}/domains` (`{"hostnames": ["…"]}`). `details` has `domainId`, `hostname` and `projectId`.' },
  SECRET_UNREADABLE: { status: 500, description: 'A stored credential could not be decrypted (wrong or missing key, or tampered data); its value is never shown.' },
  SECRET_KEYS_INVALID: { status: 500, description: 'The encryption keys are misconfigured; start-up stops naming the variable or file, never the value.' },
  CONFIG_INVALID: { status: 500, description: 'The config file is invalid; start-up stops with the field named.' },
  PORT_IN_USE: { status: 500, description: 'A port Portico must listen on is taken; start-up stops naming the port and, when the system shows it, the process holding it (`details.pid`).' },
  NOT_READY: { status: 503, description: 'The database or the job queue is not reachable yet, or the route table is stale (its change listener was lost and the full reload has not finished); `details` names the failing check.' },
} as const satisfies Record<string, { status: number; description: string }>;

export const ERROR_CODES = { ...APP_ERROR_CODES, ...KERNEL_ERROR_CODES } as const;
export type ErrorCode = keyof typeof APP_ERROR_CODES | keyof typeof KERNEL_ERROR_CODES;

export function statusOf(code: string): number {
  return (ERROR_CODES as Record<string, { status: number }>)[code]?.status ?? 500;
}
