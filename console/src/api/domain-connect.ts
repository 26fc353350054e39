/**
 * What the connect page needs besides the domains area's calls (api/domains.ts): the organization's projects to
 * choose from, assigning the new domain to more projects, and a widget token for the "Guide me" journey.
 */
import { call, client, type Schemas } from './client';
import { createDomain, listDomains } from './domains';

export type Project = Schemas['Project'];
export type Domain = Schemas['Domain'];
export { createDomain };

/** The organization's projects the signed-in user can reach. */
export const listConnectProjects = async (organizationId: string): Promise<Project[]> =>
  (await call(client.GET('/v1/organizations/{organizationId}/projects', { params: { path: { organizationId } } }))).data;

/** Assigns an existing domain (by hostname) to a project; assigning it twice is fine (`alreadyAssigned`). */
export const assignToProject = (projectId: string, hostname: string) =>
  call(client.POST('/v1/projects/{projectId}/domains', { params: { path: { projectId } }, body: { hostnames: [hostname] } }));

/**
 * A short-lived widget token for one project, limited to `hostname`, issued by the signed-in user (the server then
 * also accepts it from Portico's own origin, where the console mounts the widget).
 */
export const issueWidgetToken = (projectId: string, hostname: string) => call(client.POST('/v1/widget-tokens', { body: { projectId, hostname } }));

/** The organization's domain with exactly this hostname (A-label form), or null: where HOSTNAME_TAKEN links to. */
export async function findDomainByHostname(organizationId: string, hostname: string): Promise<{ id: string; hostname: string } | null> {
  const page = await listDomains(organizationId, { q: hostname, limit: 10 });
  return page.data.find((d) => d.hostname === hostname) ?? null;
}
