import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { ApiError } from '@/api/client';
import * as api from '@/api/organizations';
import { getSubscription, type Plan } from '@/api/plans';
import type { Limits, OidcInput, OidcProvider, Organization, OrganizationSettings, SettingChange } from '@/api/organizations';
import { useSessionStore } from './session';

/**
 * The current organization's own settings: name and slug, limits with their change history, single sign-on, and
 * deleting it. Changes that rename the organization refresh the session's list, so the switcher shows them.
 */
export const useOrganizationsStore = defineStore('organizations', () => {
  const session = useSessionStore();
  const settings = ref<OrganizationSettings | null>(null);
  /** The plan's limits beside the settings (null when they could not be read). */
  const planLimits = ref<Plan['limits'] | null>(null);
  const changes = ref<SettingChange[]>([]);
  /** The provider, or null when the organization has none (404). */
  const oidc = ref<OidcProvider | null>(null);

  function organizationId(): string {
    if (!session.currentOrganizationId) throw new Error('no organization is chosen');
    return session.currentOrganizationId;
  }

  async function update(patch: { name?: string; slug?: string }): Promise<Organization> {
    const updated = await api.updateOrganization(organizationId(), patch);
    await session.refreshOrganizations();
    return updated;
  }

  async function loadSettings(): Promise<OrganizationSettings> {
    const id = organizationId();
    const [current, subscription] = await Promise.all([api.getSettings(id), getSubscription(id).catch(() => null)]);
    settings.value = current;
    planLimits.value = subscription?.plan.limits ?? null;
    return current;
  }

  async function saveLimits(patch: Partial<Limits>): Promise<OrganizationSettings> {
    settings.value = await api.updateSettings(organizationId(), patch);
    await loadChanges().catch(() => undefined);
    return settings.value;
  }

  async function loadChanges(): Promise<SettingChange[]> {
    changes.value = await api.listSettingChanges(organizationId());
    return changes.value;
  }

  async function loadOidc(): Promise<OidcProvider | null> {
    try {
      oidc.value = await api.getOidc(organizationId());
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      oidc.value = null;
    }
    return oidc.value;
  }

  async function saveOidc(input: OidcInput): Promise<OidcProvider> {
    oidc.value = await api.putOidc(organizationId(), input);
    return oidc.value;
  }

  async function removeOidc(): Promise<void> {
    await api.deleteOidc(organizationId());
    oidc.value = null;
  }

  /** Deletes the organization and moves the session to another one (none left: the caller goes to /welcome). */
  async function remove(confirmSlug: string): Promise<{ archivedDomains: number; remaining: number }> {
    const id = organizationId();
    const result = await api.deleteOrganization(id, confirmSlug);
    session.currentOrganizationId = null;
    await session.refreshOrganizations();
    return { archivedDomains: result.archivedDomains, remaining: session.organizations.length };
  }

  function reset(): void {
    settings.value = null;
    planLimits.value = null;
    changes.value = [];
    oidc.value = null;
  }
  watch(() => session.currentOrganizationId, reset);

  return { settings, planLimits, changes, oidc, update, loadSettings, saveLimits, loadChanges, loadOidc, saveOidc, removeOidc, remove, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useOrganizationsStore, import.meta.hot));
