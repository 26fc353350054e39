/**
 * The routing area's calls: a project's services (where traffic goes) and its service domain mappings
 * (subdomain + domain + base path → service), with the live preview and the availability check the editor uses.
 */
import { call, client, type Schemas } from './client';

export type Service = Schemas['Service'];
export type Mapping = Schemas['ServiceDomainMapping'];
export type Availability = Schemas['MappingAvailability'];
export type ProtocolMode = Mapping['protocol'];
export interface ServiceInput {
  name: string;
  upstreamHost: string;
  upstreamPort: number;
}
export interface MappingInput {
  serviceId: string;
  domainId: string;
  subdomain?: string | null;
  basePath?: string;
  internalPath?: string;
  internalPort?: number;
  stripPath?: boolean;
  protocol?: ProtocolMode;
  redirectStatus?: 301 | 308;
}
export type MappingPreview = Awaited<ReturnType<typeof previewMapping>>;

export const listServices = async (projectId: string): Promise<Service[]> =>
  (await call(client.GET('/v1/projects/{projectId}/services', { params: { path: { projectId } } }))).data;

export const createService = (projectId: string, body: ServiceInput): Promise<Service> =>
  call(client.POST('/v1/projects/{projectId}/services', { params: { path: { projectId } }, body }));

export const updateService = (serviceId: string, body: Partial<ServiceInput>): Promise<Service> =>
  call(client.PATCH('/v1/services/{serviceId}', { params: { path: { serviceId } }, body }));

/** Deleting a service deletes every mapping to it. */
export const deleteService = async (serviceId: string): Promise<void> => {
  await call(client.DELETE('/v1/services/{serviceId}', { params: { path: { serviceId } } }));
};

export const listMappings = async (projectId: string): Promise<Mapping[]> =>
  (await call(client.GET('/v1/projects/{projectId}/mappings', { params: { path: { projectId } } }))).data;

export const createMapping = (projectId: string, body: MappingInput): Promise<Mapping> =>
  call(client.POST('/v1/projects/{projectId}/mappings', { params: { path: { projectId } }, body }));

export const updateMapping = (mappingId: string, body: Partial<Omit<MappingInput, 'domainId'>>): Promise<Mapping> =>
  call(client.PATCH('/v1/mappings/{mappingId}', { params: { path: { mappingId } }, body }));

export const deleteMapping = async (mappingId: string): Promise<void> => {
  await call(client.DELETE('/v1/mappings/{mappingId}', { params: { path: { mappingId } } }));
};

/** A draft's external URL, internal target, stripping and example request (nothing is saved). */
export const previewMapping = (projectId: string, body: MappingInput & { examplePath?: string }) =>
  call(client.POST('/v1/projects/{projectId}/mappings:preview', { params: { path: { projectId } }, body }));

/** Is subdomain + base path free on the domain; if not, who holds it and free alternatives. */
export const checkMapping = (projectId: string, query: { domainId: string; subdomain?: string; basePath?: string }): Promise<Availability> =>
  call(client.GET('/v1/projects/{projectId}/mappings:check', { params: { path: { projectId }, query } }));
