import type { MikroORM } from '@mikro-orm/postgresql';
import type { ExpectedRecord } from '@portico/kernel';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { Domain } from '../domains/entity.ts';
import { normalizeHostname } from '../domains/hostname.ts';
import type { DomainService } from '../domains/service.ts';
import { requireRole } from '../organizations/access.ts';
import { ProjectDomain } from './project-domain.entity.ts';
import type { ProjectService } from './service.ts';

/** Statuses a project admin may assign: ownership is proven. */
const ASSIGNABLE: ReadonlySet<string> = new Set(['verified', 'propagating', 'issuing', 'deploying', 'live']);

export interface AssignmentResult {
  /** Existing organization domains now assigned to the project. */
  assigned: Domain[];
  /** New domains created pending, with the records to publish. */
  created: Array<{ domain: Domain; instructions: ExpectedRecord[] }>;
  /** Domains that were already assigned (seed 002 FR-026: reported, not an error). */
  alreadyAssigned: Domain[];
}

/**
 * Assign domains to a project in one request (seed 002 FR-001–FR-007): existing organization domains are
 * assigned, new hostnames are created pending; all in one transaction, so a bad entry or the quota leaves
 * nothing half done.
 */
export function createAssignmentService({ orm, projectService, domainService }: { orm: MikroORM; projectService: ProjectService; domainService: DomainService }) {
  return {
    async assign(principal: Principal, projectId: string, input: { hostnames: string[]; method?: string }): Promise<AssignmentResult> {
      const { project, access } = await projectService.get(principal, projectId);
      requireRole(access, 'project_admin', project.id);
      const hostnames = [...new Set(input.hostnames.map(normalizeHostname))];
      return orm.em.transactional(async (em) => {
        const result: AssignmentResult = { assigned: [], created: [], alreadyAssigned: [] };
        const existing = await em.find(Domain, { organization: access.organizationId, hostname: { $in: hostnames }, status: { $ne: 'archived' } });
        const links = await em.find(ProjectDomain, { project, domain: { $in: existing.map((d) => d.id) } });
        const linked = new Set(links.map((l) => l.domain.id));
        for (const hostname of hostnames) {
          const domain = existing.find((d) => d.hostname === hostname);
          if (!domain) {
            const made = await domainService.create(access, { hostname, projectId: project.id, method: input.method }, em);
            result.created.push({ domain: made.domain, instructions: made.instructions });
          } else if (linked.has(domain.id)) {
            result.alreadyAssigned.push(domain);
          } else if (!ASSIGNABLE.has(domain.status) && access.role !== 'owner' && access.role !== 'admin') {
            // seed 002 FR-057: project admins assign verified organization domains; unverified ones are the admins' call.
            throw new AppError('FORBIDDEN', `${hostname} is not verified yet; an organization admin can assign it.`, { requiredRole: 'admin', hostname, status: domain.status });
          } else {
            em.create(ProjectDomain, { project, domain });
            result.assigned.push(domain);
          }
        }
        await em.flush();
        return result;
      });
    },

    async unassign(principal: Principal, projectId: string, domainId: string): Promise<void> {
      const { project, access } = await projectService.get(principal, projectId);
      requireRole(access, 'project_admin', project.id);
      const deleted = await orm.em.nativeDelete(ProjectDomain, { project, domain: domainId });
      if (!deleted) throw notFound('Domain');
    },

    async list(principal: Principal, projectId: string): Promise<Domain[]> {
      const { project } = await projectService.get(principal, projectId);
      const rows = await orm.em.find(ProjectDomain, { project }, { populate: ['domain'], orderBy: { domain: { hostname: 'asc' } } });
      return rows.map((r) => r.domain).filter((d) => d.status !== 'archived');
    },
  };
}
export type AssignmentService = ReturnType<typeof createAssignmentService>;
