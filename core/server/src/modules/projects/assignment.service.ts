import { LockMode } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ExpectedRecord } from '@portico/kernel';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { Domain } from '../domains/entity.ts';
import { normalizeHostname } from '../domains/hostname.ts';
import type { DomainService } from '../domains/service.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import type { SettingsService } from '../organizations/settings.service.ts';
import { Project } from './entity.ts';
import { ProjectDomain } from './project-domain.entity.ts';
import type { ProjectService } from './service.ts';
import { publishMappingsDeleted } from '../events/mapping-events.ts';

/** Statuses a project admin may assign: ownership is proven. */
const ASSIGNABLE: ReadonlySet<string> = new Set(['verified', 'propagating', 'issuing', 'deploying', 'live']);

export interface AssignmentResult {
  /** Existing organization domains now assigned to the project. */
  assigned: Domain[];
  /** New domains created pending, with the records to publish. */
  created: Array<{ domain: Domain; instructions: ExpectedRecord[] }>;
  /** Domains that were already assigned: reported, not an error. */
  alreadyAssigned: Domain[];
}

/**
 * Assign domains to a project in one request: existing organization domains are
 * assigned, new hostnames are created pending; all in one transaction, so a bad entry or the quota leaves
 * nothing half done.
 */
export function createAssignmentService({
  orm,
  projectService,
  domainService,
  settingsService,
}: {
  orm: MikroORM;
  projectService: ProjectService;
  domainService: DomainService;
  settingsService: SettingsService;
}) {
  return {
    async assign(principal: Principal, projectId: string, input: { hostnames: string[]; method?: string }): Promise<AssignmentResult & { access: Access }> {
      const { project, access } = await projectService.get(principal, projectId);
      requireRole(access, 'project_admin', project.id);
      const hostnames = [...new Set(input.hostnames.map(normalizeHostname))];
      return orm.em.transactional(async (em) => {
        // FOR SHARE: a concurrent delete (archive) of one of these domains waits for this batch, and this batch
        // waits for it — then an archived domain is no longer found here and its hostname counts as new.
        const existing = await em.find(
          Domain,
          { organization: access.organizationId, hostname: { $in: hostnames }, status: { $ne: 'archived' } },
          { lockMode: LockMode.PESSIMISTIC_READ },
        );
        const links = await em.find(ProjectDomain, { project: project.id, domain: { $in: existing.map((d) => d.id) } });
        const linked = new Set(links.map((l) => l.domain.id));
        const byHostname = new Map(existing.map((d) => [d.hostname, d]));
        const found = hostnames.map((h) => byHostname.get(h)).filter((d): d is Domain => d !== undefined);
        const toAssign = found.filter((d) => !linked.has(d.id));
        const fresh = hostnames.filter((h) => !byHostname.has(h));

        // Every check before any write: permissions, then the quota for the whole batch (against what is used
        // before it, so the error reports the organization's real usage).
        for (const domain of toAssign) {
          if (!ASSIGNABLE.has(domain.status) && access.role !== 'owner' && access.role !== 'admin') {
            // Project admins assign verified organization domains; unverified ones are the admins' call.
            throw new AppError('FORBIDDEN', `${domain.hostname} is not verified yet; an organization admin can assign it.`, {
              requiredRole: 'admin',
              hostname: domain.hostname,
              status: domain.status,
            });
          }
        }
        if (fresh.length > 0) await settingsService.assertDomainQuota(access.organizationId, fresh.length, em);

        const result: AssignmentResult = { assigned: toAssign, created: [], alreadyAssigned: found.filter((d) => linked.has(d.id)) };
        for (const domain of toAssign) em.create(ProjectDomain, { project: em.getReference(Project, project.id), domain });
        await em.flush();
        for (const hostname of fresh) {
          const made = await domainService.create(access, { hostname, projectId: project.id, method: input.method }, em);
          result.created.push({ domain: made.domain, instructions: made.instructions });
        }
        return { ...result, access };
      });
    },

    async unassign(principal: Principal, projectId: string, domainId: string): Promise<void> {
      const { project, access } = await projectService.get(principal, projectId);
      requireRole(access, 'project_admin', project.id);
      await orm.em.fork().transactional(async (em) => {
        await publishMappingsDeleted(em, { project: project.id, domain: domainId }); // the assignment's delete cascades to them
        const deleted = await em.nativeDelete(ProjectDomain, { project: project.id, domain: domainId });
        if (!deleted) throw notFound('Domain');
        await em.flush();
      });
    },

    /** The project's domains (not archived), by hostname, with the caller's access. */
    async list(principal: Principal, projectId: string): Promise<{ domains: Domain[]; access: Access }> {
      const { project, access } = await projectService.get(principal, projectId);
      const rows = await orm.em.find(ProjectDomain, { project }, { populate: ['domain'], orderBy: { domain: { hostname: 'asc' } } });
      return { domains: rows.map((r) => r.domain).filter((d) => d.status !== 'archived'), access };
    },
  };
}
export type AssignmentService = ReturnType<typeof createAssignmentService>;
