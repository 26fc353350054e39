import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/auth';
import { ApiError } from '@/api/client';
import PasswordResetView from './PasswordResetView.vue';
import { mountAt } from './test-harness';

vi.mock('@/api/auth', () => ({ confirmPasswordReset: vi.fn(() => Promise.reject(new Error('unexpected call: confirmPasswordReset'))) }));

describe('PasswordResetView', () => {
  let wrapper: Awaited<ReturnType<typeof mountAt>>['wrapper'] | undefined;
  afterEach(() => {
    wrapper?.unmount();
    vi.mocked(api.confirmPasswordReset).mockReset();
  });

  it('reads the token from the URL fragment, drops it from the address, and sends it with the new password', async () => {
    vi.mocked(api.confirmPasswordReset).mockResolvedValueOnce(undefined as never);
    const mounted = await mountAt('/reset-password#token=rst_abc123', PasswordResetView, '/reset-password');
    wrapper = mounted.wrapper;
    expect(mounted.router.currentRoute.value.hash).toBe('');
    await wrapper.get('input[name="new-password"]').setValue('a-brand-new-password');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.confirmPasswordReset).toHaveBeenCalledWith('rst_abc123', 'a-brand-new-password');
    expect(mounted.router.currentRoute.value.fullPath).toBe('/sign-in?reset=done');
  });

  it('explains a link that no longer works, keeps the password typed, and links to ask again', async () => {
    vi.mocked(api.confirmPasswordReset).mockRejectedValueOnce(new ApiError('PASSWORD_RESET_INVALID', 'invalid', 400));
    wrapper = (await mountAt('/reset-password#token=used', PasswordResetView, '/reset-password')).wrapper;
    await wrapper.get('input[name="new-password"]').setValue('a-brand-new-password');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="auth-error"]').text()).toContain('This reset link no longer works');
    expect(wrapper.find('[data-testid="reset-ask-again"]').exists()).toBe(true);
    expect((wrapper.get('input[name="new-password"]').element as HTMLInputElement).value).toBe('a-brand-new-password');
  });

  it('without a token, says to open the email’s link and offers a new one', async () => {
    wrapper = (await mountAt('/reset-password', PasswordResetView, '/reset-password')).wrapper;
    expect(wrapper.find('form').exists()).toBe(false);
    expect(wrapper.get('[data-testid="reset-missing-token"]').text()).toContain('Ask for a new link');
  });
});
