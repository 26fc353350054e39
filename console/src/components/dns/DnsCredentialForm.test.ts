import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/client';
import * as api from '@/api/dns';
import { createConsoleI18n } from '@/i18n';
import DnsCredentialForm from './DnsCredentialForm.vue';

vi.mock('@/api/dns', () => ({
  listProviders: vi.fn(() => Promise.reject(new Error('listProviders not set up'))),
  listDnsCredentials: vi.fn(() => Promise.reject(new Error('listDnsCredentials not set up'))),
  createDnsCredential: vi.fn(() => Promise.reject(new Error('createDnsCredential not set up'))),
  deleteDnsCredential: vi.fn(() => Promise.reject(new Error('deleteDnsCredential not set up'))),
}));
vi.mock('@/api/session', () => ({
  getSession: vi.fn(() => Promise.reject(new Error('getSession not set up'))),
  logout: vi.fn(() => Promise.reject(new Error('logout not set up'))),
  listOrganizations: vi.fn(() => Promise.reject(new Error('listOrganizations not set up'))),
}));

const provider: api.DnsProvider = {
  provider: 'acme-dns',
  displayName: 'Acme DNS',
  plugin: 'dns.acme',
  setup: 'api',
  nameservers: [],
  capabilities: null,
  credentialSchema: { type: 'object', properties: { apiToken: { type: 'string' }, account: { type: 'string' } }, required: ['apiToken'] },
  permissions: ['Zone: DNS edit'],
  docsUrl: 'https://docs.acme.example/tokens',
};

function mountForm() {
  return mount(DnsCredentialForm, { props: { projectId: 'p1', providers: [provider] }, global: { plugins: [createConsoleI18n('en')] } });
}

describe('DnsCredentialForm', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.clearAllMocks());

  it('shows the provider’s permissions and docs, and asks for the required fields before sending', async () => {
    const wrapper = mountForm();
    expect(wrapper.text()).toContain('Zone: DNS edit');
    expect(wrapper.get('a[href="https://docs.acme.example/tokens"]').text()).toBe('Acme DNS documentation');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('#credential-apiToken-hint').text()).toBe('Api token is required.');
    expect(api.createDnsCredential).not.toHaveBeenCalled();
  });

  it('sends the typed fields and reports the stored credential', async () => {
    const created = { id: 'c1', projectId: 'p1', provider: 'acme-dns', label: 'Prod', customerRef: null, zones: null, verifiedAt: 'x', lastUsedAt: null, createdAt: 'x' };
    vi.mocked(api.createDnsCredential).mockResolvedValue(created);
    const wrapper = mountForm();
    await wrapper.get('input[maxlength="120"]').setValue('Prod');
    await wrapper.get('#credential-apiToken').setValue(' tok ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.createDnsCredential).toHaveBeenCalledWith('p1', { provider: 'acme-dns', label: 'Prod', credentials: { apiToken: 'tok' } });
    expect(wrapper.emitted('created')).toEqual([[created]]);
  });

  it('explains a refused credential, keeps the label and plain fields, and clears the secret', async () => {
    vi.mocked(api.createDnsCredential).mockRejectedValue(new ApiError('DNS_CREDENTIAL_REJECTED', 'Acme DNS refused the credential (auth): bad token', 422, { kind: 'auth' }));
    const wrapper = mountForm();
    await wrapper.get('input[maxlength="120"]').setValue('Prod');
    await wrapper.get('#credential-apiToken').setValue('wrong');
    await wrapper.get('#credential-account').setValue('acct-7');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const alert = wrapper.get('[data-testid="credential-error"]');
    expect(alert.attributes('role')).toBe('alert');
    expect(alert.text()).toContain('Acme DNS refused this credential');
    expect(alert.text()).toContain('DNS_CREDENTIAL_REJECTED');
    expect((wrapper.get('input[maxlength="120"]').element as HTMLInputElement).value).toBe('Prod');
    expect((wrapper.get('#credential-account').element as HTMLInputElement).value).toBe('acct-7');
    expect((wrapper.get('#credential-apiToken').element as HTMLInputElement).value).toBe('');
    expect(wrapper.emitted('created')).toBeUndefined();
  });
});
