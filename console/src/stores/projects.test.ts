import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import * as api from '@/api/projects';
import type { Domain, Project } from '@/api/projects';
import { useProjectsStore } from './projects';
import { useSessionStore } from './session';

// Every api call fails unless a test sets it up: the store never reaches the network.
vi.mock('@/api/projects', () => {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`unexpected call: ${name}`)));
  return {
    listProjects: unexpected('listProjects'),
    createProject: unexpected('createProject'),
    getProject: unexpected('getProject'),
    updateProject: unexpected('updateProject'),
    deleteProject: unexpected('deleteProject'),
    listProjectDomains: unexpected('listProjectDomains'),
    assignDomains: unexpected('assignDomains'),
    unassignDomain: unexpected('unassignDomain'),
    searchOrganizationDomains: unexpected('searchOrganizationDomains'),
  };
});

const project = (id: string, slug = id): Project => ({ id, organizationId: 'org-1', name: slug.toUpperCase(), slug, createdAt: '2026-01-01T00:00:00.000Z' });
const domain = (id: string, hostname: string): Domain => ({ id, hostname, status: 'pending' }) as Domain;

describe('projects store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.listProjects).mockReset();
    useSessionStore().currentOrganizationId = 'org-1';
  });

  it('loads the organization’s projects and counts each one’s domains', async () => {
    vi.mocked(api.listProjects).mockResolvedValueOnce([project('p1'), project('p2')]);
    vi.mocked(api.listProjectDomains).mockImplementation(async (id) => (id === 'p1' ? [domain('d1', 'a.test'), domain('d2', 'b.test')] : Promise.reject(new Error('down'))));
    const store = useProjectsStore();
    await store.load();
    expect(api.listProjects).toHaveBeenCalledWith('org-1');
    expect(store.projects?.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(store.domainCounts).toEqual({ p1: 2 });
    expect(store.isEmpty).toBe(false);
  });

  it('adds a created project to the list with no domains', async () => {
    vi.mocked(api.listProjects).mockResolvedValueOnce([]);
    vi.mocked(api.createProject).mockResolvedValueOnce(project('p3', 'shop'));
    const store = useProjectsStore();
    await store.load();
    expect(store.isEmpty).toBe(true);
    await store.create({ name: 'Shop', slug: 'shop' });
    expect(api.createProject).toHaveBeenCalledWith('org-1', { name: 'Shop', slug: 'shop' });
    expect(store.projects?.map((p) => p.slug)).toEqual(['shop']);
    expect(store.domainCounts.p3).toBe(0);
  });

  it('renames the project on screen and in the list', async () => {
    vi.mocked(api.listProjects).mockResolvedValueOnce([project('p1')]);
    vi.mocked(api.listProjectDomains).mockResolvedValue([]);
    vi.mocked(api.getProject).mockResolvedValueOnce(project('p1'));
    vi.mocked(api.updateProject).mockResolvedValueOnce({ ...project('p1'), name: 'Renamed' });
    const store = useProjectsStore();
    await store.load();
    await store.loadProject('p1');
    await store.update('p1', { name: 'Renamed' });
    expect(api.updateProject).toHaveBeenCalledWith('p1', { name: 'Renamed' });
    expect(store.current?.name).toBe('Renamed');
    expect(store.projects?.[0]?.name).toBe('Renamed');
  });

  it('deletes with the slug as confirmation and forgets the project', async () => {
    vi.mocked(api.getProject).mockResolvedValueOnce(project('p1', 'shop'));
    vi.mocked(api.deleteProject).mockResolvedValueOnce(undefined);
    const store = useProjectsStore();
    await store.loadProject('p1');
    await store.remove('p1', 'shop');
    expect(api.deleteProject).toHaveBeenCalledWith('p1', 'shop');
    expect(store.current).toBeNull();
  });

  it('assigns hostnames in one request and reloads the project’s domains', async () => {
    const result = { assigned: [domain('d1', 'old.test')], created: [domain('d2', 'new.test')], alreadyAssigned: [] };
    vi.mocked(api.assignDomains).mockResolvedValueOnce(result);
    vi.mocked(api.listProjectDomains).mockResolvedValueOnce([domain('d1', 'old.test'), domain('d2', 'new.test')]);
    const store = useProjectsStore();
    expect(await store.assign('p1', ['old.test', 'new.test'])).toEqual(result);
    expect(api.assignDomains).toHaveBeenCalledWith('p1', ['old.test', 'new.test']);
    expect(store.domains?.map((d) => d.hostname)).toEqual(['old.test', 'new.test']);
    expect(store.domainCounts.p1).toBe(2);
  });

  it('removes an unassigned domain from the list', async () => {
    vi.mocked(api.listProjectDomains).mockResolvedValueOnce([domain('d1', 'a.test'), domain('d2', 'b.test')]);
    vi.mocked(api.unassignDomain).mockResolvedValueOnce(undefined);
    const store = useProjectsStore();
    await store.loadDomains('p1');
    await store.unassign('p1', 'd1');
    expect(api.unassignDomain).toHaveBeenCalledWith('p1', 'd1');
    expect(store.domains?.map((d) => d.id)).toEqual(['d2']);
    expect(store.domainCounts.p1).toBe(1);
  });

  it('keeps the list when the server refuses, and drops everything when the organization changes', async () => {
    vi.mocked(api.listProjects).mockResolvedValueOnce([project('p1')]);
    vi.mocked(api.listProjectDomains).mockResolvedValue([]);
    const store = useProjectsStore();
    await store.load();
    await expect(store.create({ name: 'X', slug: 'x' })).rejects.toThrow('unexpected call: createProject');
    expect(store.projects).toHaveLength(1);
    useSessionStore().currentOrganizationId = 'org-2';
    await nextTick();
    expect(store.projects).toBeNull();
  });
});
