import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
import { ROLES } from '../organizations/membership.entity.ts';
import { User } from '../users/entity.ts';

/**
 * An invitation to join an organization with a role (project roles name their projects). The link's token is
 * shown once, in the email; only its SHA-256 is stored (it carries 256 bits of randomness). It works once, until
 * `expiresAt`, unless revoked.
 */
export const InvitationSchema = defineEntity({
  name: 'Invitation',
  tableName: 'invitations',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** Lower-cased; the account accepting must have this address. */
    email: p.string().length(254),
    role: p.enum(ROLES),
    /** For project_admin / project_member: the projects the role applies to; empty for organization roles. */
    projectIds: p.array().default([]),
    tokenHash: p.string().length(64).unique().hidden(),
    expiresAt: p.datetime(),
    invitedBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
    acceptedAt: p.datetime().nullable(),
    acceptedBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
    revokedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['organization', 'email'] }],
});
export class Invitation extends InvitationSchema.class {}
InvitationSchema.setClass(Invitation);
