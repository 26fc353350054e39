/**
 * The projects area's calls: projects of the current organization, one project, and the domains assigned to it.
 * Listing the organization's domains here serves the "assign domains" picker (search by hostname).
 */
import { call, client, type Schemas } from './client';

export type Project = Schemas['Project'];
export type Domain = Schemas['Domain'];
export interface AssignResult {
  assigned: Domain[];
  created: Domain[];
  alreadyAssigned: Domain[];
}

export const listProjects = async (organizationId: string): Promise<Project[]> =>
  (await call(client.GET('/v1/organizations/{organizationId}/projects', { params: { path: { organizationId } } }))).data;

export const createProject = (organizationId: string, body: { name: string; slug: string }): Promise<Project> =>
  call(client.POST('/v1/organizations/{organizationId}/projects', { params: { path: { organizationId } }, body }));

export const getProject = (projectId: string): Promise<Project> => call(client.GET('/v1/projects/{projectId}', { params: { path: { projectId } } }));

export const updateProject = (projectId: string, body: { name?: string; slug?: string }): Promise<Project> =>
  call(client.PATCH('/v1/projects/{projectId}', { params: { path: { projectId } }, body }));

/** Deleting needs the project's slug repeated as `confirm`. */
export const deleteProject = async (projectId: string, confirm: string): Promise<void> => {
  await call(client.DELETE('/v1/projects/{projectId}', { params: { path: { projectId }, query: { confirm } } }));
};

export const listProjectDomains = async (projectId: string): Promise<Domain[]> =>
  (await call(client.GET('/v1/projects/{projectId}/domains', { params: { path: { projectId } } }))).data;

/** Existing hostnames of the organization are assigned, new ones created pending — all in one request. */
export const assignDomains = (projectId: string, hostnames: string[]): Promise<AssignResult> =>
  call(client.POST('/v1/projects/{projectId}/domains', { params: { path: { projectId } }, body: { hostnames } }));

export const unassignDomain = async (projectId: string, domainId: string): Promise<void> => {
  await call(client.DELETE('/v1/projects/{projectId}/domains/{domainId}', { params: { path: { projectId, domainId } } }));
};

/** The organization's domains whose hostname contains `q` (the first 50, by hostname). */
export const searchOrganizationDomains = async (organizationId: string, q: string): Promise<Domain[]> =>
  (await call(client.GET('/v1/organizations/{organizationId}/domains', { params: { path: { organizationId }, query: { sort: 'hostname', limit: 50, ...(q.trim() ? { q: q.trim() } : {}) } } }))).data;
