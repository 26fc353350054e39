import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/routing';
import type { Domain } from '@/api/projects';
import type { Availability, Service } from '@/api/routing';
import { createConsoleI18n } from '@/i18n';
import { useRoutingStore } from '@/stores/routing';
import MappingEditor from './MappingEditor.vue';
import { DRAFT_DEBOUNCE_MS } from './useMappingDraft';

vi.mock('@/api/routing', () => {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`unexpected call: ${name}`)));
  return { previewMapping: unexpected('previewMapping'), checkMapping: unexpected('checkMapping'), createMapping: unexpected('createMapping'), updateMapping: unexpected('updateMapping') };
});

const domains = [{ id: 'd1', hostname: 'shop.example.com', status: 'verified', statusLabel: 'Verified' }] as Domain[];
const services: Service[] = [{ id: 's1', projectId: 'p1', name: 'svc', upstreamHost: 'svc', upstreamPort: 8080, createdAt: '', updatedAt: '' }];
const free = (basePath: string): Availability => ({ available: true, host: 'shop.example.com', basePath, conflict: null, suggestions: { basePaths: [], subdomains: [] }, issues: [] });
const taken = (basePath: string): Availability => ({
  available: false,
  host: 'shop.example.com',
  basePath,
  conflict: { mappingId: 'm9', serviceName: 'billing', projectId: 'p1' },
  suggestions: { basePaths: ['/v1', '/v2'], subdomains: ['app'] },
  issues: [],
});
const preview = (basePath: string) => ({
  valid: true,
  externalUrl: `https://shop.example.com${basePath}`,
  internalUrl: 'http://svc:8080/',
  stripping: `Path ${basePath} will be stripped`,
  notice: null,
  example: { outcome: 'proxy', scheme: 'https', hostname: 'shop.example.com', path: `${basePath}/x`, internalUrl: 'http://svc:8080/x', route: { basePath, stripPath: true, protocol: 'https' } },
  availability: free(basePath),
  issues: [],
});

function mountEditor() {
  return mount(MappingEditor, { props: { domains, services }, global: { plugins: [createConsoleI18n('en')] }, attachTo: document.body });
}

describe('MappingEditor', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    useRoutingStore().projectId = 'p1';
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.mocked(api.previewMapping).mockReset();
    vi.mocked(api.checkMapping).mockReset();
  });

  it('asks for the preview once typing settles, with the latest draft', async () => {
    vi.mocked(api.checkMapping).mockImplementation(async (_p, q) => free(q.basePath ?? '/'));
    vi.mocked(api.previewMapping).mockImplementation(async (_p, body) => preview(body.basePath ?? '/') as never);
    const wrapper = mountEditor();
    await wrapper.get('[data-testid=mapping-domain]').setValue('d1');
    await wrapper.get('[data-testid=mapping-service]').setValue('s1');
    for (const typed of ['/a', '/ap', '/api']) await wrapper.get('[data-testid=mapping-base-path]').setValue(typed);
    await vi.advanceTimersByTimeAsync(DRAFT_DEBOUNCE_MS - 50);
    expect(api.previewMapping).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    await flushPromises();
    expect(api.previewMapping).toHaveBeenCalledTimes(1);
    expect(vi.mocked(api.previewMapping).mock.calls[0]).toEqual(['p1', expect.objectContaining({ domainId: 'd1', serviceId: 's1', basePath: '/api', stripPath: true, protocol: 'https' })]);
    expect(api.checkMapping).toHaveBeenCalledWith('p1', { domainId: 'd1', basePath: '/api' });
    expect(wrapper.get('[data-testid=preview-route]').text()).toContain('https://shop.example.com/api');
    expect(wrapper.get('[data-testid=preview-example]').text()).toContain('http://svc:8080/x');
    expect(wrapper.get('[data-testid=preview-route]').text()).toContain('Path /api is removed before forwarding.');
    expect(wrapper.get('[data-testid=mapping-free]').text()).toContain('shop.example.com/api is free');
    wrapper.unmount();
  });

  it('shows who holds a taken path and fills the base path with a clicked suggestion', async () => {
    vi.mocked(api.checkMapping).mockImplementation(async (_p, q) => (q.basePath === '/api' ? taken('/api') : free(q.basePath ?? '/')));
    const wrapper = mountEditor();
    await wrapper.get('[data-testid=mapping-domain]').setValue('d1');
    await wrapper.get('[data-testid=mapping-base-path]').setValue('/api');
    await vi.advanceTimersByTimeAsync(DRAFT_DEBOUNCE_MS + 10);
    await flushPromises();
    expect(api.previewMapping).not.toHaveBeenCalled(); // no service picked yet: only the check runs
    const conflict = wrapper.get('[data-testid=mapping-conflict]');
    expect(conflict.text()).toContain('shop.example.com/api is already routed to the service billing');
    const suggestion = conflict.findAll('[data-testid=suggest-base-path]').find((b) => b.text() === '/v2')!;
    await suggestion.trigger('click');
    expect((wrapper.get('[data-testid=mapping-base-path]').element as HTMLInputElement).value).toBe('/v2');
    await vi.advanceTimersByTimeAsync(DRAFT_DEBOUNCE_MS + 10);
    await flushPromises();
    expect(api.checkMapping).toHaveBeenLastCalledWith('p1', { domainId: 'd1', basePath: '/v2' });
    expect(wrapper.find('[data-testid=mapping-conflict]').exists()).toBe(false);
    expect(wrapper.get('[data-testid=mapping-free]').text()).toContain('/v2');
    wrapper.unmount();
  });

  it('keeps what was typed and shows the suggestions when saving meets a conflict', async () => {
    const { ApiError } = await import('@/api/client');
    vi.mocked(api.checkMapping).mockImplementation(async (_p, q) => free(q.basePath ?? '/'));
    vi.mocked(api.previewMapping).mockImplementation(async (_p, body) => preview(body.basePath ?? '/') as never);
    vi.mocked(api.createMapping).mockRejectedValueOnce(new ApiError('MAPPING_CONFLICT', 'shop.example.com/api is already routed.', 409, { conflict: null, suggestions: { basePaths: ['/v3'], subdomains: [] } }));
    const wrapper = mountEditor();
    await wrapper.get('[data-testid=mapping-domain]').setValue('d1');
    await wrapper.get('[data-testid=mapping-service]').setValue('s1');
    await wrapper.get('[data-testid=mapping-base-path]').setValue('/api');
    await vi.advanceTimersByTimeAsync(DRAFT_DEBOUNCE_MS + 10);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role=alert][data-code=MAPPING_CONFLICT]').text()).toContain('already routed');
    expect((wrapper.get('[data-testid=mapping-base-path]').element as HTMLInputElement).value).toBe('/api');
    expect(wrapper.get('[data-testid=mapping-conflict]').text()).toContain('/v3');
    expect(wrapper.emitted('saved')).toBeUndefined();
    wrapper.unmount();
  });
});
