import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/auth';
import { ApiError } from '@/api/client';
import * as sessionApi from '@/api/session';
import { useSessionStore } from '@/stores/session';
import { mountAt } from '@/views/auth/test-harness';
import InvitationAcceptView from './InvitationAcceptView.vue';

vi.mock('@/api/auth', () => {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`unexpected call: ${name}`)));
  return { previewInvitation: unexpected('previewInvitation'), acceptInvitation: unexpected('acceptInvitation'), signup: unexpected('signup') };
});
vi.mock('@/api/session', () => ({ listOrganizations: vi.fn(), getSession: vi.fn(), logout: vi.fn() }));

const PREVIEW = { organizationName: 'Acme', email: 'bo@example.test', role: 'admin' as const, expiresAt: '2026-12-14T00:00:00.000Z' };
const user = (email: string) => ({ user: { id: 'u', email, name: 'Bo', operator: false }, csrfToken: 'c', expiresAt: '2026-12-14T00:00:00.000Z' });

describe('InvitationAcceptView', () => {
  let wrapper: Awaited<ReturnType<typeof mountAt>>['wrapper'] | undefined;
  beforeEach(() => {
    vi.mocked(api.previewInvitation).mockResolvedValue(PREVIEW);
    vi.mocked(sessionApi.listOrganizations).mockResolvedValue([{ id: 'org-acme', name: 'Acme', slug: 'acme', role: 'admin', createdAt: '2026-01-01T00:00:00Z' }]);
  });
  afterEach(() => wrapper?.unmount());

  it('signed out: creates the account with the token from the fragment and lands in the organization', async () => {
    vi.mocked(api.signup).mockResolvedValueOnce({ status: 'joined', organizationId: 'org-acme' });
    vi.mocked(sessionApi.getSession).mockResolvedValueOnce(user('bo@example.test'));
    const mounted = await mountAt('/invitations/accept#token=inv_xyz', InvitationAcceptView, '/invitations/accept');
    wrapper = mounted.wrapper;
    expect(api.previewInvitation).toHaveBeenCalledWith('inv_xyz');
    expect(wrapper.get('[data-testid="invitation-summary"]').text()).toBe('You are invited to Acme as Admin.');
    // The sign-in link keeps the token: the sign-in page comes back here with it.
    const signIn = mounted.router.resolve(wrapper.get('[data-testid="invitation-sign-in"]').attributes('href')!);
    expect([signIn.path, signIn.hash, signIn.query.redirect]).toEqual(['/sign-in', '', '/invitations/accept#token=inv_xyz']);
    await wrapper.get('input[name="name"]').setValue('Bo');
    await wrapper.get('input[name="new-password"]').setValue('a-long-password-1');
    await wrapper.get('[data-testid="invitation-sign-up"]').trigger('submit');
    await flushPromises();
    expect(api.signup).toHaveBeenCalledWith({ invitationToken: 'inv_xyz', password: 'a-long-password-1', name: 'Bo' });
    expect(useSessionStore().currentOrganizationId).toBe('org-acme');
    expect(mounted.router.currentRoute.value.fullPath).toBe('/domains');
  });

  it('signed in as someone else: explains the mismatch and offers to sign out', async () => {
    const mounted = await mountAt('/invitations/accept#token=inv_xyz', InvitationAcceptView, '/invitations/accept');
    wrapper = mounted.wrapper;
    useSessionStore().adopt(user('other@example.test'));
    await flushPromises();
    expect(wrapper.get('[data-testid="invitation-mismatch"]').text()).toContain('This invitation is for bo@example.test, but you are signed in as other@example.test');
    expect(wrapper.find('[data-testid="invitation-accept"]').exists()).toBe(false);
  });

  it('explains a link that no longer works with its reason', async () => {
    vi.mocked(api.previewInvitation).mockRejectedValueOnce(new ApiError('INVITATION_INVALID', 'gone', 410, { reason: 'expired' }));
    wrapper = (await mountAt('/invitations/accept#token=old', InvitationAcceptView, '/invitations/accept')).wrapper;
    const text = wrapper.get('[data-testid="invitation-invalid"]').text();
    expect(text).toContain('This invitation link no longer works.');
    expect(text).toContain('It expired.');
  });
});
