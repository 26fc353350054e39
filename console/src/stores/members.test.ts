import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/client';
import type { Member } from '@/api/members';

vi.mock('@/api/members', () => ({
  listMembers: vi.fn(() => Promise.reject(new Error('listMembers was not set up'))),
  changeMemberRole: vi.fn(() => Promise.reject(new Error('changeMemberRole was not set up'))),
  removeMember: vi.fn(() => Promise.reject(new Error('removeMember was not set up'))),
  listInvitations: vi.fn(() => Promise.reject(new Error('listInvitations was not set up'))),
  createInvitation: vi.fn(() => Promise.reject(new Error('createInvitation was not set up'))),
  revokeInvitation: vi.fn(() => Promise.reject(new Error('revokeInvitation was not set up'))),
}));
vi.mock('@/api/organizations', () => ({ listProjects: vi.fn(() => Promise.resolve([])) }));
vi.mock('@/api/session', () => ({
  getSession: vi.fn(() => Promise.reject(new Error('getSession was not set up'))),
  logout: vi.fn(() => Promise.reject(new Error('logout was not set up'))),
  listOrganizations: vi.fn(() => Promise.reject(new Error('listOrganizations was not set up'))),
}));

const api = await import('@/api/members');
const { useMembersStore } = await import('./members');
const { useSessionStore } = await import('./session');

const ORG = '6e83767b-9e95-42d2-b64b-083b8c807916';
const owner: Member = { userId: 'u-owner', email: 'owner@example.test', name: 'Olga', role: 'owner', projects: [], joinedAt: '2026-12-01T00:00:00Z' };
const admin: Member = { userId: 'u-admin', email: 'admin@example.test', name: 'Adam', role: 'admin', projects: [], joinedAt: '2026-12-02T00:00:00Z' };

describe('members store', () => {
  beforeEach(async () => {
    vi.clearAllMocks();
    setActivePinia(createPinia());
    useSessionStore().currentOrganizationId = ORG;
    vi.mocked(api.listMembers).mockResolvedValueOnce([owner, admin]);
    await useMembersStore().loadMembers();
  });

  it('keeps the member as they were and remembers the error when the server refuses a role change', async () => {
    const store = useMembersStore();
    vi.mocked(api.changeMemberRole).mockRejectedValueOnce(new ApiError('LAST_OWNER', 'This would leave the organization without an owner.', 409));
    const result = await store.changeRole('u-owner', { role: 'admin' });
    expect(result).toBeNull();
    expect(api.changeMemberRole).toHaveBeenCalledWith(ORG, 'u-owner', { role: 'admin' });
    expect(store.members.find((m) => m.userId === 'u-owner')?.role).toBe('owner');
    expect(store.memberErrors['u-owner']?.code).toBe('LAST_OWNER');
    expect(store.memberErrors['u-admin']).toBeUndefined();
  });

  it('clears the error and replaces the member when a later change succeeds', async () => {
    const store = useMembersStore();
    vi.mocked(api.changeMemberRole).mockRejectedValueOnce(new ApiError('FORBIDDEN', 'Only an owner can make or change an owner.', 403));
    await store.changeRole('u-admin', { role: 'owner' });
    expect(store.memberErrors['u-admin']?.code).toBe('FORBIDDEN');

    const updated: Member = { ...admin, role: null, projects: [{ projectId: 'p1', role: 'project_admin' }] };
    vi.mocked(api.changeMemberRole).mockResolvedValueOnce(updated);
    expect(await store.changeRole('u-admin', { role: 'project_admin', projectIds: ['p1'] })).toEqual(updated);
    expect(store.members.find((m) => m.userId === 'u-admin')).toEqual(updated);
    expect(store.memberErrors['u-admin']).toBeUndefined();
  });

  it('lets failures that are not the server’s answer reach the caller', async () => {
    const store = useMembersStore();
    vi.mocked(api.changeMemberRole).mockRejectedValueOnce(new TypeError('boom'));
    await expect(store.changeRole('u-admin', { role: 'project_member', projectIds: ['p1'] })).rejects.toThrow('boom');
  });

  it('forgets the organization’s people when another organization is chosen', async () => {
    const store = useMembersStore();
    expect(store.members).toHaveLength(2);
    useSessionStore().currentOrganizationId = 'another';
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.members).toEqual([]);
  });
});
