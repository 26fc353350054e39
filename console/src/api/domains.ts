/**
 * The domains area's calls (list, detail, connect and bulk pages all use these). Types come from the generated
 * schema; each function returns the answer's data or throws an `ApiError`.
 */
import { call, client, type paths, type Schemas } from './client';

export type Domain = Schemas['Domain'];
export type DomainListItem = Schemas['DomainListItem'];
export type DomainEvent = Schemas['DomainEvent'];
export type DomainUsage = Schemas['DomainUsage'];
export type DomainCheck = Schemas['DomainCheck'];
export type DomainBulkResult = Schemas['DomainBulkResult'];
export type Certificate = Schemas['Certificate'];
export type DnsDiff = Schemas['DnsDiff'];
export type DnsPlan = Schemas['DnsPlan'];

export type DomainListQuery = NonNullable<paths['/v1/organizations/{organizationId}/domains']['get']['parameters']['query']>;
export type DomainListPage = Awaited<ReturnType<typeof listDomains>>;
export type CreateDomainInput = NonNullable<paths['/v1/organizations/{organizationId}/domains']['post']['requestBody']>['content']['application/json'];
export type CheckDomainInput = NonNullable<paths['/v1/domains:check']['post']['requestBody']>['content']['application/json'];
export type DnsPlanQuery = NonNullable<paths['/v1/domains/{domainId}/dns-plan']['get']['parameters']['query']>;
export type DnsSetupInput = NonNullable<paths['/v1/domains/{domainId}/dns-setup']['post']['requestBody']>['content']['application/json'];
export type BulkInput = NonNullable<paths['/v1/organizations/{organizationId}/domains:bulk']['post']['requestBody']>['content']['application/json'];
export type BulkAction = BulkInput['action'];

const domainPath = (domainId: string) => ({ params: { path: { domainId } } });

/** One page of the organization's domains (search `q`, `status` comma-separated, `sort`, keyset `cursor`, `limit`). */
export const listDomains = (organizationId: string, query: DomainListQuery = {}) =>
  call(client.GET('/v1/organizations/{organizationId}/domains', { params: { path: { organizationId }, query } }));

/** Add a domain; the answer holds the records to create. */
export const createDomain = (organizationId: string, body: CreateDomainInput) =>
  call(client.POST('/v1/organizations/{organizationId}/domains', { params: { path: { organizationId } }, body }));

/** Check a hostname before adding it: zone, provider, whether automatic setup is possible, the records. */
export const checkDomain = (body: CheckDomainInput) => call(client.POST('/v1/domains:check', { body }));

export const getDomain = (domainId: string) => call(client.GET('/v1/domains/{domainId}', domainPath(domainId)));

/** The status history, oldest first. */
export const getDomainEvents = async (domainId: string) => (await call(client.GET('/v1/domains/{domainId}/events', domainPath(domainId)))).data;

/** Which projects use the domain (shown before deleting it). */
export const getDomainUsage = (domainId: string) => call(client.GET('/v1/domains/{domainId}/usage', domainPath(domainId)));

/** Verify now (202); VERIFICATION_RATE_LIMITED carries `retryAfterSeconds`. */
export const verifyDomain = (domainId: string) => call(client.POST('/v1/domains/{domainId}/verify', domainPath(domainId)));

/** Delete (archive); a domain in use needs the owner role and `confirm` equal to its hostname (DOMAIN_IN_USE). */
export const deleteDomain = (domainId: string, confirm?: string) =>
  call(client.DELETE('/v1/domains/{domainId}', { params: { path: { domainId }, query: confirm === undefined ? {} : { confirm } } }));

export const getDomainCertificates = async (domainId: string) => (await call(client.GET('/v1/domains/{domainId}/certificates', domainPath(domainId)))).data;

/** Obtain or renew certificates now (202); every mapped host unless `hostname` is given. */
export const requestDomainCertificates = (domainId: string, hostname?: string) =>
  call(client.POST('/v1/domains/{domainId}/certificates', { ...domainPath(domainId), body: hostname ? { hostname } : {} }));

/** The records the domain needs against what its authoritative DNS servers answer now. */
export const getDnsDiff = (domainId: string) => call(client.GET('/v1/domains/{domainId}/dns-diff', domainPath(domainId)));

/** Dry run of automatic setup with a credential or provider. */
export const getDnsPlan = (domainId: string, query: DnsPlanQuery = {}) =>
  call(client.GET('/v1/domains/{domainId}/dns-plan', { params: { path: { domainId }, query } }));

/** Start automatic setup (202). */
export const startDnsSetup = (domainId: string, body: DnsSetupInput) => call(client.POST('/v1/domains/{domainId}/dns-setup', { ...domainPath(domainId), body }));

/** Verify or delete up to 100 domains at once; one result per distinct id. */
export const bulkDomains = async (organizationId: string, body: BulkInput) =>
  (await call(client.POST('/v1/organizations/{organizationId}/domains:bulk', { params: { path: { organizationId } }, body }))).results;

/** The phrase that confirms a bulk delete of domains in use (the server checks the same text). */
export const bulkDeleteConfirmation = (count: number): string => `delete ${count} domain${count === 1 ? '' : 's'}`;
