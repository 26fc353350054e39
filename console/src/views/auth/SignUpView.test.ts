import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/auth';
import { ApiError } from '@/api/client';
import SignUpView from './SignUpView.vue';
import { mountAt } from './test-harness';

vi.mock('@/api/auth', () => {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`unexpected call: ${name}`)));
  return { getSetup: unexpected('getSetup'), signup: unexpected('signup') };
});

describe('SignUpView', () => {
  let wrapper: Awaited<ReturnType<typeof mountAt>>['wrapper'] | undefined;
  afterEach(() => wrapper?.unmount());

  const fill = async (w: NonNullable<typeof wrapper>) => {
    await w.get('input[name="name"]').setValue('Ada');
    await w.get('input[name="email"]').setValue('ada@example.test');
    await w.get('input[name="new-password"]').setValue('a-long-password-1');
    await w.get('input[name="organization"]').setValue('Acme');
    await w.get('form').trigger('submit');
    await flushPromises();
  };

  it('open sign-up: sends the form, then says to sign in (the answer is the same for a known address)', async () => {
    vi.mocked(api.getSetup).mockResolvedValueOnce({ needsOwner: false, signup: 'open' });
    vi.mocked(api.signup).mockResolvedValueOnce({ status: 'accepted' });
    wrapper = (await mountAt('/sign-up', SignUpView, '/sign-up')).wrapper;
    expect(wrapper.find('[data-testid="signup-not-open"]').exists()).toBe(false);
    await fill(wrapper);
    expect(api.signup).toHaveBeenCalledWith({ email: 'ada@example.test', password: 'a-long-password-1', name: 'Ada', organizationName: 'Acme' });
    expect(wrapper.get('[data-testid="auth-notice"]').text()).toContain('If this address had no account, it has one now. Sign in with it.');
    expect(wrapper.find('[data-testid="sign-in-link"]').exists()).toBe(true);
  });

  it('explains a rate limit with its countdown and keeps the form', async () => {
    vi.mocked(api.getSetup).mockResolvedValueOnce({ needsOwner: false, signup: 'open' });
    vi.mocked(api.signup).mockRejectedValueOnce(new ApiError('SIGNUP_RATE_LIMITED', 'slow down', 429, { retryAfterSeconds: 60 }, 60));
    wrapper = (await mountAt('/sign-up', SignUpView, '/sign-up')).wrapper;
    await fill(wrapper);
    const alert = wrapper.get('[data-testid="auth-error"]').text();
    expect(alert).toContain('Too many sign-up attempts');
    expect(alert).toContain('Try again in 60 s.');
    expect((wrapper.get('input[name="email"]').element as HTMLInputElement).value).toBe('ada@example.test');
  });
});
