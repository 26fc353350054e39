import { RequestContext } from '@mikro-orm/postgresql';
import type { Cradle } from '../container.ts';
import type { DemoSeed } from '../db/seed.ts';
import type { Principal } from '../http/principal.ts';
import type { Access } from '../modules/organizations/access.ts';
import { Organization } from '../modules/organizations/entity.ts';
import { Membership } from '../modules/organizations/membership.entity.ts';
import { Project } from '../modules/projects/entity.ts';
import { Service } from '../modules/routing/service.entity.ts';

/** The demo app's service in the demo project. */
export const DEMO_SERVICE_NAME = 'acme-sites-app';
/** The customer reference of every token the demo page asks for. */
export const DEMO_CUSTOMER_REF = 'demo-customer';

/** The demo project and the access its owner has, for acting in-process as the SaaS's server would. */
export interface DemoProject {
  organizationId: string;
  projectId: string;
  access: Access;
}

type Deps = Pick<Cradle, 'orm' | 'accessService' | 'widgetService'>;

/** Run `fn` with an ORM context of its own, as a request would have. */
export const inContext = <T>(deps: Pick<Cradle, 'orm'>, fn: () => Promise<T>): Promise<T> => RequestContext.create(deps.orm.em, fn);

/** The seeded demo project and its owner's access; undefined when the seed's organization, project or owner is gone. */
export async function findDemoProject(deps: Deps, seed: DemoSeed): Promise<DemoProject | undefined> {
  const em = deps.orm.em.fork();
  const organization = await em.findOne(Organization, { slug: seed.organization.slug });
  if (!organization) return undefined;
  const project = await em.findOne(Project, { organization, slug: seed.project.slug });
  const owner = await em.findOne(Membership, { organization, role: 'owner' }, { orderBy: { createdAt: 'asc' } });
  if (!project || !owner) return undefined;
  const principal: Principal = { kind: 'user', userId: owner.user.id, sessionId: 'demo' };
  const access = await inContext(deps, () => deps.accessService.forOrganization(principal, organization.id));
  return { organizationId: organization.id, projectId: project.id, access };
}

/**
 * Make the demo project ready for the demo page on every start (ports change between runs): the demo app is its
 * service `acme-sites-app` (created, or moved to the app's current port), the page's origin is allowed to run the
 * widget, and the widget maps every domain it adds to the demo app once verified.
 */
export async function prepareDemoProject(deps: Deps, demo: DemoProject, input: { appHost: string; appPort: number; pageOrigin: string }): Promise<{ serviceId: string }> {
  const em = deps.orm.em.fork();
  let service = await em.findOne(Service, { project: demo.projectId, name: DEMO_SERVICE_NAME });
  if (service) {
    service.upstreamHost = input.appHost;
    service.upstreamPort = input.appPort;
  } else {
    service = em.create(Service, {
      organization: em.getReference(Organization, demo.organizationId),
      project: em.getReference(Project, demo.projectId),
      name: DEMO_SERVICE_NAME,
      upstreamHost: input.appHost,
      upstreamPort: input.appPort,
    });
  }
  await em.flush();
  const serviceId = service.id;
  await inContext(deps, async () => {
    const { allowedOrigins } = await deps.widgetService.settings(demo.access, demo.projectId);
    await deps.widgetService.updateSettings(demo.access, demo.projectId, { allowedOrigins: [...new Set([...allowedOrigins, input.pageOrigin])], defaultServiceId: serviceId });
  });
  return { serviceId };
}

/** A widget token for the demo project's customer `demo-customer`, as the SaaS's server would ask for one. */
export async function issueDemoToken(deps: Deps, demo: DemoProject, input: { ttlSeconds: number }): Promise<{ token: string; expiresAt: Date }> {
  return inContext(deps, async () => {
    const { token, expiresAt } = await deps.widgetService.issue(demo.access, { projectId: demo.projectId, customerRef: DEMO_CUSTOMER_REF, expiresInSeconds: input.ttlSeconds });
    return { token, expiresAt };
  });
}
