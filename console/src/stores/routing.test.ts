import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/routing';
import type { Mapping, Service } from '@/api/routing';
import { useRoutingStore } from './routing';
import { useSessionStore } from './session';

// Every api call fails unless a test sets it up: the store never reaches the network.
vi.mock('@/api/routing', () => {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`unexpected call: ${name}`)));
  return {
    listServices: unexpected('listServices'),
    createService: unexpected('createService'),
    updateService: unexpected('updateService'),
    deleteService: unexpected('deleteService'),
    listMappings: unexpected('listMappings'),
    createMapping: unexpected('createMapping'),
    updateMapping: unexpected('updateMapping'),
    deleteMapping: unexpected('deleteMapping'),
    previewMapping: unexpected('previewMapping'),
    checkMapping: unexpected('checkMapping'),
  };
});

const service = (id: string, name = id): Service => ({ id, projectId: 'p1', name, upstreamHost: `${name}.internal`, upstreamPort: 8080, createdAt: '', updatedAt: '' });
const mapping = (id: string, host: string, basePath: string, serviceId = 's1', domainId = 'd1'): Mapping =>
  ({ id, projectId: 'p1', serviceId, serviceName: serviceId, domainId, host, basePath, protocol: 'https' }) as Mapping;

async function loaded(services: Service[], mappings: Mapping[]) {
  vi.mocked(api.listServices).mockResolvedValueOnce(services);
  vi.mocked(api.listMappings).mockResolvedValueOnce(mappings);
  const store = useRoutingStore();
  await store.load('p1');
  return store;
}

describe('routing store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    useSessionStore().currentOrganizationId = 'org-1';
  });

  it('groups mappings by host, hosts and base paths in order', async () => {
    const store = await loaded([service('s1')], [mapping('m1', 'shop.test', '/v1'), mapping('m2', 'api.test', '/'), mapping('m3', 'shop.test', '/')]);
    expect(store.mappingsByHost.map((g) => [g.host, g.mappings.map((m) => m.basePath)])).toEqual([
      ['api.test', ['/']],
      ['shop.test', ['/', '/v1']],
    ]);
  });

  it('deleting a service drops its mappings too', async () => {
    vi.mocked(api.deleteService).mockResolvedValueOnce(undefined);
    const store = await loaded([service('s1'), service('s2')], [mapping('m1', 'a.test', '/', 's1'), mapping('m2', 'b.test', '/', 's2')]);
    expect(store.mappingsOfService('s1')).toHaveLength(1);
    await store.removeService('s1');
    expect(api.deleteService).toHaveBeenCalledWith('s1');
    expect(store.services.map((s) => s.id)).toEqual(['s2']);
    expect(store.mappings.map((m) => m.id)).toEqual(['m2']);
  });

  it('adds a service and a mapping to the project loaded', async () => {
    vi.mocked(api.createService).mockResolvedValueOnce(service('s1', 'web'));
    vi.mocked(api.createMapping).mockResolvedValueOnce(mapping('m1', 'shop.test', '/api'));
    const store = await loaded([], []);
    await store.addService({ name: 'web', upstreamHost: 'web.internal', upstreamPort: 8080 });
    expect(api.createService).toHaveBeenCalledWith('p1', { name: 'web', upstreamHost: 'web.internal', upstreamPort: 8080 });
    await store.addMapping({ serviceId: 's1', domainId: 'd1', basePath: '/api' });
    expect(api.createMapping).toHaveBeenCalledWith('p1', { serviceId: 's1', domainId: 'd1', basePath: '/api' });
    expect(store.mappings.map((m) => m.id)).toEqual(['m1']);
  });

  it('replaces an edited mapping and removes a deleted one', async () => {
    vi.mocked(api.updateMapping).mockResolvedValueOnce({ ...mapping('m1', 'a.test', '/'), protocol: 'redirect-to-https' });
    vi.mocked(api.deleteMapping).mockResolvedValueOnce(undefined);
    const store = await loaded([service('s1')], [mapping('m1', 'a.test', '/'), mapping('m2', 'b.test', '/')]);
    await store.editMapping('m1', { protocol: 'redirect-to-https' });
    expect(api.updateMapping).toHaveBeenCalledWith('m1', { protocol: 'redirect-to-https' });
    expect(store.mappings.find((m) => m.id === 'm1')?.protocol).toBe('redirect-to-https');
    await store.removeMapping('m2');
    expect(store.mappings.map((m) => m.id)).toEqual(['m1']);
  });

  it('reloads mappings after a service rename so they show the new name', async () => {
    vi.mocked(api.updateService).mockResolvedValueOnce(service('s1', 'web2'));
    const store = await loaded([service('s1', 'web')], [mapping('m1', 'a.test', '/')]);
    vi.mocked(api.listMappings).mockResolvedValueOnce([{ ...mapping('m1', 'a.test', '/'), serviceName: 'web2' }]);
    await store.editService('s1', { name: 'web2' });
    expect(store.mappings[0]?.serviceName).toBe('web2');
  });

  it('previews and checks against the loaded project', async () => {
    const availability = { available: true, host: 'a.test', basePath: '/', conflict: null, suggestions: { basePaths: [], subdomains: [] }, issues: [] };
    vi.mocked(api.checkMapping).mockResolvedValueOnce(availability);
    const store = await loaded([], []);
    expect(await store.check({ domainId: 'd1', basePath: '/' })).toEqual(availability);
    expect(api.checkMapping).toHaveBeenCalledWith('p1', { domainId: 'd1', basePath: '/' });
  });

  it('forgets the mappings of a domain removed from the project', async () => {
    const store = await loaded([service('s1')], [mapping('m1', 'a.test', '/', 's1', 'd1'), mapping('m2', 'b.test', '/', 's1', 'd2')]);
    store.forgetDomain('d1');
    expect(store.mappings.map((m) => m.id)).toEqual(['m2']);
  });
});
