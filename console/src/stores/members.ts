import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { ApiError } from '@/api/client';
import * as api from '@/api/members';
import type { CreatedInvitation, Invitation, Member, RoleAssignment } from '@/api/members';
import { listProjects, type Project } from '@/api/organizations';
import { useSessionStore } from './session';

/**
 * The current organization's people, their roles and the invitations out. A failed role change keeps the member
 * as they were and remembers the error beside them (LAST_OWNER, FORBIDDEN…) until the next attempt.
 */
export const useMembersStore = defineStore('members', () => {
  const session = useSessionStore();
  const members = ref<Member[]>([]);
  const invitations = ref<Invitation[]>([]);
  const projects = ref<Project[]>([]);
  /** The last failed role change or removal per user id. */
  const memberErrors = ref<Record<string, ApiError>>({});

  function organizationId(): string {
    if (!session.currentOrganizationId) throw new Error('no organization is chosen');
    return session.currentOrganizationId;
  }

  async function loadMembers(): Promise<Member[]> {
    const id = organizationId();
    const [people, known] = await Promise.all([api.listMembers(id), listProjects(id).catch(() => [] as Project[])]);
    members.value = people;
    projects.value = known;
    return people;
  }

  /** Invitations are for admins: a lower role gets an empty list (the page hides the section). */
  async function loadInvitations(): Promise<Invitation[]> {
    invitations.value = await api.listInvitations(organizationId());
    return invitations.value;
  }

  /** Replaces `userId`'s role. Resolves to the updated member, or null when the server refused (see memberErrors). */
  async function changeRole(userId: string, assignment: RoleAssignment): Promise<Member | null> {
    const rest = { ...memberErrors.value };
    delete rest[userId];
    memberErrors.value = rest;
    try {
      const updated = await api.changeMemberRole(organizationId(), userId, assignment);
      members.value = members.value.map((m) => (m.userId === userId ? updated : m));
      if (userId === session.user?.id) await session.refreshOrganizations();
      return updated;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      memberErrors.value = { ...memberErrors.value, [userId]: error };
      return null;
    }
  }

  /** Removes `userId`, or leaves the organization when it is the signed-in user (true then). Errors reach the caller. */
  async function remove(userId: string): Promise<{ left: boolean }> {
    await api.removeMember(organizationId(), userId);
    const left = userId === session.user?.id;
    members.value = members.value.filter((m) => m.userId !== userId);
    if (left) await session.refreshOrganizations();
    return { left };
  }

  async function invite(input: RoleAssignment & { email: string }): Promise<CreatedInvitation> {
    const created = await api.createInvitation(organizationId(), input);
    const { acceptUrl: _shownOnce, ...invitation } = created;
    invitations.value = [invitation, ...invitations.value.filter((i) => i.id !== created.id)];
    return created;
  }

  async function revoke(invitationId: string): Promise<Invitation> {
    const revoked = await api.revokeInvitation(organizationId(), invitationId);
    invitations.value = invitations.value.map((i) => (i.id === invitationId ? revoked : i));
    return revoked;
  }

  function reset(): void {
    members.value = [];
    invitations.value = [];
    projects.value = [];
    memberErrors.value = {};
  }
  watch(() => session.currentOrganizationId, reset);

  return { members, invitations, projects, memberErrors, loadMembers, loadInvitations, changeRole, remove, invite, revoke, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useMembersStore, import.meta.hot));
