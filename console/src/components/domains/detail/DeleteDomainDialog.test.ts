import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/client';
import * as api from '@/api/domains';
import type { Domain } from '@/api/domains';
import { createConsoleI18n } from '@/i18n';
import { useDomainDetailStore } from '@/stores/domain-detail';
import DeleteDomainDialog from './DeleteDomainDialog.vue';

vi.mock('@/api/domains', async () => (await import('./detail-test-setup')).unexpectedDomainsApi());
vi.mock('@/api/dns', () => ({ listDnsCredentials: vi.fn(() => Promise.reject(new Error('unexpected call'))) }));

const HOSTNAME = 'shop.customer.com';
const domain = { id: 'd1', hostname: HOSTNAME, status: 'verified' } as Domain;
const usage = { count: 2, projects: [{ id: 'p1', name: 'Shop', slug: 'shop' }, { id: 'p2', name: 'Blog', slug: 'blog' }], services: 3 };

async function openDialog() {
  useDomainDetailStore().domainId = 'd1';
  vi.mocked(api.getDomainUsage).mockResolvedValue(usage);
  const wrapper = mount(DeleteDomainDialog, { props: { open: false, domain, displayName: HOSTNAME }, global: { plugins: [createConsoleI18n('en')] }, attachTo: document.body });
  await wrapper.setProps({ open: true });
  await flushPromises();
  return wrapper;
}

describe('deleting a domain', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.clearAllMocks();
  });

  it('shows what uses the domain and deletes only once the hostname is typed', async () => {
    const wrapper = await openDialog();
    expect(wrapper.text()).toContain('This domain is used by 2 projects');
    expect(wrapper.get('[data-testid="delete-usage"]').text()).toContain('Shop');
    const submit = wrapper.get('button[type="submit"]');
    expect(submit.attributes('disabled')).toBeDefined();

    await wrapper.get('[data-testid="confirm-input"]').setValue('shop.customer');
    expect(submit.attributes('disabled')).toBeDefined();

    vi.mocked(api.deleteDomain).mockResolvedValueOnce({ id: 'd1', hostname: HOSTNAME, status: 'archived', usage });
    await wrapper.get('[data-testid="confirm-input"]').setValue(HOSTNAME);
    expect(submit.attributes('disabled')).toBeUndefined();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.deleteDomain).toHaveBeenCalledWith('d1', HOSTNAME);
    expect(wrapper.emitted('deleted')).toHaveLength(1);
    wrapper.unmount();
  });

  it('explains a refusal and keeps what was typed', async () => {
    const wrapper = await openDialog();
    await wrapper.get('[data-testid="confirm-input"]').setValue(HOSTNAME);
    vi.mocked(api.deleteDomain).mockRejectedValueOnce(new ApiError('FORBIDDEN', 'This domain is in use; only an organization owner can delete it.', 403, { requiredRole: 'owner' }));
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toContain('FORBIDDEN');
    expect((wrapper.get('[data-testid="confirm-input"]').element as HTMLInputElement).value).toBe(HOSTNAME);
    expect(wrapper.emitted('deleted')).toBeUndefined();
    wrapper.unmount();
  });
});
