import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';
import * as api from '@/api/api-keys';
import type { ApiKey, ApiKeyInput, CreatedApiKey, ProjectSummary } from '@/api/api-keys';
import { useSessionStore } from './session';

/**
 * The current organization's API keys. A new key's secret is held only while the dialog that shows it is open:
 * `dismissSecret` forgets it for good (the server never answers it again), and so does switching organization.
 */
export const useApiKeysStore = defineStore('api-keys', () => {
  const session = useSessionStore();
  const keys = ref<ApiKey[]>([]);
  const projects = ref<ProjectSummary[]>([]);
  /** The key just created, with its secret, until the user closes the dialog. */
  const revealed = ref<CreatedApiKey | null>(null);

  function organizationId(): string {
    const id = session.currentOrganizationId;
    if (!id) throw new Error('no organization is selected');
    return id;
  }

  async function load(): Promise<ApiKey[]> {
    const id = organizationId();
    const [list, projectList] = await Promise.all([api.listApiKeys(id), api.listProjects(id)]);
    keys.value = list;
    projects.value = projectList;
    return list;
  }

  async function create(input: ApiKeyInput): Promise<CreatedApiKey> {
    const created = await api.createApiKey(organizationId(), input);
    const { secret: _secret, ...key } = created;
    keys.value = [key, ...keys.value];
    revealed.value = created;
    return created;
  }

  function dismissSecret(): void {
    revealed.value = null;
  }

  async function revoke(id: string): Promise<ApiKey> {
    const updated = await api.revokeApiKey(organizationId(), id);
    keys.value = keys.value.map((k) => (k.id === id ? updated : k));
    return updated;
  }

  function projectName(id: string | null): string | null {
    return id ? (projects.value.find((p) => p.id === id)?.name ?? id) : null;
  }

  function reset(): void {
    keys.value = [];
    projects.value = [];
    revealed.value = null;
  }

  watch(() => session.currentOrganizationId, reset);

  return { keys, projects, revealed, load, create, dismissSecret, revoke, projectName, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useApiKeysStore, import.meta.hot));
