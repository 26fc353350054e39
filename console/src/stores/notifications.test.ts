import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/notifications';
import type { Notification } from '@/api/notifications';
import { useLiveStore, type LiveEvent } from './live';
import { AFTER_EVENT_MS, COUNT_REFRESH_MS, useNotificationsStore } from './notifications';
import { useToastsStore } from './toasts';

vi.mock('@/api/notifications', () => ({
  listNotifications: vi.fn(() => Promise.reject(new Error('listNotifications not set up'))),
  unreadCount: vi.fn(() => Promise.reject(new Error('unreadCount not set up'))),
  markRead: vi.fn(() => Promise.reject(new Error('markRead not set up'))),
  markAllRead: vi.fn(() => Promise.reject(new Error('markAllRead not set up'))),
}));
// The live store is real; its api must never be reached in these tests.
vi.mock('@/api/events', () => ({
  latestEventCursor: vi.fn(() => Promise.reject(new Error('latestEventCursor not set up'))),
  listEvents: vi.fn(() => Promise.reject(new Error('listEvents not set up'))),
  readEventStream: vi.fn(() => Promise.reject(new Error('readEventStream not set up'))),
}));

const notification = (id: string, readAt: string | null = null): Notification => ({
  id,
  organizationId: 'o1',
  eventId: `e-${id}`,
  type: 'domain.verified',
  severity: 'info',
  title: 'shop.example.com is verified',
  body: 'Ownership verified.',
  link: '/domains/d1',
  readAt,
  createdAt: '2026-12-07T06:00:00.000Z',
});

const event = (type: string, data: Record<string, unknown> = {}, subject = { kind: 'domain', id: 'd1' }): LiveEvent => ({
  id: `ev-${type}`,
  type,
  occurredAt: '2026-12-07T06:00:00.000Z',
  organizationId: 'o1',
  projectId: null,
  customerRef: null,
  subject,
  data,
});

const translate = (key: string, params: Record<string, unknown>) => `${key} ${JSON.stringify(params)}`;

describe('notifications store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.clearAllMocks();
  });

  it('marks one and then all read, keeping the count and the list in step', async () => {
    vi.mocked(api.listNotifications).mockResolvedValue({ data: [notification('a'), notification('b')], nextCursor: null });
    vi.mocked(api.unreadCount).mockResolvedValue(2);
    vi.mocked(api.markRead).mockResolvedValue(notification('a', '2026-12-07T06:01:00.000Z'));
    vi.mocked(api.markAllRead).mockResolvedValue(1);
    const store = useNotificationsStore();
    await store.refreshCount();
    await store.loadRecent();
    expect(store.unread).toBe(2);

    await store.markRead(store.recent[0]!);
    expect(api.markRead).toHaveBeenCalledWith('a');
    expect(store.unread).toBe(1);
    expect(store.recent.map((n) => n.readAt !== null)).toEqual([true, false]);
    await store.markRead(store.recent[0]!);
    expect(api.markRead).toHaveBeenCalledTimes(1);

    await store.markAllRead();
    expect(store.unread).toBe(0);
    expect(store.recent.every((n) => n.readAt !== null)).toBe(true);
  });

  it('while watched: toasts notable live events with a link, reads the count after events and every minute', async () => {
    vi.mocked(api.unreadCount).mockResolvedValue(0);
    const store = useNotificationsStore();
    const toasts = useToastsStore();
    const live = useLiveStore();
    const stop = store.watch(translate);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.unreadCount).toHaveBeenCalledTimes(1);

    vi.mocked(api.unreadCount).mockResolvedValue(1);
    live.publish(event('domain.verified', { hostname: 'shop.example.com' }));
    live.publish(event('mapping.created', { host: 'shop.example.com' }, { kind: 'mapping', id: 'm1' }));
    expect(toasts.toasts).toHaveLength(1);
    expect(toasts.toasts[0]).toMatchObject({ tone: 'success', link: '/domains/d1' });
    expect(toasts.toasts[0]!.message).toContain('notifications.toasts.domain.verified');
    expect(toasts.toasts[0]!.message).toContain('shop.example.com');
    await vi.advanceTimersByTimeAsync(Math.max(...AFTER_EVENT_MS));
    expect(store.unread).toBe(1);

    const calls = vi.mocked(api.unreadCount).mock.calls.length;
    await vi.advanceTimersByTimeAsync(COUNT_REFRESH_MS);
    expect(vi.mocked(api.unreadCount).mock.calls.length).toBe(calls + 1);

    stop();
    const show = vi.spyOn(toasts, 'show');
    live.publish(event('domain.live', { hostname: 'shop.example.com' }));
    await vi.advanceTimersByTimeAsync(COUNT_REFRESH_MS * 2);
    expect(show).not.toHaveBeenCalled();
    expect(vi.mocked(api.unreadCount).mock.calls.length).toBe(calls + 1);
  });

  it('shares one subscription between watchers and stops with the last one', async () => {
    vi.mocked(api.unreadCount).mockResolvedValue(0);
    const store = useNotificationsStore();
    const toasts = useToastsStore();
    const live = useLiveStore();
    const first = store.watch(translate);
    const second = store.watch(translate);
    live.publish(event('domain.suspended', { hostname: 'a.example.com' }));
    expect(toasts.toasts).toHaveLength(1);
    first();
    first();
    live.publish(event('domain.drifted', { hostname: 'a.example.com' }));
    expect(toasts.toasts).toHaveLength(2);
    second();
    live.publish(event('domain.drifted', { hostname: 'b.example.com' }));
    expect(toasts.toasts).toHaveLength(2);
  });
});
