/** The signed-in user's own notifications (the bell, the notifications page) and their preferences. */
import { call, client, type Schemas } from './client';

export type Notification = Schemas['Notification'];
export type NotificationPreference = Schemas['NotificationPreference'];
export type NotificationChannel = NotificationPreference['channel'];
export type NotificationTopic = NotificationPreference['topic'];

/** Newest first; pass `nextCursor` back as `cursor` for the next page. */
export const listNotifications = (query: { unread?: boolean; cursor?: string; limit?: number } = {}) =>
  call(
    client.GET('/v1/notifications', {
      params: { query: { ...(query.unread ? { unread: 'true' as const } : {}), ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit ?? 50 } },
    }),
  );

export const unreadCount = async () => (await call(client.GET('/v1/notifications/unread-count'))).unread;

export const markRead = (notificationId: string) => call(client.POST('/v1/notifications/{notificationId}/read', { params: { path: { notificationId } } }));

export const markAllRead = async () => (await call(client.POST('/v1/notifications/read-all'))).updated;

/** The stored preferences (a topic and channel not listed takes the default). */
export const getPreferences = async () => (await call(client.GET('/v1/notifications/preferences'))).data;

export const setPreferences = async (preferences: NotificationPreference[]) =>
  (await call(client.PUT('/v1/notifications/preferences', { body: { preferences } }))).data;
