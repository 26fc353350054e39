import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import * as api from '@/api/dns';
import type { DnsCredential, DnsCredentialInput, DnsProvider } from '@/api/dns';
import { useSessionStore } from './session';

/**
 * The DNS providers Portico knows (the same for every organization) and the stored credentials of the project on
 * screen. Credentials belong to the current organization: they are forgotten when it changes.
 */
export const useDnsStore = defineStore('dns', () => {
  const session = useSessionStore();
  const providers = ref<DnsProvider[] | null>(null);
  const credentials = ref<DnsCredential[]>([]);
  const credentialsProjectId = ref<string | null>(null);

  /** Providers a credential can be stored for: enabled plugins with API setup and a credential schema. */
  const apiProviders = computed(() => (providers.value ?? []).filter((p) => p.setup === 'api' && p.plugin !== null));

  function providerName(id: string): string {
    return providers.value?.find((p) => p.provider === id)?.displayName ?? id;
  }

  async function loadProviders(): Promise<DnsProvider[]> {
    providers.value = await api.listProviders();
    return providers.value;
  }

  async function loadCredentials(projectId: string): Promise<DnsCredential[]> {
    const list = await api.listDnsCredentials(projectId);
    credentials.value = list;
    credentialsProjectId.value = projectId;
    return list;
  }

  async function createCredential(projectId: string, input: DnsCredentialInput): Promise<DnsCredential> {
    const created = await api.createDnsCredential(projectId, input);
    if (credentialsProjectId.value === projectId) credentials.value = [created, ...credentials.value.filter((c) => c.id !== created.id)];
    return created;
  }

  async function removeCredential(id: string): Promise<void> {
    await api.deleteDnsCredential(id);
    credentials.value = credentials.value.filter((c) => c.id !== id);
  }

  function reset(): void {
    credentials.value = [];
    credentialsProjectId.value = null;
  }

  watch(() => session.currentOrganizationId, reset);

  return { providers, apiProviders, credentials, credentialsProjectId, providerName, loadProviders, loadCredentials, createCredential, removeCredential, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDnsStore, import.meta.hot));
