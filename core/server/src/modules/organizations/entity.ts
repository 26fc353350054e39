import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';

export const OrganizationSchema = defineEntity({
  name: 'Organization',
  tableName: 'organizations',
  properties: {
    ...baseColumns,
    name: p.string().length(120),
    slug: p.string().length(64).unique(),
  },
});
export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization);
