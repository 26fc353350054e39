import type { MikroORM } from '@mikro-orm/postgresql';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import type { ProjectService } from '../projects/service.ts';
import { Project } from '../projects/entity.ts';
import { publishMappingsDeleted } from '../events/mapping-events.ts';
import { Service } from './service.entity.ts';
import { checkPort, checkUpstreamHost, compileUpstreamPolicy, type FieldIssue } from './validation.ts';

export interface ServiceInput {
  name: string;
  upstreamHost: string;
  upstreamPort: number;
}

/**
 * Services of a project: CRUD; deleting one removes its mappings (by foreign key). The upstream
 * host and port are checked on every write that sets them (validation.ts, with the operator's `routing.upstreams`);
 * rows stored before a rule existed are served as they are until their upstream is changed.
 */
export function createServicesService({ orm, projectService, config }: { orm: MikroORM; projectService: ProjectService; config: PorticoConfig }) {
  const policy = compileUpstreamPolicy(config.routing.upstreams);
  async function reach(principal: Principal, serviceId: string): Promise<{ service: Service; access: Access }> {
    const em = orm.em.fork();
    const service = await em.findOne(Service, { id: serviceId });
    if (!service) throw notFound('Service');
    const { access } = await projectService.get(principal, service.project.id).catch(() => {
      throw notFound('Service');
    });
    return { service, access };
  }

  /** The input with its upstream host normalised, or ROUTING_INVALID naming every field that breaks its rule. */
  const checked = <T extends Partial<ServiceInput>>(input: T): T => {
    const issues: FieldIssue[] = [];
    let upstreamHost = input.upstreamHost;
    if (upstreamHost !== undefined) {
      const host = checkUpstreamHost(upstreamHost, policy);
      if (host.issue) issues.push(host.issue);
      upstreamHost = host.value;
    }
    if (input.upstreamPort !== undefined) {
      const issue = checkPort(input.upstreamPort);
      if (issue) issues.push({ ...issue, field: 'upstreamPort' });
    }
    if (issues.length > 0) throw new AppError('ROUTING_INVALID', issues.map((issue) => issue.message).join(' '), { issues });
    return upstreamHost === undefined ? input : { ...input, upstreamHost };
  };

  return {
    reach,

    async create(principal: Principal, projectId: string, input: ServiceInput): Promise<Service> {
      const { project, access } = await projectService.get(principal, projectId);
      requireRole(access, 'project_admin', project.id);
      const values = checked(input);
      const em = orm.em.fork();
      if (await em.count(Service, { project: project.id, name: values.name })) {
        throw new AppError('CONFLICT', `A service named "${input.name}" already exists in this project.`, { field: 'name' });
      }
      const service = em.create(Service, {
        ...values,
        organization: em.getReference(Organization, project.organization.id),
        project: em.getReference(Project, project.id),
      });
      await em.flush();
      return service;
    },

    async list(principal: Principal, projectId: string): Promise<Service[]> {
      const { project } = await projectService.get(principal, projectId);
      return orm.em.fork().find(Service, { project: project.id }, { orderBy: { name: 'asc' } });
    },

    async update(principal: Principal, serviceId: string, patch: Partial<ServiceInput>): Promise<Service> {
      const { service, access } = await reach(principal, serviceId);
      requireRole(access, 'project_admin', service.project.id);
      const values = checked(patch);
      const em = orm.em.fork();
      const fresh = await em.findOneOrFail(Service, { id: service.id });
      em.assign(fresh, values);
      await em.flush();
      return fresh;
    },

    async remove(principal: Principal, serviceId: string): Promise<{ hosts: string[] }> {
      const { service, access } = await reach(principal, serviceId);
      requireRole(access, 'project_admin', service.project.id);
      return orm.em.fork().transactional(async (em) => {
        const hosts = (await publishMappingsDeleted(em, { service: service.id })).map((m) => m.host);
        await em.nativeDelete(Service, { id: service.id }); // its mappings go with it (ON DELETE CASCADE)
        await em.flush();
        return { hosts };
      });
    },
  };
}
export type ServicesService = ReturnType<typeof createServicesService>;
