import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
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
    archivedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'domains_active_hostname_unique', properties: ['hostname'], where: "status <> 'archived'" }],
  indexes: [{ properties: ['organization', 'createdAt'] }, { properties: ['nextCheckAt'] }],
});
export class Domain extends DomainSchema.class {}
DomainSchema.setClass(Domain);
