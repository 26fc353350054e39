import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { ApiKey } from '../api-keys/entity.ts';
import { DnsCredential } from '../credentials/entity.ts';
import { Domain } from '../domains/entity.ts';
import { transition } from '../domains/transition.ts';
import type { EdgeService } from '../edges/service.ts';
import { Invitation } from '../invitations/entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { ROUTES_CHANNEL } from '../routing/route-channel.ts';
import { User } from '../users/entity.ts';
import { WidgetToken } from '../widget/entity.ts';
import { accessOf, MEMBER_COLUMNS, memberJoin, memberOf, requireRole, splitMemberships, type AccessService, type MemberColumns } from './access.ts';
import { Organization } from './entity.ts';
import { Membership, type Role } from './membership.entity.ts';
import { OrganizationSettings } from './settings.entity.ts';

interface Deps {
  orm: MikroORM;
  accessService: AccessService;
  edgeService: EdgeService;
  config: Pick<PorticoConfig, 'accounts'>;
}

/** Who did it, as domain history records it. */
export const actorOf = (principal: Principal): string =>
  principal.kind === 'user' ? `user ${principal.userId}` : principal.kind === 'api_key' ? `API key ${principal.keyId}` : `widget token ${principal.tokenId}`;

/**
 * Tenant names (organization and project slugs) appear in what edges are given (file names, router names), so a
 * slug change reloads every process's route table (a payload the listeners do not parse means "reload all") and
 * queues a reconcile of every edge.
 */
export async function tenantNamesChanged(em: EntityManager, edgeService: EdgeService, what: { organization?: string; project?: string }): Promise<void> {
  await em.getConnection().execute('select pg_notify(?, ?)', [ROUTES_CHANNEL, JSON.stringify({ renamed: what })]);
  await edgeService.requestSync();
}

/** Create an organization owned by `userId`, with its settings row, inside `em`. CONFLICT when the slug is taken. */
export async function createOrganization(em: EntityManager, input: { name: string; slug: string; ownerId: string }): Promise<Organization> {
  if (await em.count(Organization, { slug: input.slug })) throw new AppError('CONFLICT', `An organization with slug "${input.slug}" already exists.`, { field: 'slug' });
  const organization = em.create(Organization, { name: input.name, slug: input.slug, deletedAt: null });
  em.create(OrganizationSettings, { organization });
  em.create(Membership, { user: em.getReference(User, input.ownerId), organization, role: 'owner', project: null });
  return organization;
}

export function createOrganizationService({ orm, accessService, edgeService, config }: Deps) {
  return {
    /** The caller's organizations, with the caller's role in each. */
    async listMine(principal: Principal): Promise<Array<{ organization: Organization; role: Role }>> {
      const roles = new Map((await accessService.inEveryOrganization(principal)).map((access) => [access.organizationId, access.role]));
      const organizations = await orm.em.find(Organization, { id: { $in: [...roles.keys()] }, deletedAt: null }, { orderBy: { name: 'asc' } });
      return organizations.map((organization) => ({ organization, role: roles.get(organization.id)! }));
    },

    /** An organization of the caller's with the caller's role, from one read (the row with the caller's memberships). */
    async get(principal: Principal, organizationId: string) {
      const read = splitMemberships(
        await orm.em.execute<Array<{ deleted_at: unknown } & MemberColumns>>(`select o.*, ${MEMBER_COLUMNS} from organizations o ${memberJoin('o.id')} where o.id = ?`, [memberOf(principal), organizationId]),
      );
      const access = accessOf(principal, organizationId, read?.memberships ?? []);
      if (!read || read.columns.deleted_at !== null) throw notFound('Organization');
      return { organization: orm.em.map(Organization, read.columns), role: access.role };
    },

    /**
     * A new organization owned by the signed-in caller. Allowed when sign-up is open (anyone may have one then) or
     * the caller is an instance operator; otherwise FORBIDDEN (organizations come from sign-up or the operator).
     */
    async create(principal: Principal, input: { name: string; slug: string }): Promise<{ organization: Organization; role: Role }> {
      if (principal.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Creating an organization needs a console session.');
      if (config.accounts.signup !== 'open' && !(await accessService.isOperator(principal))) {
        throw new AppError('FORBIDDEN', 'Only instance operators create organizations on this installation (sign-up is not open).', { requiredRole: 'operator' });
      }
      const organization = await orm.em.transactional(async (em) => {
        const created = await createOrganization(em, { ...input, ownerId: principal.userId });
        await em.flush();
        return created;
      });
      return { organization, role: 'owner' };
    },

    /** Rename (admin or owner) and change the slug (owner only; the edges are reconciled with the new name). */
    async update(principal: Principal, organizationId: string, input: { name?: string; slug?: string }): Promise<{ organization: Organization; role: Role }> {
      const access = await accessService.forOrganization(principal, organizationId);
      requireRole(access, input.slug === undefined ? 'admin' : 'owner');
      let slugChanged = false;
      const organization = await orm.em.transactional(async (em) => {
        const org = await em.findOne(Organization, { id: organizationId, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!org) throw notFound('Organization');
        if (input.slug !== undefined && input.slug !== org.slug) {
          if (await em.count(Organization, { slug: input.slug })) throw new AppError('CONFLICT', `An organization with slug "${input.slug}" already exists.`, { field: 'slug' });
          org.slug = input.slug;
          slugChanged = true;
        }
        if (input.name !== undefined) org.name = input.name;
        await em.flush();
        return org;
      });
      if (slugChanged) await tenantNamesChanged(orm.em, edgeService, { organization: organizationId });
      return { organization, role: access.role };
    },

    /**
     * Delete an organization (owner, with `confirm` equal to its slug). In one transaction: every domain is archived
     * (its assignments and mappings go, so its routes leave the edges), and the members, pending invitations, API
     * keys, widget tokens and stored DNS credentials are removed. The row stays, marked deleted, with its slug freed.
     */
    async remove(principal: Principal, organizationId: string, confirm: string | undefined): Promise<{ archivedDomains: number }> {
      const access = await accessService.forOrganization(principal, organizationId);
      requireRole(access, 'owner');
      const actor = actorOf(principal);
      const archivedDomains = await orm.em.transactional(async (em) => {
        const org = await em.findOne(Organization, { id: organizationId, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!org) throw notFound('Organization');
        if (confirm !== org.slug) {
          throw new AppError('CONFIRMATION_REQUIRED', `Deleting the organization archives its domains and removes its members and keys. Send confirm=${org.slug} to go ahead.`, { expected: 'slug' });
        }
        const domains = await em.find(Domain, { organization: org, status: { $ne: 'archived' } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (domains.length > 0) await em.nativeDelete(ProjectDomain, { domain: { $in: domains.map((d) => d.id) } });
        for (const domain of domains) {
          domain.archivedAt = new Date();
          domain.nextCheckAt = null;
          transition(em, domain, 'archived', 'deleted', { actor, reason: 'organization deleted' });
        }
        await em.flush();
        await em.nativeDelete(WidgetToken, { organization: org });
        await em.nativeDelete(ApiKey, { organization: org });
        await em.nativeDelete(DnsCredential, { organization: org });
        await em.nativeDelete(Invitation, { organization: org, acceptedAt: null });
        await em.nativeDelete(Membership, { organization: org });
        org.deletedAt = new Date();
        org.slug = `deleted-${org.id}`;
        await em.flush();
        return domains.length;
      });
      await edgeService.requestSync();
      return { archivedDomains };
    },
  };
}
export type OrganizationService = ReturnType<typeof createOrganizationService>;
