import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/auth';
import { ApiError } from '@/api/client';
import * as sessionApi from '@/api/session';
import type { SessionInfo } from '@/api/session';
import { useSessionStore } from '@/stores/session';
import SignInView from './SignInView.vue';
import { mountAt } from './test-harness';

vi.mock('@/api/auth', async (original) => {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`unexpected call: ${name}`)));
  return { ...(await original<typeof api>()), getSetup: unexpected('getSetup'), login: unexpected('login'), listOidcProviders: unexpected('listOidcProviders') };
});
vi.mock('@/api/session', () => ({ listOrganizations: vi.fn(() => Promise.reject(new Error('unexpected call: listOrganizations'))), getSession: vi.fn(), logout: vi.fn() }));

const SESSION: SessionInfo = { user: { id: 'u1', email: 'ada@example.test', name: 'Ada', operator: false }, csrfToken: 'csrf', expiresAt: '2026-12-14T00:00:00.000Z' };

describe('SignInView', () => {
  let wrapper: Awaited<ReturnType<typeof mountAt>>['wrapper'] | undefined;
  beforeEach(() => {
    vi.mocked(api.getSetup).mockResolvedValue({ needsOwner: false, signup: 'invite-only' });
    vi.mocked(api.listOidcProviders).mockResolvedValue([]);
    vi.mocked(api.login).mockReset();
    vi.mocked(sessionApi.listOrganizations).mockResolvedValue([{ id: 'org-1', name: 'Acme', slug: 'acme', role: 'owner', createdAt: '2026-01-01T00:00:00Z' }]);
  });
  afterEach(() => wrapper?.unmount());

  const fill = async (w: NonNullable<typeof wrapper>) => {
    await w.get('input[name="email"]').setValue('ada@example.test');
    await w.get('input[name="password"]').setValue('a-long-password');
    await w.get('[data-testid="sign-in-form"]').trigger('submit');
    await flushPromises();
  };

  it('asks for a code after the password, keeps email and password, and lands on the sanitised redirect', async () => {
    vi.mocked(api.login).mockRejectedValueOnce(new ApiError('TOTP_REQUIRED', 'code needed', 401)).mockResolvedValueOnce(SESSION);
    const mounted = await mountAt('/sign-in?redirect=//evil.example', SignInView, '/sign-in');
    wrapper = mounted.wrapper;
    await fill(wrapper);
    expect(wrapper.find('[data-testid="sign-in-code-form"]').exists()).toBe(true);
    expect(wrapper.text()).toContain('Enter a code from your authenticator app for ada@example.test');
    await wrapper.get('input[name="code"]').setValue('123456');
    await wrapper.get('[data-testid="sign-in-code-form"]').trigger('submit');
    await flushPromises();
    expect(vi.mocked(api.login).mock.calls[1]![0]).toEqual({ email: 'ada@example.test', password: 'a-long-password', code: '123456' });
    expect(useSessionStore().user?.email).toBe('ada@example.test');
    expect(useSessionStore().currentOrganizationId).toBe('org-1');
    expect(mounted.router.currentRoute.value.fullPath).toBe('/domains');
  });

  it('goes to a redirect of this site after signing in', async () => {
    vi.mocked(api.login).mockResolvedValueOnce(SESSION);
    const mounted = await mountAt(`/sign-in?redirect=${encodeURIComponent('/invitations/accept#token=inv_1')}`, SignInView, '/sign-in');
    wrapper = mounted.wrapper;
    await fill(wrapper);
    expect(mounted.router.currentRoute.value.path).toBe('/invitations/accept');
    expect(mounted.router.currentRoute.value.hash).toBe('#token=inv_1');
  });

  it('explains a wrong password by its code and keeps what was typed', async () => {
    vi.mocked(api.login).mockRejectedValueOnce(new ApiError('INVALID_CREDENTIALS', 'Invalid email or password.', 401));
    wrapper = (await mountAt('/sign-in', SignInView, '/sign-in')).wrapper;
    await fill(wrapper);
    const alert = wrapper.get('[data-testid="auth-error"]');
    expect(alert.text()).toContain('The email address or password is wrong.');
    expect(alert.text()).toContain('INVALID_CREDENTIALS');
    expect((wrapper.get('input[name="password"]').element as HTMLInputElement).value).toBe('a-long-password');
  });

  it('counts down a rate limit with the submit button off', async () => {
    vi.useFakeTimers();
    try {
      vi.mocked(api.login).mockRejectedValueOnce(new ApiError('LOGIN_RATE_LIMITED', 'Too many', 429, undefined, 3));
      wrapper = (await mountAt('/sign-in', SignInView, '/sign-in')).wrapper;
      await fill(wrapper);
      expect(wrapper.text()).toContain('Try again in 3 s.');
      expect(wrapper.get('button[type="submit"]').attributes('disabled')).toBeDefined();
      await vi.advanceTimersByTimeAsync(3000);
      expect(wrapper.text()).not.toContain('Try again in');
      expect(wrapper.get('button[type="submit"]').attributes('disabled')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('offers the organization’s provider when password sign-in is off for it', async () => {
    vi.mocked(api.login).mockRejectedValueOnce(new ApiError('PASSWORD_SIGNIN_DISABLED', 'Use your provider', 403, { provider: 'acme-sso' }));
    wrapper = (await mountAt('/sign-in?redirect=/team', SignInView, '/sign-in')).wrapper;
    await fill(wrapper);
    expect(wrapper.get('[data-testid="enforced-provider"]').attributes('href')).toBe('/v1/auth/oidc/acme-sso/start?redirect=%2Fteam');
  });

  it('tells a newcomer of an installation without accounts how the first owner is made; sign-up shows only when open', async () => {
    vi.mocked(api.getSetup).mockResolvedValueOnce({ needsOwner: true, signup: 'invite-only' });
    wrapper = (await mountAt('/sign-in', SignInView, '/sign-in')).wrapper;
    expect(wrapper.get('[data-testid="first-owner"]').text()).toContain('npm run portico -- users create-owner');
    expect(wrapper.find('[data-testid="sign-up-link"]').exists()).toBe(false);
    wrapper.unmount();

    vi.mocked(api.getSetup).mockResolvedValueOnce({ needsOwner: false, signup: 'open' });
    wrapper = (await mountAt('/sign-in', SignInView, '/sign-in')).wrapper;
    expect(wrapper.find('[data-testid="first-owner"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="sign-up-link"]').exists()).toBe(true);
  });

  it('lists instance providers as plain links to the server’s start route', async () => {
    vi.mocked(api.listOidcProviders).mockResolvedValueOnce([{ id: 'corp', kind: 'instance', displayName: 'Corp SSO', organization: null }]);
    wrapper = (await mountAt('/sign-in?redirect=/usage', SignInView, '/sign-in')).wrapper;
    const link = wrapper.get('[data-testid="oidc-provider"]');
    expect(link.element.tagName).toBe('A');
    expect(link.text()).toBe('Sign in with Corp SSO');
    expect(link.attributes('href')).toBe('/v1/auth/oidc/corp/start?redirect=%2Fusage');
  });
});
