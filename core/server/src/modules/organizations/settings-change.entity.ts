import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { User } from '../users/entity.ts';
import { Organization } from './entity.ts';

/** The audit log of limit changes: one row per setting changed, with who changed it and when. */
export const OrganizationSettingsChangeSchema = defineEntity({
  name: 'OrganizationSettingsChange',
  tableName: 'organization_settings_changes',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** Null when the user was deleted since (the row stays) or for a change made by the system. */
    changedBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
    /** A key of LIMITS (`maxDomains`, …). */
    setting: p.string().length(64),
    oldValue: p.integer(),
    newValue: p.integer(),
  },
  indexes: [{ properties: ['organization', 'createdAt'] }],
});
export class OrganizationSettingsChange extends OrganizationSettingsChangeSchema.class {}
OrganizationSettingsChangeSchema.setClass(OrganizationSettingsChange);
