import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, onUnauthorized, setCsrfToken } from '@/api/client';
import * as api from '@/api/session';
import type { OrganizationSummary, Role, SessionInfo } from '@/api/session';

const CURRENT_ORG_KEY = 'portico.organization';

const RANK: Record<Role, number> = { project_member: 0, project_admin: 1, admin: 2, owner: 3 };

/**
 * Who is signed in, the organizations they belong to and the one the console shows (kept per browser).
 * `load` is idempotent; the router calls it before every guarded page.
 */
export const useSessionStore = defineStore('session', () => {
  const session = ref<SessionInfo | null>(null);
  const organizations = ref<OrganizationSummary[]>([]);
  const currentOrganizationId = ref<string | null>(null);
  const loaded = ref(false);

  const user = computed(() => session.value?.user ?? null);
  const signedIn = computed(() => session.value !== null);
  const isOperator = computed(() => session.value?.user.operator === true);
  const organization = computed(() => organizations.value.find((o) => o.id === currentOrganizationId.value) ?? null);
  const role = computed<Role | null>(() => organization.value?.role ?? null);

  /** The current role is at least `minimum` (owner > admin > project_admin > project_member). */
  function can(minimum: Role): boolean {
    return role.value !== null && RANK[role.value] >= RANK[minimum];
  }

  function chooseOrganization(id: string | null): void {
    const known = organizations.value.find((o) => o.id === id) ?? organizations.value[0] ?? null;
    currentOrganizationId.value = known?.id ?? null;
    if (known) localStorage.setItem(CURRENT_ORG_KEY, known.id);
  }

  async function refreshOrganizations(): Promise<void> {
    organizations.value = await api.listOrganizations();
    chooseOrganization(currentOrganizationId.value ?? localStorage.getItem(CURRENT_ORG_KEY));
  }

  /** Reads the session (signed out: null, not an error) and the user's organizations. */
  async function load(force = false): Promise<void> {
    if (loaded.value && !force) return;
    try {
      adopt(await api.getSession());
      await refreshOrganizations();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      clear();
    }
    loaded.value = true;
  }

  /** Takes over a session answered by sign-in, sign-up or invitation acceptance. */
  function adopt(next: SessionInfo): void {
    session.value = next;
    setCsrfToken(next.csrfToken);
  }

  function clear(): void {
    session.value = null;
    organizations.value = [];
    currentOrganizationId.value = null;
    setCsrfToken(null);
  }

  async function signOut(): Promise<void> {
    try {
      await api.logout();
    } finally {
      clear();
    }
  }

  onUnauthorized(() => {
    if (session.value) clear();
  });

  return { session, user, signedIn, isOperator, organizations, organization, currentOrganizationId, role, loaded, can, chooseOrganization, refreshOrganizations, load, adopt, clear, signOut };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot));
