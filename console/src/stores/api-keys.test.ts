import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import * as api from '@/api/api-keys';
import { ApiError } from '@/api/client';
import { useApiKeysStore } from './api-keys';
import { useSessionStore } from './session';

vi.mock('@/api/api-keys', () => ({
  listApiKeys: vi.fn(() => Promise.reject(new Error('listApiKeys not set up'))),
  createApiKey: vi.fn(() => Promise.reject(new Error('createApiKey not set up'))),
  revokeApiKey: vi.fn(() => Promise.reject(new Error('revokeApiKey not set up'))),
  listProjects: vi.fn(() => Promise.reject(new Error('listProjects not set up'))),
}));
vi.mock('@/api/session', () => ({
  getSession: vi.fn(() => Promise.reject(new Error('getSession not set up'))),
  logout: vi.fn(() => Promise.reject(new Error('logout not set up'))),
  listOrganizations: vi.fn(() => Promise.reject(new Error('listOrganizations not set up'))),
}));

const ORG = '00000000-0000-4000-8000-000000000001';
const key = (id: string, extra: Partial<api.ApiKey> = {}): api.ApiKey => ({
  id,
  name: `key ${id}`,
  prefix: 'abcdefabcdef',
  scopes: ['domains:read'],
  projectId: null,
  createdAt: '2026-12-07T06:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
  ...extra,
});
const SECRET = `pk_abcdefabcdef_${'s'.repeat(43)}`;

describe('api keys store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    useSessionStore().currentOrganizationId = ORG;
  });
  afterEach(() => vi.clearAllMocks());

  it('loads the organization’s keys and projects', async () => {
    vi.mocked(api.listApiKeys).mockResolvedValue([key('k1')]);
    vi.mocked(api.listProjects).mockResolvedValue([{ id: 'p1', name: 'Main', slug: 'main', organizationId: ORG, createdAt: '2026-12-07T06:00:00.000Z' }]);
    const store = useApiKeysStore();
    expect(await store.load()).toEqual([key('k1')]);
    expect(api.listApiKeys).toHaveBeenCalledWith(ORG);
    expect(store.projectName('p1')).toBe('Main');
    expect(store.projectName(null)).toBeNull();
  });

  it('keeps a new key’s secret only until the dialog closes, and never in the list', async () => {
    vi.mocked(api.createApiKey).mockResolvedValue({ ...key('k2', { scopes: ['domains:read', 'widget-tokens:write'] }), secret: SECRET });
    const store = useApiKeysStore();
    await store.create({ name: 'key k2', scopes: ['domains:read', 'widget-tokens:write'], projectId: null });
    expect(api.createApiKey).toHaveBeenCalledWith(ORG, { name: 'key k2', scopes: ['domains:read', 'widget-tokens:write'], projectId: null });
    expect(store.revealed?.secret).toBe(SECRET);
    expect(store.keys).toHaveLength(1);
    expect(JSON.stringify(store.keys)).not.toContain(SECRET);
    store.dismissSecret();
    expect(store.revealed).toBeNull();
    expect(JSON.stringify(store.$state)).not.toContain(SECRET);
  });

  it('forgets the secret when the organization changes', async () => {
    vi.mocked(api.createApiKey).mockResolvedValue({ ...key('k3'), secret: SECRET });
    const store = useApiKeysStore();
    await store.create({ name: 'key k3', scopes: ['domains:read'] });
    useSessionStore().currentOrganizationId = '00000000-0000-4000-8000-000000000002';
    await nextTick();
    expect(store.revealed).toBeNull();
    expect(store.keys).toEqual([]);
  });

  it('reveals nothing when creating fails', async () => {
    vi.mocked(api.createApiKey).mockRejectedValue(new ApiError('PLAN_LIMIT_REACHED', 'no more keys', 402));
    const store = useApiKeysStore();
    await expect(store.create({ name: 'x', scopes: ['domains:read'] })).rejects.toMatchObject({ code: 'PLAN_LIMIT_REACHED' });
    expect(store.revealed).toBeNull();
    expect(store.keys).toEqual([]);
  });

  it('marks a revoked key in the list', async () => {
    vi.mocked(api.listApiKeys).mockResolvedValue([key('k1'), key('k4')]);
    vi.mocked(api.listProjects).mockResolvedValue([]);
    vi.mocked(api.revokeApiKey).mockResolvedValue(key('k4', { revokedAt: '2026-12-07T07:00:00.000Z' }));
    const store = useApiKeysStore();
    await store.load();
    await store.revoke('k4');
    expect(api.revokeApiKey).toHaveBeenCalledWith(ORG, 'k4');
    expect(store.keys.map((k) => [k.id, k.revokedAt])).toEqual([
      ['k1', null],
      ['k4', '2026-12-07T07:00:00.000Z'],
    ]);
  });
});
