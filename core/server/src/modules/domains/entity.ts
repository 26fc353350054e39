import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { DnsCredential } from '../credentials/entity.ts';
import { Organization } from '../organizations/entity.ts';
import { ROUTES_CHANNEL } from '../routing/route-channel.ts';
import { CLAIM_HELD, DOMAIN_STATUSES, ROUTABLE } from './lifecycle.ts';

/** `status` entering or leaving `set`, in a trigger's WHEN. */
const entersOrLeaves = (set: ReadonlySet<string>): string => {
  const anyOf = (column: string) => `${column} = ANY (ARRAY[${[...set].map((s) => `'${s}'::text`).join(', ')}])`;
  return `((${anyOf('old.status')}) <> (${anyOf('new.status')}))`;
};
/** The route trigger's condition, as PostgreSQL prints it back (so schema diffs see no change). */
const ROUTE_STATUS_CHANGED = `(${entersOrLeaves(ROUTABLE)} OR ${entersOrLeaves(CLAIM_HELD)})`;

export const DomainSchema = defineEntity({
  name: 'Domain',
  tableName: 'domains',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /**
     * Normalised: A-label, lower case, no trailing dot. Each organization has at most one active (not archived)
     * claim on a hostname; across organizations, at most one claim holds it (see claims.ts).
     */
    hostname: p.string().length(253),
    status: p.enum(DOMAIN_STATUSES),
    /** Verification method key (`dns-txt`). */
    method: p.string().length(64),
    /** Random token the verification proof must carry. */
    token: p.string().length(64),
    statusMessage: p.text().nullable(),
    verifiedAt: p.datetime().nullable(),
    lastCheckedAt: p.datetime().nullable(),
    /** Last "verify now" by a person: the per-domain rate limit counts from here (automatic checks are exempt). */
    lastManualCheckAt: p.datetime().nullable(),
    /** Automatic re-checks of a temporary failure so far; past the organization's limit the domain stalls. */
    autoRetryCount: p.integer().default(0),
    /** When the next automatic check is due (retry of a temporary failure, or the watch of a verified domain). */
    nextCheckAt: p.datetime().nullable(),
    /** Confirmed misses in a row while watched; drift needs several, and a checker error in between starts the count again. */
    consecutiveMisses: p.integer().default(0),
    /** Checker errors in a row (Portico could not check): they set the retry backoff and never count against the customer. */
    checkErrorCount: p.integer().default(0),
    /** When the status last changed: the deadline sweep moves a domain on when it has sat in a status too long. */
    statusChangedAt: p.datetime().onCreate(() => new Date()).defaultRaw('current_timestamp'),
    /** How the records get written: by hand (instructions), through a stored credential, or by Domain Connect consent. */
    setupMode: p.enum(['manual', 'api', 'domain-connect'] as const).default('manual'),
    /** The DNS provider key automatic setup used (`powerdns`, `domainconnect`). */
    dnsProvider: p.string().length(64).nullable(),
    /** The credential automatic setup uses; cleared when the credential is deleted. */
    dnsCredential: () => p.manyToOne(DnsCredential).nullable().deleteRule('set null'),
    /** The zone the records were written to (found by zone discovery when setup started). */
    dnsZone: p.string().length(253).nullable(),
    /** When the records were written (or consent was asked for): the propagation watch gives up after a while. */
    propagationStartedAt: p.datetime().nullable(),
    /** Domain Connect: where to send the user to agree to the change. */
    setupRedirectUrl: p.text().nullable(),
    /** The SaaS's own reference for the customer who connects the domain (set through the widget or the API); every event of the domain carries it. */
    customerRef: p.string().length(200).nullable(),
    /** Added through the Connect widget (a widget token): the project's default service, when set, is mapped to it once verified. */
    addedByWidget: p.boolean().default(false),
    archivedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [
    { name: 'domains_organization_hostname_unique', properties: ['organization', 'hostname'], where: "status <> 'archived'" },
    // Pending claims of several organizations may coexist; only one may hold the hostname (ownership proven).
    { name: 'domains_claimed_hostname_unique', properties: ['hostname'], where: `status in (${[...CLAIM_HELD].map((s) => `'${s}'`).join(', ')})` },
  ],
  indexes: [
    { properties: ['organization', 'createdAt'] },
    { properties: ['nextCheckAt'] },
    { properties: ['status', 'statusChangedAt'] },
    // Substring search (`?q=`) by trigrams; made only where the pg_trgm extension could be created (see its migration).
    { name: 'domains_hostname_trgm_index', expression: 'create index "domains_hostname_trgm_index" on "domains" using gin ("hostname" gin_trgm_ops)' },
  ],
  // A status change that opens or closes a domain's routes (it enters or leaves ROUTABLE), or makes its claim hold
  // or release the hostname (CLAIM_HELD: carved out of another organization's wildcard), makes the route tables
  // reload its hosts. Other moves (pending → verifying, verified → deploying…) change nothing in the tables.
  triggers: [
    {
      name: 'domains_notify_routes',
      timing: 'after',
      events: ['update'],
      forEach: 'row',
      when: ROUTE_STATUS_CHANGED,
      body: `perform pg_notify('${ROUTES_CHANNEL}', json_build_object('domain', new.id)::text);
  return null;`,
    },
  ],
});
export class Domain extends DomainSchema.class {}
DomainSchema.setClass(Domain);
