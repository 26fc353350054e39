import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import type * as DomainsApi from '@/api/domains';
import type { DomainListItem } from '@/api/domains';
import { createConsoleI18n } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import DomainListView from './DomainListView.vue';

// Every call must be set up by the test: an unexpected one fails it (no network).
vi.mock('@/api/domains', async (original) => ({
  ...(await original<typeof DomainsApi>()),
  listDomains: vi.fn(() => Promise.reject(new Error('unexpected listDomains'))),
  bulkDomains: vi.fn(() => Promise.reject(new Error('unexpected bulkDomains'))),
}));
const api = vi.mocked(await import('@/api/domains'));

const ORG = '00000000-0000-4000-8000-000000000001';
const row = (n: number, extra: Partial<DomainListItem> = {}): DomainListItem => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  organizationId: ORG,
  projectIds: [],
  hostname: `d${n}.example.com`,
  status: 'pending',
  statusLabel: 'Pending',
  statusTone: 'warning',
  statusMessage: null,
  method: 'dns-txt',
  instructions: [],
  methodAvailable: true,
  verifiedAt: null,
  lastCheckedAt: null,
  nextCheckAt: null,
  autoRetryCount: 0,
  setup: { mode: 'manual', provider: null, credentialId: null, zone: null, redirectUrl: null },
  customerRef: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  usage: { projects: 0, services: 0 },
  ...extra,
});

async function render(path: string, role: 'owner' | 'admin' | 'project_member' = 'owner') {
  setActivePinia(createPinia());
  const session = useSessionStore();
  session.organizations = [{ id: ORG, name: 'Acme', slug: 'acme', role } as never];
  session.currentOrganizationId = ORG;
  const stub = defineComponent({ template: '<div />' });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/domains', name: 'domains', component: DomainListView },
      { path: '/domains/new', component: stub },
      { path: '/domains/:domainId', component: stub },
    ],
  });
  await router.push(path);
  const wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [router, createConsoleI18n('en')] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

describe('DomainListView', () => {
  beforeEach(() => vi.clearAllMocks());
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('loads what the URL names, and puts filter and sort changes back into the URL', async () => {
    api.listDomains.mockResolvedValue({ data: [row(1), row(2, { hostname: 'xn--bcher-kva.example', usage: { projects: 2, services: 1 } })], nextCursor: null, total: 2, totalIsExact: true });
    const { wrapper, router } = await render('/domains?q=shop&status=stalled&sort=hostname');
    expect(api.listDomains).toHaveBeenCalledWith(ORG, { q: 'shop', status: 'stalled', sort: 'hostname', limit: 50 });
    expect((wrapper.get('[data-testid="domain-search"]').element as HTMLInputElement).value).toBe('shop');
    expect(wrapper.get('[data-status="stalled"][type="checkbox"]').element).toHaveProperty('checked', true);
    expect(wrapper.text()).toContain('bücher.example');
    expect(wrapper.text()).toContain('2 projects and 1 service');

    await wrapper.get('[data-group="progress"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: 'shop', status: 'verifying,stalled,propagating,issuing,deploying', sort: 'hostname' });
    expect(api.listDomains).toHaveBeenLastCalledWith(ORG, { q: 'shop', status: 'verifying,stalled,propagating,issuing,deploying', sort: 'hostname', limit: 50 });
    expect(wrapper.get('[data-group="progress"]').attributes('aria-pressed')).toBe('true');

    await wrapper.get('[data-sort="hostname"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query.sort).toBe('-hostname');
    await wrapper.get('[data-sort="createdAt"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query.sort).toBeUndefined(); // newest first is the default

    // Back restores the previous list.
    router.back();
    await flushPromises();
    await vi.waitFor(() => expect(router.currentRoute.value.query.sort).toBe('-hostname'));
    await flushPromises();
    expect(api.listDomains).toHaveBeenLastCalledWith(ORG, expect.objectContaining({ sort: '-hostname' }));
  });

  it('says "more than" when the server stopped counting', async () => {
    api.listDomains.mockResolvedValue({ data: [row(1)], nextCursor: 'next', total: 10000, totalIsExact: false });
    const { wrapper } = await render('/domains');
    expect(wrapper.get('[data-testid="domains-showing"]').text()).toBe('Showing 1 of more than 10,000');
  });

  it('searches once the user stops typing, replacing the URL entry', async () => {
    api.listDomains.mockResolvedValue({ data: [row(1)], nextCursor: null, total: 1, totalIsExact: true });
    const { wrapper, router } = await render('/domains');
    vi.useFakeTimers();
    const input = wrapper.get('[data-testid="domain-search"]');
    for (const value of ['s', 'sh', 'shop']) await input.setValue(value);
    expect(router.currentRoute.value.query.q).toBeUndefined();
    await vi.advanceTimersByTimeAsync(400);
    vi.useRealTimers();
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: 'shop' });
    expect(api.listDomains).toHaveBeenCalledTimes(2);
    expect(api.listDomains).toHaveBeenLastCalledWith(ORG, { q: 'shop', sort: '-createdAt', limit: 50 });
  });

  it('loads more with the cursor and keeps the page count in the URL', async () => {
    api.listDomains.mockResolvedValueOnce({ data: [row(1)], nextCursor: 'next', total: 2, totalIsExact: true }).mockResolvedValueOnce({ data: [row(2)], nextCursor: null, total: 2, totalIsExact: true });
    const { wrapper, router } = await render('/domains');
    await wrapper.get('[data-testid="load-more"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ pages: '2' });
    expect(api.listDomains).toHaveBeenLastCalledWith(ORG, { sort: '-createdAt', limit: 50, cursor: 'next' });
    expect(wrapper.findAll('tbody tr')).toHaveLength(2);
    expect(wrapper.find('[data-testid="load-more"]').exists()).toBe(false);
  });

  it('shows the empty state with the way to connect a domain, and "no match" when filters hide everything', async () => {
    api.listDomains.mockResolvedValue({ data: [], nextCursor: null, total: 0, totalIsExact: true });
    const { wrapper } = await render('/domains');
    expect(wrapper.get('[data-testid="domains-empty"]').text()).toContain('No domains yet');
    expect(wrapper.get('[data-testid="domains-empty"] a').attributes('href')).toBe('/domains/new');
    const filtered = await render('/domains?q=zzz');
    expect(filtered.wrapper.find('[data-testid="domains-empty"]').exists()).toBe(false);
    expect(filtered.wrapper.get('[data-testid="domains-no-match"]').text()).toContain('No domain matches');
  });

  it('deletes the selection after the typed confirmation and lists what failed', async () => {
    const rows = [row(1), row(2, { usage: { projects: 1, services: 0 } }), row(3)];
    api.listDomains.mockResolvedValue({ data: rows, nextCursor: null, total: 3, totalIsExact: true });
    const { wrapper } = await render('/domains');
    const boxes = wrapper.findAll('tbody input[type="checkbox"]');
    await boxes[0]!.setValue(true);
    await boxes[1]!.setValue(true);
    expect(wrapper.get('[data-testid="bulk-bar"]').text()).toContain('2 domains selected');
    await wrapper.get('[data-testid="bulk-delete"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="bulk-delete-usage"]').text()).toContain('1 of them is used by projects');
    const submit = wrapper.get('dialog button[type="submit"]');
    expect(submit.attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="confirm-input"]').setValue('delete 2 domains');
    api.bulkDomains.mockResolvedValueOnce([
      { id: rows[0]!.id, ok: true, status: 'archived' },
      { id: rows[1]!.id, ok: false, code: 'FORBIDDEN', message: 'only owners' },
    ]);
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(api.bulkDomains).toHaveBeenCalledWith(ORG, { action: 'delete', domainIds: [rows[0]!.id, rows[1]!.id], confirm: 'delete 2 domains' });
    const results = wrapper.get('[data-testid="bulk-results"]');
    expect(results.text()).toContain('d2.example.com');
    expect(results.text()).toContain('Your role does not allow this for this domain.');
    expect(wrapper.findAll('tbody tr').map((r) => r.attributes('data-domain-id'))).toEqual([rows[1]!.id, rows[2]!.id]);
  });

  it('offers no selection or connect button to a project member', async () => {
    api.listDomains.mockResolvedValue({ data: [row(1)], nextCursor: null, total: 1, totalIsExact: true });
    const { wrapper } = await render('/domains', 'project_member');
    expect(wrapper.find('tbody input[type="checkbox"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="connect-domain"]').exists()).toBe(false);
  });
});
