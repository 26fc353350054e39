import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import * as api from '@/api/notifications';
import { createConsoleI18n } from '@/i18n';
import NotificationBell from './NotificationBell.vue';

vi.mock('@/api/notifications', () => ({
  listNotifications: vi.fn(() => Promise.reject(new Error('listNotifications not set up'))),
  unreadCount: vi.fn(() => Promise.reject(new Error('unreadCount not set up'))),
  markRead: vi.fn(() => Promise.reject(new Error('markRead not set up'))),
  markAllRead: vi.fn(() => Promise.reject(new Error('markAllRead not set up'))),
}));
vi.mock('@/api/events', () => ({
  latestEventCursor: vi.fn(() => Promise.reject(new Error('latestEventCursor not set up'))),
  listEvents: vi.fn(() => Promise.reject(new Error('listEvents not set up'))),
  readEventStream: vi.fn(() => Promise.reject(new Error('readEventStream not set up'))),
}));

const unreadOne = {
  id: 'n1',
  organizationId: 'o1',
  eventId: 'e1',
  type: 'domain.verified',
  severity: 'info' as const,
  title: 'shop.example.com is verified',
  body: 'Ownership verified.',
  link: '/domains/d1',
  readAt: null,
  createdAt: '2026-12-07T06:00:00.000Z',
};

async function mountBell() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }] });
  await router.push('/');
  return mount(NotificationBell, { attachTo: document.body, global: { plugins: [createConsoleI18n('en'), router] } });
}

describe('NotificationBell', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => {
    document.body.innerHTML = '';
    vi.clearAllMocks();
  });

  it('says the unread count, opens the list, closes on Escape with focus back on the bell, and marks all read', async () => {
    vi.mocked(api.unreadCount).mockResolvedValue(3);
    vi.mocked(api.listNotifications).mockResolvedValue({ data: [unreadOne], nextCursor: null });
    vi.mocked(api.markAllRead).mockResolvedValue(3);
    const wrapper = await mountBell();
    await flushPromises();
    const bell = wrapper.get('[data-testid=notification-bell]');
    expect(bell.attributes('aria-label')).toBe('Notifications, 3 unread');
    expect(wrapper.get('[data-testid=notification-count]').text()).toBe('3');
    expect(bell.attributes('aria-expanded')).toBe('false');

    await bell.trigger('click');
    await flushPromises();
    expect(bell.attributes('aria-expanded')).toBe('true');
    expect(wrapper.get('[data-testid=notification-panel]').text()).toContain('shop.example.com is verified');

    await wrapper.get('[data-testid=notification-panel]').trigger('keydown', { key: 'Escape' });
    expect(wrapper.find('[data-testid=notification-panel]').exists()).toBe(false);
    expect(document.activeElement).toBe(bell.element);

    await bell.trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid=notification-mark-all]').trigger('click');
    await flushPromises();
    expect(api.markAllRead).toHaveBeenCalledTimes(1);
    expect(bell.attributes('aria-label')).toBe('Notifications');
    expect(wrapper.find('[data-testid=notification-count]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows why the list could not be loaded', async () => {
    vi.mocked(api.unreadCount).mockResolvedValue(0);
    vi.mocked(api.listNotifications).mockRejectedValue(new Error('boom'));
    const wrapper = await mountBell();
    await flushPromises();
    await wrapper.get('[data-testid=notification-bell]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role=alert]').text()).toBe('Notifications could not be loaded.');
    wrapper.unmount();
  });
});
