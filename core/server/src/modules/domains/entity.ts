import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import { DOMAIN_STATUSES } from './lifecycle.ts';

export const DomainSchema = defineEntity({
  name: 'Domain',
  tableName: 'domains',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).nullable().deleteRule('set null'),
    /** Normalised: A-label, lower case, no trailing dot. One active claim per installation. */
    hostname: p.string().length(253).unique(),
    status: p.enum(DOMAIN_STATUSES),
    /** Verification method key (`dns-txt`). */
    method: p.string().length(64),
    /** Random token the verification proof must carry. */
    token: p.string().length(64),
    statusMessage: p.text().nullable(),
    verifiedAt: p.datetime().nullable(),
    lastCheckedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['organization', 'createdAt'] }],
});
export class Domain extends DomainSchema.class {}
DomainSchema.setClass(Domain);
