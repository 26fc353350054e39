import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import type { Principal } from '../../http/principal.ts';
import { CHANNELS, SEVERITIES, TOPICS } from '../../modules/notifications/rules.ts';
import { uuid } from '../schemas.ts';

// Notifications are personal: every route is for a signed-in console session (auth 'session'; an API key is
// refused with UNAUTHENTICATED) and reads or changes only the caller's own notifications; another user's id
// answers NOT_FOUND like an id that does not exist.

const notificationSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    eventId: z.string(),
    type: z.string().meta({ example: 'domain.verified' }),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    body: z.string().meta({ description: 'Plain text built from the event.' }),
    link: z.string().nullable().meta({ description: 'A console path, e.g. /domains/<id>.', example: '/domains/0193e0c6-7f2a-7c4e-9a57-3c1f0b6f2d11' }),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Notification' });

const preferenceSchema = z
  .object({
    channel: z.enum(CHANNELS),
    topic: z.enum(TOPICS as [string, ...string[]]).meta({ description: 'A category (domains, certificates, webhooks, usage) or an event type with a rule; a type wins over its category.' }),
    enabled: z.boolean(),
  })
  .meta({ id: 'NotificationPreference' });

const userOf = (principal: Principal): string => (principal as Extract<Principal, { kind: 'user' }>).userId;

export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/notifications',
    summary: 'The caller’s notifications, newest first (keyset pages: pass nextCursor back as cursor)',
    tag: 'Notifications',
    auth: 'session',
    query: z.object({
      unread: z.enum(['true', 'false']).optional().meta({ description: 'true: unread only.' }),
      cursor: uuid.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
    response: z.object({ data: z.array(notificationSchema), nextCursor: z.string().nullable() }),
    async handler({ query, principal, cradle }) {
      const page = await cradle.notificationService.list(userOf(principal), { unread: query.unread === 'true', cursor: query.cursor, limit: query.limit });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/notifications/unread-count',
    summary: 'How many of the caller’s notifications are unread (the bell’s badge)',
    tag: 'Notifications',
    auth: 'session',
    response: z.object({ unread: z.number().int() }),
    async handler({ principal, cradle }) {
      return { unread: await cradle.notificationService.unreadCount(userOf(principal)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/notifications/:notificationId/read',
    summary: 'Mark one of the caller’s notifications read',
    tag: 'Notifications',
    auth: 'session',
    params: z.object({ notificationId: uuid }),
    response: notificationSchema,
    async handler({ params, principal, cradle }) {
      return cradle.notificationService.markRead(userOf(principal), params.notificationId);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/notifications/read-all',
    summary: 'Mark every unread notification of the caller read',
    tag: 'Notifications',
    auth: 'session',
    response: z.object({ updated: z.number().int() }),
    async handler({ principal, cradle }) {
      return { updated: await cradle.notificationService.markAllRead(userOf(principal)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/notifications/preferences',
    summary: 'The caller’s notification preferences (topics not listed take the defaults)',
    tag: 'Notifications',
    auth: 'session',
    response: z.object({ data: z.array(preferenceSchema) }),
    async handler({ principal, cradle }) {
      return { data: await cradle.notificationService.preferences(userOf(principal)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/notifications/preferences',
    summary: 'Turn channels on or off per category or event type (listed pairs change; others stay)',
    tag: 'Notifications',
    auth: 'session',
    body: z.object({ preferences: z.array(preferenceSchema).min(1).max(100) }),
    response: z.object({ data: z.array(preferenceSchema) }),
    async handler({ body, principal, cradle }) {
      return { data: await cradle.notificationService.setPreferences(userOf(principal), body.preferences) };
    },
  }),
];
