import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { ApiError } from '@/api/client';
import type { Project } from '@/api/domain-connect';
import { createConsoleI18n } from '@/i18n';
import ConnectError from './ConnectError.vue';
import { useConnectActions } from './useConnectActions';

vi.mock('@/api/domain-connect', () => ({
  createDomain: vi.fn(() => Promise.reject(new Error('createDomain not set up'))),
  assignToProject: vi.fn(() => Promise.reject(new Error('assignToProject not set up'))),
  issueWidgetToken: vi.fn(() => Promise.reject(new Error('issueWidgetToken not set up'))),
  findDomainByHostname: vi.fn(() => Promise.reject(new Error('findDomainByHostname not set up'))),
}));
const api = vi.mocked(await import('@/api/domain-connect'));

const PROJECTS = [{ id: 'p1', name: 'Shop' }, { id: 'p2', name: 'Blog' }, { id: 'p3', name: 'Docs' }] as Project[];

function setup() {
  let actions!: ReturnType<typeof useConnectActions>;
  mount(defineComponent({ setup: () => ((actions = useConnectActions(() => 'org-1', () => PROJECTS)), () => null) }), { global: { plugins: [createConsoleI18n('en')] } });
  return actions;
}

afterEach(() => vi.clearAllMocks());

describe('useConnectActions', () => {
  it('adds the domain in the first chosen project and assigns it to the others, reporting each failed assignment', async () => {
    api.createDomain.mockResolvedValueOnce({ id: 'd1', hostname: 'shop.example.com' } as never);
    api.assignToProject.mockResolvedValueOnce({} as never).mockRejectedValueOnce(new ApiError('FORBIDDEN', 'Not your project.', 403));
    const actions = setup();
    const added = await actions.addYourself({ hostname: 'shop.example.com', projectIds: ['p1', 'p2', 'p3'], mode: 'self' });
    expect(api.createDomain).toHaveBeenCalledWith('org-1', { hostname: 'shop.example.com', projectId: 'p1' });
    expect(api.assignToProject.mock.calls).toEqual([['p2', 'shop.example.com'], ['p3', 'shop.example.com']]);
    expect(added).toEqual({ domainId: 'd1', hostname: 'shop.example.com', problems: ['shop.example.com was added, but not assigned to Docs: Not your project.'] });
  });

  it('adds without a project when none is chosen', async () => {
    api.createDomain.mockResolvedValueOnce({ id: 'd2', hostname: 'blog.example.com' } as never);
    const added = await setup().addYourself({ hostname: 'blog.example.com', projectIds: [], mode: 'self' });
    expect(api.createDomain).toHaveBeenCalledWith('org-1', { hostname: 'blog.example.com', projectId: null });
    expect(added?.problems).toEqual([]);
  });

  it('keeps HOSTNAME_TAKEN with the existing domain to link to', async () => {
    api.createDomain.mockRejectedValueOnce(new ApiError('HOSTNAME_TAKEN', 'Your organization already has shop.example.com.', 409));
    api.findDomainByHostname.mockResolvedValueOnce({ id: 'd-old', hostname: 'shop.example.com' });
    const actions = setup();
    expect(await actions.addYourself({ hostname: 'shop.example.com', projectIds: ['p1'], mode: 'self' })).toBeNull();
    expect(actions.error.value?.code).toBe('HOSTNAME_TAKEN');
    expect(actions.existingId.value).toBe('d-old');
    expect(api.findDomainByHostname).toHaveBeenCalledWith('org-1', 'shop.example.com');
  });

  it('issues widget tokens for the first chosen project, limited to the hostname, and assigns the rest once connected', async () => {
    api.issueWidgetToken.mockResolvedValueOnce({ token: 'wt_1', expiresAt: '' }).mockResolvedValueOnce({ token: 'wt_2', expiresAt: '' });
    api.assignToProject.mockResolvedValue({} as never);
    const actions = setup();
    const session = await actions.startGuide({ hostname: 'shop.example.com', projectIds: ['p2', 'p1'], mode: 'guide' });
    expect(session?.token).toBe('wt_1');
    expect(await actions.refreshToken(session!)).toBe('wt_2');
    expect(api.issueWidgetToken.mock.calls).toEqual([['p2', 'shop.example.com'], ['p2', 'shop.example.com']]);
    expect(await actions.finishGuide(session!, 'shop.example.com')).toEqual([]);
    expect(api.assignToProject.mock.calls).toEqual([['p1', 'shop.example.com']]);
  });
});

describe('ConnectError', () => {
  const render = (error: ApiError, existingId: string | null = null) =>
    mount(ConnectError, { props: { error, hostname: 'shop.example.com', existingId }, global: { plugins: [createConsoleI18n('en')], stubs: { RouterLink: { props: ['to'], template: '<a :href="to"><slot /></a>' } } } });

  it('explains each well-known code and links where the user can act', () => {
    const taken = render(new ApiError('HOSTNAME_TAKEN', 'taken', 409), 'd-old');
    expect(taken.text()).toContain('Your organization already has shop.example.com.');
    expect(taken.get('a').attributes('href')).toBe('/domains/d-old');
    const plan = render(new ApiError('PLAN_LIMIT_REACHED', 'The free plan allows 3 domains.', 402));
    expect(plan.text()).toContain('Your plan allows no more domains.');
    expect(plan.text()).toContain('The free plan allows 3 domains.');
    expect(plan.get('a').attributes('href')).toBe('/billing');
    expect(render(new ApiError('DOMAIN_QUOTA_EXCEEDED', 'Domain limit reached (5/5).', 409)).text()).toContain('reached its domain limit');
    expect(render(new ApiError('HOSTNAME_INVALID', 'This is a public suffix.', 400)).text()).toContain('This is a public suffix.');
    expect(render(new ApiError('FORBIDDEN', 'no', 403)).text()).toContain('Your role cannot add domains here.');
  });
});
