import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/client';
import * as api from '@/api/domains';
import { createConsoleI18n } from '@/i18n';
import { useDomainDetailStore } from '@/stores/domain-detail';
import VerifyButton from './VerifyButton.vue';

vi.mock('@/api/domains', async () => (await import('./detail-test-setup')).unexpectedDomainsApi());
vi.mock('@/api/dns', () => ({ listDnsCredentials: vi.fn(() => Promise.reject(new Error('unexpected call'))) }));

describe('verify now', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
    useDomainDetailStore().domainId = 'd1';
  });
  afterEach(() => vi.useRealTimers());

  it('is off and counts down from Retry-After when the server says it checked too recently', async () => {
    vi.mocked(api.verifyDomain).mockRejectedValueOnce(new ApiError('VERIFICATION_RATE_LIMITED', 'Please wait 3 seconds.', 429, { retryAfterSeconds: 3 }, 3));
    const wrapper = mount(VerifyButton, { global: { plugins: [createConsoleI18n('en')] } });
    const button = () => wrapper.get('[data-testid="verify-now"]');

    await button().trigger('click');
    await flushPromises();
    expect(button().attributes('disabled')).toBeDefined();
    expect(button().text()).toBe('Verify now (3 s)');
    expect(wrapper.get('[data-testid="verify-countdown"]').text()).toContain('ask again in 3 seconds');

    vi.advanceTimersByTime(1_000);
    await flushPromises();
    expect(button().text()).toBe('Verify now (2 s)');

    vi.advanceTimersByTime(2_000);
    await flushPromises();
    expect(button().attributes('disabled')).toBeUndefined();
    expect(button().text()).toBe('Verify now');
    expect(wrapper.find('[data-testid="verify-countdown"]').exists()).toBe(false);
  });

  it('shows another refusal with its explanation and code, and stays usable', async () => {
    vi.mocked(api.verifyDomain).mockRejectedValueOnce(new ApiError('VERIFY_METHOD_UNAVAILABLE', 'dns-http is gone.', 409));
    const wrapper = mount(VerifyButton, { global: { plugins: [createConsoleI18n('en')] } });
    await wrapper.get('[data-testid="verify-now"]').trigger('click');
    await flushPromises();
    const alert = wrapper.get('[role="alert"]');
    expect(alert.text()).toContain('no longer enabled');
    expect(alert.text()).toContain('VERIFY_METHOD_UNAVAILABLE');
    expect(wrapper.get('[data-testid="verify-now"]').attributes('disabled')).toBeUndefined();
  });
});
