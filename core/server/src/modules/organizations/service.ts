import type { MikroORM } from '@mikro-orm/postgresql';
import type { Principal } from '../../http/principal.ts';
import type { AccessService } from './access.ts';
import type { Role } from './membership.entity.ts';
import { Organization } from './entity.ts';

export function createOrganizationService({ orm, accessService }: { orm: MikroORM; accessService: AccessService }) {
  return {
    /** The caller's organizations, with the caller's role in each. */
    async listMine(principal: Principal): Promise<Array<{ organization: Organization; role: Role }>> {
      const ids = await accessService.organizationIds(principal);
      const organizations = await orm.em.find(Organization, { id: { $in: ids } }, { orderBy: { name: 'asc' } });
      return Promise.all(
        organizations.map(async (organization) => ({
          organization,
          role: (await accessService.forOrganization(principal, organization.id)).role,
        })),
      );
    },

    async get(principal: Principal, organizationId: string) {
      const access = await accessService.forOrganization(principal, organizationId);
      const organization = await orm.em.findOneOrFail(Organization, { id: organizationId });
      return { organization, role: access.role };
    },
  };
}
export type OrganizationService = ReturnType<typeof createOrganizationService>;
