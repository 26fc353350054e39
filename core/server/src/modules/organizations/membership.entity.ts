import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Project } from '../projects/entity.ts';
import { User } from '../users/entity.ts';
import { Organization } from './entity.ts';

/** The four roles. Organization roles span every project; project roles need `project`. */
export const ROLES = ['owner', 'admin', 'project_admin', 'project_member'] as const;
export type Role = (typeof ROLES)[number];

export const MembershipSchema = defineEntity({
  name: 'Membership',
  tableName: 'memberships',
  properties: {
    ...baseColumns,
    user: () => p.manyToOne(User).deleteRule('cascade'),
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** Set for project_admin / project_member; null for organization roles. */
    project: () => p.manyToOne(Project).nullable().deleteRule('cascade'),
    role: p.enum(ROLES),
  },
  uniques: [{ properties: ['user', 'organization', 'project'] }],
});
export class Membership extends MembershipSchema.class {}
MembershipSchema.setClass(Membership);
