import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import * as api from '@/api/webhooks';
import type { Webhook, WebhookDelivery } from '@/api/webhooks';
import { useSessionStore } from './session';
import { useWebhooksStore } from './webhooks';

vi.mock('@/api/webhooks', () => {
  const unset = (name: string) => vi.fn(() => Promise.reject(new Error(`${name} not set up`)));
  return {
    listWebhooks: unset('listWebhooks'),
    listDeliveries: unset('listDeliveries'),
    createWebhook: unset('createWebhook'),
    updateWebhook: unset('updateWebhook'),
    deleteWebhook: unset('deleteWebhook'),
    rotateSecret: unset('rotateSecret'),
  };
});
vi.mock('@/api/session', () => ({
  getSession: vi.fn(() => Promise.reject(new Error('getSession not set up'))),
  logout: vi.fn(() => Promise.reject(new Error('logout not set up'))),
  listOrganizations: vi.fn(() => Promise.reject(new Error('listOrganizations not set up'))),
}));

const ORG = '00000000-0000-4000-8000-00000000000a';
const webhook = (id: string, extra: Partial<Webhook> = {}): Webhook => ({
  id,
  organizationId: ORG,
  projectId: null,
  url: `https://hooks.example.com/${id}`,
  description: '',
  eventTypes: ['*'],
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  failingSince: null,
  consecutiveFailures: 0,
  previousSecretExpiresAt: null,
  createdAt: '2026-12-07T06:00:00.000Z',
  updatedAt: '2026-12-07T06:00:00.000Z',
  ...extra,
});
const delivery = (webhookId: string): WebhookDelivery => ({
  id: `d-${webhookId}`,
  webhookId,
  eventId: 'e1',
  eventType: 'webhook.test',
  occurredAt: '2026-12-07T06:00:00.000Z',
  status: 'delivered',
  attempts: 1,
  nextAttemptAt: null,
  lastAttemptAt: '2026-12-07T06:00:01.000Z',
  lastStatusCode: 204,
  lastError: null,
  deliveredAt: '2026-12-07T06:00:01.000Z',
  createdAt: '2026-12-07T06:00:00.000Z',
});

describe('webhooks store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    useSessionStore().currentOrganizationId = ORG;
  });
  afterEach(() => vi.clearAllMocks());

  it('loads endpoints with their latest delivery; a failing look-up leaves it empty', async () => {
    vi.mocked(api.listWebhooks).mockResolvedValue([webhook('a'), webhook('b')]);
    vi.mocked(api.listDeliveries).mockImplementation(async (_org, query) => {
      if (query.webhookId === 'b') throw new Error('boom');
      return { data: [delivery(query.webhookId!)], next: null };
    });
    const store = useWebhooksStore();
    await store.load();
    expect(api.listWebhooks).toHaveBeenCalledWith(ORG);
    expect(api.listDeliveries).toHaveBeenCalledWith(ORG, { webhookId: 'a', limit: 1 });
    expect(store.endpoints.map((e) => e.id)).toEqual(['a', 'b']);
    expect(store.lastDelivery).toEqual({ a: delivery('a'), b: null });
  });

  it('hands the secret to the caller once and keeps only the endpoint; updates, rotates and removes in place', async () => {
    vi.mocked(api.createWebhook).mockResolvedValue({ ...webhook('n'), secret: 'whsec_new' });
    vi.mocked(api.updateWebhook).mockResolvedValue(webhook('n', { enabled: false }));
    vi.mocked(api.rotateSecret).mockResolvedValue({ ...webhook('n', { previousSecretExpiresAt: '2026-12-08T06:00:00.000Z' }), secret: 'whsec_rotated' });
    vi.mocked(api.deleteWebhook).mockResolvedValue(undefined as never);
    const store = useWebhooksStore();

    const created = await store.create({ url: 'https://hooks.example.com/n', eventTypes: ['*'] });
    expect(created.secret).toBe('whsec_new');
    expect(store.endpoints).toEqual([webhook('n')]);
    expect(JSON.stringify(store.$state)).not.toContain('whsec_');

    await store.update('n', { enabled: false });
    expect(store.endpoints[0]!.enabled).toBe(false);
    expect((await store.rotateSecret('n', 0)).secret).toBe('whsec_rotated');
    expect(api.rotateSecret).toHaveBeenCalledWith(ORG, 'n', 0);
    expect(JSON.stringify(store.$state)).not.toContain('whsec_');
    await store.remove('n');
    expect(store.endpoints).toEqual([]);
  });

  it('forgets the previous organization’s endpoints when the organization changes', async () => {
    vi.mocked(api.listWebhooks).mockResolvedValue([webhook('a')]);
    vi.mocked(api.listDeliveries).mockResolvedValue({ data: [], next: null });
    const store = useWebhooksStore();
    await store.load();
    useSessionStore().currentOrganizationId = '00000000-0000-4000-8000-00000000000b';
    await nextTick();
    expect(store.endpoints).toEqual([]);
    expect(store.lastDelivery).toEqual({});
  });
});
