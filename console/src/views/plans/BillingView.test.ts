import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/client';
import type { Plan, Subscription } from '@/api/plans';
import type { Role } from '@/api/session';
import { createConsoleI18n } from '@/i18n';

vi.mock('@/api/plans', () => ({
  getUsage: vi.fn(() => Promise.reject(new Error('getUsage was not set up'))),
  getSubscription: vi.fn(() => Promise.reject(new Error('getSubscription was not set up'))),
  listPlans: vi.fn(() => Promise.reject(new Error('listPlans was not set up'))),
  changePlan: vi.fn(() => Promise.reject(new Error('changePlan was not set up'))),
}));
vi.mock('@/api/organizations', () => ({ listProjects: vi.fn(() => Promise.resolve([])) }));
vi.mock('@/api/session', () => ({
  getSession: vi.fn(() => Promise.reject(new Error('getSession was not set up'))),
  logout: vi.fn(() => Promise.reject(new Error('logout was not set up'))),
  listOrganizations: vi.fn(() => Promise.reject(new Error('listOrganizations was not set up'))),
}));

const api = await import('@/api/plans');
const { useSessionStore } = await import('@/stores/session');
const { default: BillingView } = await import('./BillingView.vue');

const ORG = '6e83767b-9e95-42d2-b64b-083b8c807916';
const limits = { domains: 3, projects: 2, mappingsPerProject: null, apiKeys: null, members: 5, webhookEndpoints: null, certificatesPerMonth: null, checksPerDay: null };
const free: Plan = { id: 'free', name: 'Free', description: null, limits, features: [] };
const pro: Plan = { id: 'pro', name: 'Pro', description: null, limits: { ...limits, domains: 100 }, features: ['sso'] };
const subscription = (overrides: Partial<Subscription> = {}): Subscription => ({ organizationId: ORG, plan: free, pending: null, overLimit: [], updatedAt: null, ...overrides });

function signedInAs(role: Role): void {
  const session = useSessionStore();
  session.organizations = [{ id: ORG, name: 'Acme', slug: 'acme', role, createdAt: '2026-12-01T00:00:00Z' }];
  session.currentOrganizationId = ORG;
}
const render = () => mount(BillingView, { global: { plugins: [createConsoleI18n('en')], stubs: { RouterLink: { template: '<a><slot /></a>' }, ConfirmDialog: true } } });

describe('BillingView', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    setActivePinia(createPinia());
    vi.mocked(api.listPlans).mockResolvedValue([free, pro]);
  });

  it('shows a change pending at the billing provider with the link to finish it, and the limits usage is above', async () => {
    signedInAs('owner');
    vi.mocked(api.getSubscription).mockResolvedValue(
      subscription({ pending: { plan: pro, redirectUrl: 'https://billing.example/checkout?plan=pro' }, overLimit: [{ resource: 'domains', usage: 4, limit: 3 }] }),
    );
    const wrapper = render();
    await flushPromises();
    expect(wrapper.text()).toContain('The change to Pro waits for the billing provider.');
    expect(wrapper.get('a[href^="https://billing.example"]').text()).toBe('Finish at the billing provider');
    expect(wrapper.text()).toContain('Domains: 4 in use, the plan allows 3');
    expect(wrapper.get('[data-testid="plan-pro"]').text()).toContain('Pending');
    expect(wrapper.find('[data-testid="plan-pro"] button').exists()).toBe(true);
  });

  it('shows an admin the plans without buttons to choose one', async () => {
    signedInAs('admin');
    vi.mocked(api.getSubscription).mockResolvedValue(subscription());
    const wrapper = render();
    await flushPromises();
    expect(wrapper.find('[data-testid="billing-read-only"]').exists()).toBe(true);
    expect(wrapper.findAll('button').filter((b) => b.text().startsWith('Choose'))).toHaveLength(0);
  });

  it('shows the forbidden state on a 403', async () => {
    signedInAs('project_member');
    vi.mocked(api.getSubscription).mockRejectedValue(new ApiError('FORBIDDEN', 'Your role does not allow this.', 403));
    const wrapper = render();
    await flushPromises();
    expect(wrapper.find('[data-state="forbidden"]').exists()).toBe(true);
  });
});
