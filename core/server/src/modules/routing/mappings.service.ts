import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { publishMappingEvent } from '../events/mapping-events.ts';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { previewRoute, type Route } from '@portico/kernel';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { coveringHostnames, lockHostnames, routingClaim } from '../domains/claims.ts';
import { Domain } from '../domains/entity.ts';
import { ROUTABLE, type DomainStatus } from '../domains/lifecycle.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import type { SettingsService } from '../organizations/settings.service.ts';
import type { ProjectService } from '../projects/service.ts';
import { Project } from '../projects/entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import type { PROTOCOL_MODES, TLS_SOURCES } from './mapping.entity.ts';
import { ServiceDomainMapping } from './mapping.entity.ts';
import { Service } from './service.entity.ts';
import { SUGGESTED_BASE_PATHS, SUGGESTED_SUBDOMAINS, checkBasePath, checkInternalPath, checkPort, checkSubdomain, protocolNotice, type FieldIssue } from './validation.ts';

export { ROUTABLE } from '../domains/lifecycle.ts';

/** Statuses in which a domain may take new mappings: routable with its ownership not in doubt (not drifted). */
export const MAPPABLE: ReadonlySet<DomainStatus> = new Set([...ROUTABLE].filter((s) => s !== 'drifted'));

export interface MappingInput {
  serviceId: string;
  domainId: string;
  subdomain?: string | null;
  basePath?: string;
  internalPath?: string;
  internalPort?: number;
  stripPath?: boolean;
  protocol?: (typeof PROTOCOL_MODES)[number];
  redirectStatus?: 301 | 308;
  tlsSource?: (typeof TLS_SOURCES)[number];
  primary?: boolean;
}

export interface Availability {
  available: boolean;
  host: string;
  basePath: string;
  /**
   * The mapping holding host + base path, named only when it is in a project the caller may see; otherwise every
   * field is null (another project's or, transiently, another organization's mapping is never described).
   */
  conflict: { mappingId: string | null; serviceName: string | null; projectId: string | null } | null;
  suggestions: { basePaths: string[]; subdomains: string[] };
  issues: FieldIssue[];
}

const hostOf = (subdomain: string | null, hostname: string) => (subdomain ? `${subdomain}.${hostname}` : hostname);

/** Every field issue of a mapping: host and base path (from the availability check), internal path, port. */
function fieldIssues(result: Availability, internal: { issue?: FieldIssue }, port: number): FieldIssue[] {
  const portIssue = checkPort(port);
  return [...result.issues, ...(internal.issue ? [internal.issue] : []), ...(portIssue ? [portIssue] : [])];
}

/**
 * Service domain mappings: validated with suggestions, conflicts refused by the unique
 * (host, base path) index and explained with what holds the combination and what is free, across every project of
 * the organization. Every change notifies the route table of the hosts it touched.
 */
export function createMappingsService({ orm, projectService, settingsService }: { orm: MikroORM; projectService: ProjectService; settingsService: SettingsService }) {
  async function suggestions(em: EntityManager, hostname: string, subdomain: string | null, basePath: string) {
    const host = hostOf(subdomain, hostname);
    const used = new Set((await em.find(ServiceDomainMapping, { host }, { fields: ['basePath'] })).map((m) => m.basePath));
    const basePaths = SUGGESTED_BASE_PATHS.filter((p) => !used.has(p));
    const candidates = [...new Set([...(subdomain ? [`${subdomain}-2`] : []), ...SUGGESTED_SUBDOMAINS.filter((s) => s !== subdomain)])];
    const taken = new Set(
      (await em.find(ServiceDomainMapping, { host: { $in: candidates.map((s) => hostOf(s, hostname)) }, basePath }, { fields: ['host'] })).map((m) => m.host),
    );
    return { basePaths, subdomains: candidates.filter((s) => !taken.has(hostOf(s, hostname))) };
  }

  async function availability(em: EntityManager, access: Pick<Access, 'organizationId' | 'projectIds'>, domain: Domain, raw: { subdomain?: string | null; basePath?: string }, ignoreId?: string): Promise<Availability> {
    const sub = checkSubdomain(raw.subdomain);
    const base = checkBasePath(raw.basePath);
    const issues = [sub.issue, base.issue].filter((i): i is FieldIssue => i !== undefined);
    const host = hostOf(sub.value, domain.hostname);
    if (issues.length === 0) {
      // One hostname, one organization: a parent's verification never covers a host that another organization
      // holds by its own verified claim (the most specific held claim decides; see domains/claims.ts).
      const claim = await routingClaim(em, host);
      if (claim && claim.organization.id !== access.organizationId) {
        issues.push({
          field: 'subdomain',
          reason: 'claimed_separately',
          message: `${claim.hostname} is verified as a domain of its own, which ${domain.hostname} does not cover. Add ${claim.hostname} as a domain and verify it to route it.`,
        });
      }
    }
    const holder = issues.length ? null : await em.findOne(ServiceDomainMapping, { host, basePath: base.value, ...(ignoreId ? { id: { $ne: ignoreId } } : {}) }, { populate: ['service'] });
    const visible =
      holder !== null && holder.organization.id === access.organizationId && (access.projectIds === null || access.projectIds.includes(holder.project.id));
    return {
      available: issues.length === 0 && holder === null,
      host,
      basePath: base.value,
      conflict: holder
        ? visible
          ? { mappingId: holder.id, serviceName: holder.service.name, projectId: holder.project.id }
          : { mappingId: null, serviceName: null, projectId: null }
        : null,
      suggestions: await suggestions(em, domain.hostname, sub.value, base.value),
      issues,
    };
  }

  /** Hold the claim locks of the host a mapping write targets, so no verification changes who holds it meanwhile. */
  async function lockClaims(em: EntityManager, domain: Domain, subdomain: string | null | undefined): Promise<void> {
    const sub = checkSubdomain(subdomain);
    if (!sub.issue) await lockHostnames(em, coveringHostnames(hostOf(sub.value, domain.hostname)));
  }

  /**
   * The domain as assigned to the project. A domain of the organization that the caller may see but that is not
   * assigned to this project answers DOMAIN_NOT_IN_PROJECT naming the assignment call; one the caller may not see
   * (another organization's, or outside a project-limited caller's projects) answers 404 like any unknown id.
   */
  async function domainInProject(em: EntityManager, access: Pick<Access, 'organizationId' | 'projectIds'>, projectId: string, domainId: string): Promise<{ domain: Domain; projectDomain: ProjectDomain }> {
    const projectDomain = await em.findOne(ProjectDomain, { project: projectId, domain: domainId }, { populate: ['domain'] });
    if (projectDomain) return { domain: projectDomain.domain, projectDomain };
    const domain = await em.findOne(Domain, { id: domainId, organization: access.organizationId });
    const visible =
      domain !== null && (access.projectIds === null || (await em.count(ProjectDomain, { domain: domainId, project: { $in: access.projectIds } })) > 0);
    if (!domain || !visible) throw notFound('Domain');
    throw new AppError(
      'DOMAIN_NOT_IN_PROJECT',
      `${domain.hostname} is a domain of the organization but is not assigned to this project. Assign it first: POST /v1/projects/${projectId}/domains with {"hostnames":["${domain.hostname}"]}.`,
      { domainId: domain.id, hostname: domain.hostname, projectId },
    );
  }

  function conflictError(result: Availability): AppError {
    return new AppError('MAPPING_CONFLICT', `${result.host}${result.basePath === '/' ? '' : result.basePath} is already routed${result.conflict?.serviceName ? ` to service ${result.conflict.serviceName}` : ''}.`, {
      conflict: result.conflict,
      suggestions: result.suggestions,
    });
  }

  async function reach(principal: Principal, mappingId: string) {
    const mapping = await orm.em.fork().findOne(ServiceDomainMapping, { id: mappingId });
    if (!mapping) throw notFound('Mapping');
    const { access } = await projectService.get(principal, mapping.project.id).catch(() => {
      throw notFound('Mapping');
    });
    return { mapping, access };
  }

  /** Create a mapping in `project` on behalf of `access` (the caller's, or Portico's own for automatic mappings). */
  async function insert(project: Project, access: Pick<Access, 'organizationId' | 'projectIds'>, input: MappingInput): Promise<ServiceDomainMapping> {
    try {
      return await orm.em.fork().transactional(async (em) => {
        const service = await em.findOne(Service, { id: input.serviceId, project: project.id });
        if (!service) throw notFound('Service');
        const { domain, projectDomain } = await domainInProject(em, access, project.id, input.domainId);
        if (!MAPPABLE.has(domain.status as DomainStatus)) {
          throw new AppError('DOMAIN_NOT_ROUTABLE', `${domain.hostname} is ${domain.status}: only a verified domain can take new mappings.`, { status: domain.status });
        }
        await lockClaims(em, domain, input.subdomain);
        await settingsService.assertMappingQuota(project.organization.id, project.id, em);
        const result = await availability(em, access, domain, input);
        const internal = checkInternalPath(input.internalPath);
        const port = input.internalPort ?? service.upstreamPort;
        const issues = fieldIssues(result, internal, port);
        if (issues.length > 0) throw new AppError('ROUTING_INVALID', issues[0]!.message, { issues });
        if (!result.available) throw conflictError(result);
        if (input.primary) await em.nativeUpdate(ServiceDomainMapping, { service: service.id }, { primary: false });
        const mapping = em.create(ServiceDomainMapping, {
          organization: project.organization,
          project,
          service,
          projectDomain,
          domain,
          subdomain: checkSubdomain(input.subdomain).value,
          host: result.host,
          basePath: result.basePath,
          internalPath: internal.value,
          internalPort: port,
          // Without a base path there is nothing to strip.
          stripPath: result.basePath === '/' ? false : (input.stripPath ?? true),
          protocol: input.protocol ?? 'https',
          redirectStatus: input.redirectStatus ?? 308,
          tlsSource: input.tlsSource ?? 'acme',
          primary: input.primary ?? false,
        });
        publishMappingEvent(em, 'mapping.created', mapping);
        await em.flush();
        return mapping;
      });
    } catch (error) {
      // Two requests raced past the check: the unique index has the last word.
      if (error instanceof UniqueConstraintViolationException) {
        const em = orm.em.fork();
        const { domain } = await domainInProject(em, access, project.id, input.domainId);
        throw conflictError(await availability(em, access, domain, input));
      }
      throw error;
    }
  }

  return {
    reach,

    /** The real-time check: is this subdomain + base path free on the domain, and if not, what is. */
    async check(principal: Principal, projectId: string, input: { domainId: string; subdomain?: string | null; basePath?: string }): Promise<Availability> {
      const { project, access } = await projectService.get(principal, projectId);
      const em = orm.em.fork();
      const { domain } = await domainInProject(em, access, project.id, input.domainId);
      return availability(em, access, domain, input);
    },

    /**
     * The live preview of a draft mapping: the external URL, where it lands inside, what
     * is stripped, an example request, and whether the combination is free — through the kernel's
     * `previewRoute`, the function the edges' renderers follow, so the preview and the routing cannot disagree.
     */
    async preview(principal: Principal, projectId: string, input: MappingInput & { examplePath?: string }) {
      const { project, access } = await projectService.get(principal, projectId);
      const em = orm.em.fork();
      const service = await em.findOne(Service, { id: input.serviceId, project: project.id });
      if (!service) throw notFound('Service');
      const { domain } = await domainInProject(em, access, project.id, input.domainId);
      const result = await availability(em, access, domain, input);
      const internal = checkInternalPath(input.internalPath);
      const port = input.internalPort ?? service.upstreamPort;
      const issues = fieldIssues(result, internal, port);
      if (issues.length > 0) return { valid: false as const, issues, availability: result };
      const protocol = input.protocol ?? 'https';
      const stripPath = result.basePath === '/' ? false : (input.stripPath ?? true);
      const route: Route = { hostname: result.host.replace(/^\*\./, 'tenant.'), basePath: result.basePath, upstream: { host: service.upstreamHost, port, path: internal.value }, stripPath, protocol, redirectStatus: input.redirectStatus ?? 308 };
      const scheme = protocol === 'http' ? 'http' : 'https';
      const base = `${scheme}://${route.hostname}${result.basePath === '/' ? '' : result.basePath}`;
      const example = previewRoute([route], `${base}${input.examplePath ?? '/example?q=1'}`);
      const root = previewRoute([route], `${base}${result.basePath === '/' ? '/' : ''}`);
      return {
        valid: true as const,
        externalUrl: `${scheme}://${result.host}${result.basePath === '/' ? '/' : result.basePath}`,
        internalUrl: root.outcome === 'proxy' ? root.internalUrl : null,
        stripping: stripPath ? `Path ${result.basePath} will be stripped` : 'Path preserved',
        notice: protocolNotice(protocol),
        example: example as unknown as Record<string, unknown>,
        availability: result,
        issues: [],
      };
    },

    async create(principal: Principal, projectId: string, input: MappingInput): Promise<ServiceDomainMapping> {
      const { project, access } = await projectService.get(principal, projectId);
      requireRole(access, 'project_admin', project.id);
      return insert(project, access, input);
    },

    /**
     * A mapping Portico makes on its own (a widget-added domain mapped to the project's default service once
     * verified): validated, conflict-checked and counted against the quota exactly like one made through the API.
     */
    async createAutomatic(projectId: string, input: MappingInput): Promise<ServiceDomainMapping> {
      const project = await orm.em.fork().findOneOrFail(Project, { id: projectId });
      return insert(project, { organizationId: project.organization.id, projectIds: [project.id] }, input);
    },

    async list(principal: Principal, projectId: string): Promise<ServiceDomainMapping[]> {
      const { project } = await projectService.get(principal, projectId);
      return orm.em.fork().find(ServiceDomainMapping, { project: project.id }, { orderBy: { host: 'asc', basePath: 'asc' }, populate: ['service'] });
    },

    /** Change a mapping: the merged result is validated and conflict-checked as a new one would be (itself excepted). */
    async update(principal: Principal, mappingId: string, patch: Partial<Omit<MappingInput, 'domainId'>>): Promise<ServiceDomainMapping> {
      const { mapping, access } = await reach(principal, mappingId);
      requireRole(access, 'project_admin', mapping.project.id);
      try {
        return await orm.em.fork().transactional(async (em) => {
          const fresh = await em.findOneOrFail(ServiceDomainMapping, { id: mapping.id }, { populate: ['domain', 'service'] });
          const service = patch.serviceId ? await em.findOne(Service, { id: patch.serviceId, project: fresh.project.id }) : fresh.service;
          if (!service) throw notFound('Service');
          const merged = {
            subdomain: patch.subdomain === undefined ? fresh.subdomain : patch.subdomain,
            basePath: patch.basePath ?? fresh.basePath,
          };
          await lockClaims(em, fresh.domain, merged.subdomain);
          const result = await availability(em, access, fresh.domain, merged, fresh.id);
          const internal = checkInternalPath(patch.internalPath ?? fresh.internalPath);
          const port = patch.internalPort ?? fresh.internalPort;
          const issues = fieldIssues(result, internal, port);
          if (issues.length > 0) throw new AppError('ROUTING_INVALID', issues[0]!.message, { issues });
          if (!result.available) throw conflictError(result);
          if (patch.primary) await em.nativeUpdate(ServiceDomainMapping, { service: service.id, id: { $ne: fresh.id } }, { primary: false });
          em.assign(fresh, {
            service,
            subdomain: checkSubdomain(merged.subdomain).value,
            host: result.host,
            basePath: result.basePath,
            internalPath: internal.value,
            internalPort: port,
            stripPath: result.basePath === '/' ? false : (patch.stripPath ?? fresh.stripPath),
            protocol: patch.protocol ?? fresh.protocol,
            redirectStatus: patch.redirectStatus ?? fresh.redirectStatus,
            tlsSource: patch.tlsSource ?? fresh.tlsSource,
            primary: patch.primary ?? fresh.primary,
          });
          publishMappingEvent(em, 'mapping.updated', fresh);
          await em.flush();
          return fresh;
        });
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) throw new AppError('MAPPING_CONFLICT', 'That host and base path were taken meanwhile.', {});
        throw error;
      }
    },

    async remove(principal: Principal, mappingId: string): Promise<void> {
      const { mapping, access } = await reach(principal, mappingId);
      requireRole(access, 'project_admin', mapping.project.id);
      await orm.em.fork().transactional(async (em) => {
        const gone = await em.findOne(ServiceDomainMapping, { id: mapping.id }, { populate: ['domain'] });
        if (gone) publishMappingEvent(em, 'mapping.deleted', gone);
        await em.nativeDelete(ServiceDomainMapping, { id: mapping.id });
      });
    },
  };
}
export type MappingsService = ReturnType<typeof createMappingsService>;
