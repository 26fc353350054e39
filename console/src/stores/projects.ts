import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import * as api from '@/api/projects';
import type { AssignResult, Domain, Project } from '@/api/projects';
import { useSessionStore } from './session';

/**
 * The current organization's projects (with how many domains each has), the project on screen and the domains
 * assigned to it. Everything is dropped when the organization changes.
 */
export const useProjectsStore = defineStore('projects', () => {
  const session = useSessionStore();
  const projects = ref<Project[] | null>(null);
  /** Domains per project id; a project whose count could not be read is missing. */
  const domainCounts = ref<Record<string, number>>({});
  const current = ref<Project | null>(null);
  const domains = ref<Domain[] | null>(null);
  const domainsOf = ref<string | null>(null);

  function organizationId(): string {
    const id = session.currentOrganizationId;
    if (!id) throw new Error('no organization is selected');
    return id;
  }

  function reset(): void {
    projects.value = null;
    domainCounts.value = {};
    current.value = null;
    domains.value = null;
    domainsOf.value = null;
  }
  watch(() => session.currentOrganizationId, reset);

  /** The projects, then each one's domain count (the list is there before the counts are). */
  async function load(): Promise<Project[]> {
    const list = await api.listProjects(organizationId());
    projects.value = list;
    const counts = await Promise.allSettled(list.map(async (p) => [p.id, (await api.listProjectDomains(p.id)).length] as const));
    const next: Record<string, number> = {};
    for (const count of counts) if (count.status === 'fulfilled') next[count.value[0]] = count.value[1];
    domainCounts.value = next;
    return list;
  }

  async function create(input: { name: string; slug: string }): Promise<Project> {
    const project = await api.createProject(organizationId(), input);
    projects.value = [...(projects.value ?? []), project];
    domainCounts.value = { ...domainCounts.value, [project.id]: 0 };
    return project;
  }

  async function loadProject(projectId: string): Promise<Project> {
    if (current.value?.id !== projectId) current.value = null;
    const project = await api.getProject(projectId);
    current.value = project;
    return project;
  }

  function replace(project: Project): void {
    if (current.value?.id === project.id) current.value = project;
    if (projects.value) projects.value = projects.value.map((p) => (p.id === project.id ? project : p));
  }

  async function update(projectId: string, input: { name?: string; slug?: string }): Promise<Project> {
    const project = await api.updateProject(projectId, input);
    replace(project);
    return project;
  }

  async function remove(projectId: string, confirmSlug: string): Promise<void> {
    await api.deleteProject(projectId, confirmSlug);
    if (projects.value) projects.value = projects.value.filter((p) => p.id !== projectId);
    if (current.value?.id === projectId) current.value = null;
  }

  async function loadDomains(projectId: string): Promise<Domain[]> {
    if (domainsOf.value !== projectId) domains.value = null;
    const list = await api.listProjectDomains(projectId);
    domains.value = list;
    domainsOf.value = projectId;
    domainCounts.value = { ...domainCounts.value, [projectId]: list.length };
    return list;
  }

  /** Assigns existing and new hostnames in one request, then reloads the project's domains. */
  async function assign(projectId: string, hostnames: string[]): Promise<AssignResult> {
    const result = await api.assignDomains(projectId, hostnames);
    await loadDomains(projectId);
    return result;
  }

  async function unassign(projectId: string, domainId: string): Promise<void> {
    await api.unassignDomain(projectId, domainId);
    if (domainsOf.value === projectId && domains.value) domains.value = domains.value.filter((d) => d.id !== domainId);
    domainCounts.value = { ...domainCounts.value, [projectId]: Math.max(0, (domainCounts.value[projectId] ?? 1) - 1) };
  }

  const searchDomains = (q: string): Promise<Domain[]> => api.searchOrganizationDomains(organizationId(), q);

  const isEmpty = computed(() => projects.value !== null && projects.value.length === 0);

  return { projects, domainCounts, current, domains, isEmpty, load, create, loadProject, update, remove, loadDomains, assign, unassign, searchDomains, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useProjectsStore, import.meta.hot));
