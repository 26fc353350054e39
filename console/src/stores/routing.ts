import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import * as api from '@/api/routing';
import type { Availability, Mapping, MappingInput, MappingPreview, Service, ServiceInput } from '@/api/routing';
import { useSessionStore } from './session';

/**
 * One project's routing: its services and its service domain mappings, plus the editor's live preview and
 * availability check. Dropped when the organization changes or another project is loaded.
 */
export const useRoutingStore = defineStore('routing', () => {
  const session = useSessionStore();
  const projectId = ref<string | null>(null);
  const services = ref<Service[]>([]);
  const mappings = ref<Mapping[]>([]);

  function reset(): void {
    projectId.value = null;
    services.value = [];
    mappings.value = [];
  }
  watch(() => session.currentOrganizationId, reset);

  async function load(id: string): Promise<void> {
    if (projectId.value !== id) reset();
    const [nextServices, nextMappings] = await Promise.all([api.listServices(id), api.listMappings(id)]);
    projectId.value = id;
    services.value = nextServices;
    mappings.value = nextMappings;
  }

  /** Mappings by host, hosts in alphabetical order, each host's mappings by base path (as the API orders them). */
  const mappingsByHost = computed(() => {
    const groups = new Map<string, Mapping[]>();
    for (const m of [...mappings.value].sort((a, b) => a.host.localeCompare(b.host) || a.basePath.localeCompare(b.basePath))) {
      groups.set(m.host, [...(groups.get(m.host) ?? []), m]);
    }
    return [...groups].map(([host, list]) => ({ host, mappings: list }));
  });

  const mappingsOfService = (serviceId: string) => mappings.value.filter((m) => m.serviceId === serviceId);
  const mappingsOfDomain = (domainId: string) => mappings.value.filter((m) => m.domainId === domainId);

  function requireProject(): string {
    if (!projectId.value) throw new Error('no project is loaded');
    return projectId.value;
  }

  async function addService(input: ServiceInput): Promise<Service> {
    const service = await api.createService(requireProject(), input);
    services.value = [...services.value, service];
    return service;
  }

  async function editService(serviceId: string, input: Partial<ServiceInput>): Promise<Service> {
    const service = await api.updateService(serviceId, input);
    services.value = services.value.map((s) => (s.id === serviceId ? service : s));
    // Mappings show the service's name: reload them so a rename is seen everywhere.
    if (input.name !== undefined) mappings.value = await api.listMappings(requireProject());
    return service;
  }

  /** Deleting a service deletes its mappings too (the server cascades; the list follows). */
  async function removeService(serviceId: string): Promise<void> {
    await api.deleteService(serviceId);
    services.value = services.value.filter((s) => s.id !== serviceId);
    mappings.value = mappings.value.filter((m) => m.serviceId !== serviceId);
  }

  async function addMapping(input: MappingInput): Promise<Mapping> {
    const mapping = await api.createMapping(requireProject(), input);
    mappings.value = [...mappings.value, mapping];
    return mapping;
  }

  async function editMapping(mappingId: string, input: Partial<Omit<MappingInput, 'domainId'>>): Promise<Mapping> {
    const mapping = await api.updateMapping(mappingId, input);
    mappings.value = mappings.value.map((m) => (m.id === mappingId ? mapping : m));
    return mapping;
  }

  async function removeMapping(mappingId: string): Promise<void> {
    await api.deleteMapping(mappingId);
    mappings.value = mappings.value.filter((m) => m.id !== mappingId);
  }

  /** The mappings a domain's removal from the project would take with it are gone: drop them from the list. */
  function forgetDomain(domainId: string): void {
    mappings.value = mappings.value.filter((m) => m.domainId !== domainId);
  }

  const preview = (draft: MappingInput): Promise<MappingPreview> => api.previewMapping(requireProject(), draft);
  const check = (query: { domainId: string; subdomain?: string; basePath?: string }): Promise<Availability> => api.checkMapping(requireProject(), query);

  return { projectId, services, mappings, mappingsByHost, mappingsOfService, mappingsOfDomain, load, addService, editService, removeService, addMapping, editMapping, removeMapping, forgetDomain, preview, check, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRoutingStore, import.meta.hot));
