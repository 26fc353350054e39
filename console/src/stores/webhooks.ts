import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';
import * as api from '@/api/webhooks';
import type { CreateWebhookBody, UpdateWebhookBody, Webhook, WebhookDelivery } from '@/api/webhooks';
import { useSessionStore } from '@/stores/session';

/**
 * The current organization's webhook endpoints with each one's latest delivery (the list's "last delivery"
 * column). Writes go through here so the list stays current; the secret an answer carries is handed to the caller
 * once and never kept.
 */
export const useWebhooksStore = defineStore('webhooks', () => {
  const session = useSessionStore();
  const endpoints = ref<Webhook[]>([]);
  const lastDelivery = ref<Record<string, WebhookDelivery | null>>({});

  const organizationId = (): string => {
    if (!session.currentOrganizationId) throw new Error('No organization is selected');
    return session.currentOrganizationId;
  };

  watch(
    () => session.currentOrganizationId,
    () => {
      endpoints.value = [];
      lastDelivery.value = {};
    },
  );

  /** Loads the endpoints, then their latest deliveries (a failing look-up leaves that column empty). */
  async function load(): Promise<Webhook[]> {
    const org = organizationId();
    const list = await api.listWebhooks(org);
    endpoints.value = list;
    await refreshLastDeliveries();
    return list;
  }

  async function refreshLastDeliveries(): Promise<void> {
    const org = organizationId();
    const pairs = await Promise.all(
      endpoints.value.map(async (endpoint) => {
        const page = await api.listDeliveries(org, { webhookId: endpoint.id, limit: 1 }).catch(() => null);
        return [endpoint.id, page?.data[0] ?? null] as const;
      }),
    );
    lastDelivery.value = Object.fromEntries(pairs);
  }

  function put(endpoint: Webhook): void {
    const index = endpoints.value.findIndex((e) => e.id === endpoint.id);
    endpoints.value = index === -1 ? [...endpoints.value, endpoint] : endpoints.value.map((e) => (e.id === endpoint.id ? endpoint : e));
  }

  /** Creates an endpoint; the answer's `secret` is shown once by the caller. */
  async function create(body: CreateWebhookBody): Promise<api.WebhookWithSecret> {
    const created = await api.createWebhook(organizationId(), body);
    const { secret: _secret, ...endpoint } = created;
    put(endpoint);
    return created;
  }

  async function update(webhookId: string, body: UpdateWebhookBody): Promise<Webhook> {
    const updated = await api.updateWebhook(organizationId(), webhookId, body);
    put(updated);
    return updated;
  }

  async function remove(webhookId: string): Promise<void> {
    await api.deleteWebhook(organizationId(), webhookId);
    endpoints.value = endpoints.value.filter((e) => e.id !== webhookId);
  }

  async function rotateSecret(webhookId: string, overlapHours: number): Promise<api.WebhookWithSecret> {
    const rotated = await api.rotateSecret(organizationId(), webhookId, overlapHours);
    const { secret: _secret, ...endpoint } = rotated;
    put(endpoint);
    return rotated;
  }

  return { endpoints, lastDelivery, load, refreshLastDeliveries, create, update, remove, rotateSecret };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useWebhooksStore, import.meta.hot));
