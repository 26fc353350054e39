import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '@/api/notifications';
import type { Notification } from '@/api/notifications';
import { toastFor } from '@/components/notifications/liveToasts';
import { useLiveStore, type LiveEvent } from '@/stores/live';
import { useToastsStore } from '@/stores/toasts';

/** How often the bell's count is read again without any event. */
export const COUNT_REFRESH_MS = 60_000;
/**
 * A notification is written by a job shortly after its event: the count is read again after these delays so the
 * badge follows an event without waiting for the minute's refresh.
 */
export const AFTER_EVENT_MS = [1_500, 5_000];
const RECENT = 8;

export type Translate = (key: string, params: Record<string, unknown>) => string;

/**
 * The signed-in user's notifications as the bell shows them: the unread count (read on live events and every
 * minute), the most recent few for the panel, marking read. `watch` also shows a toast for notable live events.
 * Notifications are personal (every organization of the user), so they stay across organization switches.
 */
export const useNotificationsStore = defineStore('notifications', () => {
  const unread = ref(0);
  const recent = ref<Notification[]>([]);
  const countError = ref(false);

  async function refreshCount(): Promise<void> {
    try {
      unread.value = await api.unreadCount();
      countError.value = false;
    } catch {
      countError.value = true;
    }
  }

  async function loadRecent(): Promise<Notification[]> {
    recent.value = (await api.listNotifications({ limit: RECENT })).data;
    return recent.value;
  }

  function readLocally(ids: Set<string> | 'all'): void {
    const now = new Date().toISOString();
    recent.value = recent.value.map((n) => (n.readAt === null && (ids === 'all' || ids.has(n.id)) ? { ...n, readAt: now } : n));
  }

  async function markRead(notification: Notification): Promise<void> {
    if (notification.readAt !== null) return;
    await api.markRead(notification.id);
    readLocally(new Set([notification.id]));
    unread.value = Math.max(0, unread.value - 1);
  }

  async function markAllRead(): Promise<number> {
    const updated = await api.markAllRead();
    readLocally('all');
    unread.value = 0;
    return updated;
  }

  let watchers = 0;
  let unwatch: (() => void) | null = null;

  /**
   * Keeps the count current and toasts notable live events while something (the bell) watches; returns the
   * function that stops watching. Several watchers share one subscription.
   */
  function watch(translate: Translate): () => void {
    watchers += 1;
    if (watchers === 1) {
      const live = useLiveStore();
      const toasts = useToastsStore();
      const timers = new Set<ReturnType<typeof setTimeout>>();
      const later = (ms: number) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          void refreshCount();
          if (recent.value.length > 0) void loadRecent().catch(() => undefined);
        }, ms);
        timers.add(timer);
      };
      const onEvent = (event: LiveEvent) => {
        const toast = toastFor(event);
        if (toast) toasts.show(translate(toast.key, toast.params), toast.tone, toast.link ? { link: toast.link } : {});
        for (const ms of AFTER_EVENT_MS) later(ms);
      };
      const unsubscribe = live.subscribe(onEvent);
      const interval = setInterval(() => void refreshCount(), COUNT_REFRESH_MS);
      void refreshCount();
      unwatch = () => {
        unsubscribe();
        clearInterval(interval);
        for (const timer of timers) clearTimeout(timer);
      };
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      watchers -= 1;
      if (watchers === 0) {
        unwatch?.();
        unwatch = null;
      }
    };
  }

  return { unread, recent, countError, refreshCount, loadRecent, markRead, markAllRead, watch };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useNotificationsStore, import.meta.hot));
