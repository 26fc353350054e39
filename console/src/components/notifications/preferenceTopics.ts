import type { NotificationChannel, NotificationPreference, NotificationTopic } from '@/api/notifications';

export type Category = 'domains' | 'certificates' | 'webhooks' | 'usage';

/**
 * Every preference topic the API accepts (the generated schema's enum: the compiler fails when one is missing or
 * unknown), each with its category; a category's own row has null. A type's preference wins over its category's.
 */
export const TOPIC_CATEGORY = {
  domains: null,
  'domain.verified': 'domains',
  'domain.verification_failed': 'domains',
  'domain.drifted': 'domains',
  'domain.suspended': 'domains',
  certificates: null,
  'certificate.failed': 'certificates',
  'certificate.expiring': 'certificates',
  webhooks: null,
  'webhook.endpoint_disabled': 'webhooks',
  usage: null,
  'usage.near_limit': 'usage',
  'usage.limit_reached': 'usage',
} as const satisfies Record<NotificationTopic, Category | null>;

export const TOPICS = Object.keys(TOPIC_CATEGORY) as NotificationTopic[];

/** The channels, in the table's column order, with what applies when nothing is stored (in-app on, the rest off). */
export const CHANNEL_DEFAULTS = { 'in-app': true, email: false, digest: false } as const satisfies Record<NotificationChannel, boolean>;
export const CHANNELS = Object.keys(CHANNEL_DEFAULTS) as NotificationChannel[];

/** Whether a channel is on for a topic: the topic's stored preference, else its category's, else the default. */
export function effective(preferences: readonly NotificationPreference[], channel: NotificationChannel, topic: NotificationTopic): boolean {
  const stored = (t: NotificationTopic) => preferences.find((p) => p.channel === channel && p.topic === t)?.enabled;
  const category = TOPIC_CATEGORY[topic];
  return stored(topic) ?? (category ? stored(category) : undefined) ?? CHANNEL_DEFAULTS[channel];
}
