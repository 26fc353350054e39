import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';

export const OrganizationSchema = defineEntity({
  name: 'Organization',
  tableName: 'organizations',
  properties: {
    ...baseColumns,
    name: p.string().length(120),
    slug: p.string().length(64).unique(),
    /**
     * Set when the organization was deleted: its domains were archived, its members, keys and tokens removed; the
     * row stays (with a freed slug) so history and audit keep a name to point at.
     */
    deletedAt: p.datetime().nullable(),
  },
});
export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization);
