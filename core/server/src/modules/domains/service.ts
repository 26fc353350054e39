import { randomBytes } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { ExpectedRecord, Kernel } from '@portico/kernel';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { requireProject, requireRole, type Access, type AccessService } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import type { SettingsService } from '../organizations/settings.service.ts';
import { Project } from '../projects/entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { widgetMaySee } from '../widget/scope.ts';
import { Domain } from './entity.ts';
import { DomainEvent } from './event.entity.ts';
import { normalizeHostname } from './hostname.ts';
import { listDomains, type DomainListQuery } from './list-query.ts';
import { transition } from './transition.ts';
import { publishMappingsDeleted } from '../events/mapping-events.ts';

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  accessService: AccessService;
  settingsService: SettingsService;
  config: PorticoConfig;
}

export interface DomainUsage {
  count: number;
  projects: Array<{ id: string; name: string; slug: string }>;
}

async function usageOf(em: EntityManager, domain: Domain): Promise<DomainUsage> {
  const rows = await em.find(ProjectDomain, { domain: domain.id }, { populate: ['project'], orderBy: { project: { name: 'asc' }, createdAt: 'asc' } });
  return { count: rows.length, projects: rows.map((r) => ({ id: r.project.id, name: r.project.name, slug: r.project.slug })) };
}

export function createDomainService({ orm, kernel, accessService, settingsService, config }: Deps) {
  const instructions = (domain: Domain): ExpectedRecord[] => kernel.challenge(domain.method, { hostname: domain.hostname, token: domain.token });

  /** Project ids each domain is assigned to, in one query. */
  async function projectIdsOf(em: EntityManager, domains: Domain[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(domains.map((d) => [d.id, []]));
    if (domains.length === 0) return map;
    const rows = await em.find(ProjectDomain, { domain: { $in: domains.map((d) => d.id) } }, { orderBy: { createdAt: 'asc' } });
    for (const row of rows) map.get(row.domain.id)?.push(row.project.id);
    return map;
  }

  /**
   * Project ids each domain is assigned to, as `access` may see them: a caller bound to some projects learns only
   * of those, not of the organization's other projects a shared domain also serves.
   */
  async function visibleProjectIdsOf(em: EntityManager, domains: Domain[], access: Access): Promise<Map<string, string[]>> {
    const map = await projectIdsOf(em, domains);
    if (access.projectIds === null) return map;
    const mine = new Set(access.projectIds);
    return new Map([...map].map(([id, projectIds]) => [id, projectIds.filter((p) => mine.has(p))]));
  }

  return {
    instructions,
    projectIdsOf: (domains: Domain[], access: Access) => visibleProjectIdsOf(orm.em, domains, access),

    /**
     * Add a domain, optionally assigned to a project, inside the caller's transaction when `em` is given (the
     * project assignment endpoint creates several at once). Checks the quota and the one-active-claim-per-
     * organization rule; other organizations' claims on the hostname never block (see claims.ts).
     */
    async create(access: Access, input: { hostname: string; projectId?: string | null; method?: string; customerRef?: string | null; addedByWidget?: boolean }, outer?: EntityManager) {
      const hostname = normalizeHostname(input.hostname);
      const method = input.method ?? config.verification.defaultMethod;
      // In a transaction, so the quota check's row lock holds until the new domain is committed.
      const run = async (em: EntityManager) => {
        let project: Project | null = null;
        if (input.projectId) {
          project = await em.findOne(Project, { id: input.projectId, organization: access.organizationId });
          if (!project) throw notFound('Project');
        }
        requireProject(access, project?.id, 'Project');
        // Judged by the role in the target project, not the caller's strongest role elsewhere.
        requireRole(access, 'project_admin', project?.id);
        await settingsService.assertDomainQuota(access.organizationId, 1, em);
        const domain = em.create(Domain, {
          organization: em.getReference(Organization, access.organizationId),
          hostname,
          method,
          token: randomBytes(16).toString('hex'),
          customerRef: input.customerRef ?? null,
          addedByWidget: input.addedByWidget ?? false,
          status: undefined as never,
        });
        const records = instructions(domain); // raises VERIFY_METHOD_UNKNOWN before anything is written
        transition(em, domain, 'pending', 'created', { method });
        const settings = await settingsService.get(access.organizationId, em);
        domain.nextCheckAt = new Date(Date.now() + settings.autoRetryIntervalHours * 3_600_000);
        if (project) em.create(ProjectDomain, { project, domain });
        await em.flush();
        return { domain, instructions: records, projectIds: project ? [project.id] : [] };
      };
      try {
        return outer ? await run(outer) : await orm.em.transactional(run);
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) {
          // Only the organization's own active claim can collide: nothing here tells of other organizations'.
          throw new AppError('HOSTNAME_TAKEN', `Your organization already has ${hostname}; verify or delete that domain instead.`, { hostname });
        }
        throw error;
      }
    },

    /** One page of the caller's domains (search, status filter, sort, keyset cursor). */
    async list(access: Access, query: DomainListQuery) {
      const page = await listDomains(orm.em, access, query);
      return { ...page, projectIds: await visibleProjectIdsOf(orm.em, page.domains, access) };
    },

    /** A domain by id within the caller's scope; 404 for anything else (archived ones included). */
    async get(principal: Principal, domainId: string): Promise<{ domain: Domain; access: Access; projectIds: string[] }> {
      const domain = await orm.em.findOne(Domain, { id: domainId, status: { $ne: 'archived' } });
      if (!domain) throw notFound('Domain');
      const access = await accessService.forOrganization(principal, domain.organization.id).catch(() => {
        throw notFound('Domain');
      });
      const projectIds = (await visibleProjectIdsOf(orm.em, [domain], access)).get(domain.id)!;
      if (access.projectIds !== null && projectIds.length === 0) throw notFound('Domain');
      if (principal.kind === 'widget' && !widgetMaySee(principal, domain)) throw notFound('Domain');
      return { domain, access, projectIds };
    },

    events(domain: Domain): Promise<DomainEvent[]> {
      return orm.em.find(DomainEvent, { domain }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    },

    /**
     * The projects a domain serves (service mappings join them when routing lands), as `access` may see them:
     * a caller bound to some projects is told only about those.
     */
    async usage(domain: Domain, access: Access): Promise<DomainUsage> {
      const usage = await usageOf(orm.em, domain);
      if (access.projectIds === null) return usage;
      const projects = usage.projects.filter((p) => access.projectIds!.includes(p.id));
      return { count: projects.length, projects };
    },

    /**
     * Delete (archive) a domain: its assignments go, its history stays, its hostname is free again. A domain in
     * use needs the owner role and `confirm` equal to its hostname.
     */
    async archive(access: Access, domain: Domain, confirm: string | undefined, actor: string): Promise<DomainUsage> {
      requireRole(access, 'admin');
      return orm.em.transactional(async (em) => {
        // Locked before the usage is read, so no assignment slips in between the check and the delete (the
        // assignment endpoint reads domains FOR SHARE).
        const fresh = await em.findOne(Domain, { id: domain.id, status: { $ne: 'archived' } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!fresh) throw notFound('Domain');
        const usage = await usageOf(em, fresh);
        if (usage.count > 0) {
          if (access.role !== 'owner') {
            throw new AppError('FORBIDDEN', 'This domain is in use; only an organization owner can delete it.', { requiredRole: 'owner', usage });
          }
          if (confirm !== fresh.hostname) {
            throw new AppError('DOMAIN_IN_USE', `This domain is used by ${usage.count} project(s). Send confirm=${fresh.hostname} to delete it and its assignments.`, { usage });
          }
        }
        await publishMappingsDeleted(em, { domain: fresh.id }); // the assignments' delete cascades to them
        await em.nativeDelete(ProjectDomain, { domain: fresh });
        fresh.archivedAt = new Date();
        fresh.nextCheckAt = null;
        transition(em, fresh, 'archived', 'deleted', { actor, usage });
        await em.flush();
        return usage;
      });
    },
  };
}
export type DomainService = ReturnType<typeof createDomainService>;
