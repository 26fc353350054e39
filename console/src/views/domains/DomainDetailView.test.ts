import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { ApiError } from '@/api/client';
import * as api from '@/api/domains';
import type { Domain } from '@/api/domains';
import type { OrganizationSummary, Role } from '@/api/session';
import { createConsoleI18n } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import DomainDetailView from './DomainDetailView.vue';

vi.mock('@/api/domains', async () => (await import('@/components/domains/detail/detail-test-setup')).unexpectedDomainsApi());
vi.mock('@/api/dns', () => ({ listDnsCredentials: vi.fn(() => Promise.reject(new Error('unexpected call: listDnsCredentials'))) }));

const ID = '3f0e5a43-8d0b-4d0e-9d8e-2a4f4c1f6b10';
const domain = (status: Domain['status'], hostname = 'shop.customer.com'): Domain =>
  ({
    id: ID,
    organizationId: 'org-1',
    projectIds: [],
    hostname,
    status,
    statusLabel: status,
    statusTone: 'neutral',
    statusMessage: 'What to do next.',
    method: 'dns-txt',
    instructions: [{ name: `_portico-challenge.${hostname}`, type: 'TXT', value: 'portico-verification=abc' }],
    methodAvailable: true,
    verifiedAt: null,
    lastCheckedAt: null,
    nextCheckAt: null,
    autoRetryCount: 0,
    setup: { mode: 'manual', provider: null, credentialId: null, zone: 'customer.com', redirectUrl: null },
    customerRef: null,
    createdAt: '2026-12-07T06:00:00.000Z',
    updatedAt: '2026-12-07T06:00:00.000Z',
  }) as Domain;

function answerParts(): void {
  vi.mocked(api.getDomainEvents).mockResolvedValue([]);
  vi.mocked(api.getDomainUsage).mockResolvedValue({ count: 0, projects: [], services: 0 });
  vi.mocked(api.getDomainCertificates).mockResolvedValue([]);
  vi.mocked(api.getDnsDiff).mockResolvedValue({ zone: 'customer.com', inSync: false, records: [] });
}

async function mountView(role: Role) {
  const session = useSessionStore();
  session.organizations = [{ id: 'org-1', name: 'Org', slug: 'org', role } as OrganizationSummary];
  session.currentOrganizationId = 'org-1';
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:rest(.*)*', component: { template: '<div />' } }] });
  const wrapper = mount(DomainDetailView, { props: { domainId: ID }, global: { plugins: [createConsoleI18n('en'), router] } });
  await flushPromises();
  return wrapper;
}

describe('domain detail page', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.clearAllMocks();
  });

  it('shows an unknown or foreign id as not found, without the id', async () => {
    vi.mocked(api.getDomain).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    vi.mocked(api.getDomainEvents).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    vi.mocked(api.getDomainUsage).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    vi.mocked(api.getDomainCertificates).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    vi.mocked(api.getDnsDiff).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    const wrapper = await mountView('owner');
    expect(wrapper.find('[data-state="not-found"]').exists()).toBe(true);
    expect(wrapper.text()).not.toContain(ID);
    wrapper.unmount();
  });

  it('shows the permission-denied state on a 403', async () => {
    vi.mocked(api.getDomain).mockRejectedValue(new ApiError('FORBIDDEN', 'No.', 403));
    answerParts();
    const wrapper = await mountView('project_member');
    expect(wrapper.find('[data-state="forbidden"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('explains a takeover without naming anyone, and offers verify now and delete', async () => {
    vi.mocked(api.getDomain).mockResolvedValue(domain('taken_over'));
    answerParts();
    const wrapper = await mountView('owner');
    const panel = wrapper.get('[data-testid="takeover"]');
    expect(panel.text()).toContain('Another organization took over this hostname');
    expect(panel.text()).toContain('publish the ownership record below');
    expect(wrapper.find('[data-testid="verify-now"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="delete-domain"]').exists()).toBe(true);
    // The records to publish lead the page: host relative to the zone.
    expect(wrapper.get('[data-testid="record-host"]').text()).toBe('_portico-challenge.shop');
    wrapper.unmount();
  });

  it('shows Unicode and the A-label of an internationalised hostname', async () => {
    vi.mocked(api.getDomain).mockResolvedValue(domain('pending', 'xn--bcher-kva.customer.com'));
    answerParts();
    const wrapper = await mountView('owner');
    expect(wrapper.get('h1').text()).toBe('bücher.customer.com');
    expect(wrapper.text()).toContain('In DNS: xn--bcher-kva.customer.com');
    wrapper.unmount();
  });

  it('offers no actions to a role that cannot take them', async () => {
    vi.mocked(api.getDomain).mockResolvedValue(domain('pending'));
    answerParts();
    const wrapper = await mountView('project_member');
    expect(wrapper.find('h1').text()).toBe('shop.customer.com');
    expect(wrapper.find('[data-testid="verify-now"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="delete-domain"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="dns-plan"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
