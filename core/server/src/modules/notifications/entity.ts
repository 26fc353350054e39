import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { uuidv7 } from '../events/entity.ts';
import { Organization } from '../organizations/entity.ts';
import { User } from '../users/entity.ts';

/**
 * One in-app notification of one user about one event (rules.ts). The id is a UUID version 7, so ids sort by
 * creation and serve as the list's keyset cursor. One row per user and event: fan-out is idempotent.
 */
export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    createdAt: p.datetime().onCreate(() => new Date()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** The event it stems from (no foreign key: events are pruned, notifications stay until the user's data goes). */
    eventId: p.uuid(),
    type: p.string().length(64),
    severity: p.string().length(16),
    title: p.string().length(300),
    body: p.text(),
    /** A path in the console, e.g. `/domains/<id>`. */
    link: p.string().length(500).nullable(),
    readAt: p.datetime().nullable(),
  },
  uniques: [{ name: 'notifications_user_event_unique', properties: ['user', 'eventId'] }],
  indexes: [{ name: 'notifications_user_id_index', properties: ['user', 'id'] }],
});
export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);

/**
 * A user's choice for one channel (`in-app`, `email`, `digest`) and one topic (a category such as `domains`, or an
 * event type such as `domain.verified`, which wins over its category). No row: the default (rules.ts).
 */
export const NotificationPreferenceSchema = defineEntity({
  name: 'NotificationPreference',
  tableName: 'notification_preferences',
  properties: {
    ...baseColumns,
    user: () => p.manyToOne(User).deleteRule('cascade'),
    channel: p.string().length(16),
    topic: p.string().length(64),
    enabled: p.boolean(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'notification_preferences_user_channel_topic_unique', properties: ['user', 'channel', 'topic'] }],
});
export class NotificationPreference extends NotificationPreferenceSchema.class {}
NotificationPreferenceSchema.setClass(NotificationPreference);

/** One digest mail sent to one user on one day (UTC): at most one a day, and the next covers what came after it. */
export const NotificationDigestSchema = defineEntity({
  name: 'NotificationDigest',
  tableName: 'notification_digests',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    createdAt: p.datetime().onCreate(() => new Date()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    day: p.date(),
    items: p.integer(),
  },
  uniques: [{ name: 'notification_digests_user_day_unique', properties: ['user', 'day'] }],
});
export class NotificationDigest extends NotificationDigestSchema.class {}
NotificationDigestSchema.setClass(NotificationDigest);
