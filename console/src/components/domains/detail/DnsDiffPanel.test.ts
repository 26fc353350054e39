import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createConsoleI18n } from '@/i18n';
import { useDomainDetailStore } from '@/stores/domain-detail';
import DnsDiffPanel from './DnsDiffPanel.vue';

vi.mock('@/api/domains', async () => (await import('./detail-test-setup')).unexpectedDomainsApi());
vi.mock('@/api/dns', () => ({ listDnsCredentials: vi.fn(() => Promise.reject(new Error('unexpected call'))) }));

describe('records check', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('tells ok, missing, wrong (with what was found) and could-not-check apart', async () => {
    const store = useDomainDetailStore();
    store.diff.data = {
      zone: 'customer.com',
      inSync: false,
      records: [
        { name: '_portico-challenge.shop.customer.com', type: 'TXT', ttl: 300, desired: ['portico-verification=abc'], current: ['portico-verification=abc'], status: 'ok' },
        { name: 'shop.customer.com', type: 'CNAME', ttl: 300, desired: ['edge.portico.test'], current: [], status: 'missing' },
        { name: 'customer.com', type: 'A', ttl: 300, desired: ['192.0.2.80'], current: ['203.0.113.9'], status: 'different' },
        { name: 'www.customer.com', type: 'CNAME', ttl: 300, desired: ['edge.portico.test'], current: [], status: 'unknown', error: 'SERVFAIL' },
      ],
    };
    const wrapper = mount(DnsDiffPanel, { global: { plugins: [createConsoleI18n('en')] } });
    await flushPromises();
    const rows = wrapper.findAll('[data-testid="diff-row"]');
    const cells = (i: number) => rows[i]!.findAll('td').map((td) => td.text());

    expect(cells(0)[0]).toContain('_portico-challenge.shop');
    expect(cells(0)[3]).toContain('OK');

    expect(cells(1)[2]).toBe('nothing');
    expect(cells(1)[3]).toContain('Missing');

    expect(cells(2)[0]).toContain('@');
    expect(cells(2)[2]).toBe('203.0.113.9');
    expect(cells(2)[3]).toContain('Wrong value');

    // A server that could not be asked is never reported as missing.
    expect(cells(3)[2]).toBe('not answered');
    expect(cells(3)[3]).toContain('Could not check');
    expect(cells(3)[3]).toContain('SERVFAIL');
    expect(cells(3)[3]).not.toContain('Missing');

    expect(wrapper.get('[data-testid="diff-summary"]').text()).toBe('Some records are not in place yet.');
  });

  it('says so when every record is in place', async () => {
    const store = useDomainDetailStore();
    store.diff.data = { zone: 'customer.com', inSync: true, records: [] };
    const wrapper = mount(DnsDiffPanel, { global: { plugins: [createConsoleI18n('en')] } });
    expect(wrapper.get('[data-testid="diff-summary"]').text()).toBe('All records are in place.');
  });
});
