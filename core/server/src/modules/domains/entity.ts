import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { DnsCredential } from '../credentials/entity.ts';
import { Organization } from '../organizations/entity.ts';
import { ROUTES_CHANNEL } from '../routing/route-channel.ts';
import { DOMAIN_STATUSES } from './lifecycle.ts';

export const DomainSchema = defineEntity({
  name: 'Domain',
  tableName: 'domains',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** Normalised: A-label, lower case, no trailing dot. One active (not archived) claim per installation. */
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
    /** Confirmed misses in a row while verified/live; drift needs several, a checker error counts none. */
    consecutiveMisses: p.integer().default(0),
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
    archivedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'domains_active_hostname_unique', properties: ['hostname'], where: "status <> 'archived'" }],
  indexes: [{ properties: ['organization', 'createdAt'] }, { properties: ['nextCheckAt'] }],
  // A status change can open or close a domain's routes: the route tables reload its hosts.
  triggers: [
    {
      name: 'domains_notify_routes',
      timing: 'after',
      events: ['update'],
      forEach: 'row',
      // As PostgreSQL prints it back, so schema diffs see no change.
      when: '(old.status IS DISTINCT FROM new.status)',
      body: `perform pg_notify('${ROUTES_CHANNEL}', json_build_object('domain', new.id)::text);
  return null;`,
    },
  ],
});
export class Domain extends DomainSchema.class {}
DomainSchema.setClass(Domain);
