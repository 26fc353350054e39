/** The notifications area's strings (en): the bell, the notifications page, preferences and live-event toasts. */
export default {
  title: 'Notifications',
  description: 'What needs your attention across your organizations: domains, certificates, webhooks and usage.',
  bell: {
    label: 'Notifications',
    labelUnread: 'Notifications, {count} unread',
    panel: 'Recent notifications',
    empty: 'Nothing new. Portico tells you here when a domain, certificate, webhook or limit needs you.',
    markAllRead: 'Mark all read',
    seeAll: 'All notifications and preferences',
    unread: 'Unread',
    loadFailed: 'Notifications could not be loaded.',
  },
  list: {
    unreadOnly: 'Unread only',
    markRead: 'Mark read',
    markedAllRead: 'All notifications are marked read.',
    read: 'Read',
    unread: 'Unread',
    open: 'Open',
    emptyTitle: 'No notifications',
    emptyBody: 'Portico notifies you when a domain is verified or fails, a certificate has trouble, a webhook endpoint is disabled or a limit is near.',
    emptyUnread: 'No unread notifications.',
  },
  severity: {
    info: 'Info',
    warning: 'Warning',
    danger: 'Needs action',
  },
  preferences: {
    title: 'Preferences',
    description: 'Choose per topic where you hear about it. A specific event overrides its category. Turning “In the app” off mutes the topic everywhere.',
    topic: 'Topic',
    saved: 'Preferences saved.',
    toggle: '{channel} for {topic}',
    channels: {
      'in-app': 'In the app',
      email: 'Email',
      digest: 'Daily digest',
    },
    categories: {
      domains: 'All domain notifications',
      certificates: 'All certificate notifications',
      webhooks: 'All webhook notifications',
      usage: 'All usage notifications',
    },
    topics: {
      domain: {
        verified: 'Domain verified',
        verification_failed: 'Domain verification failed',
        drifted: 'Ownership record changed (drift)',
        suspended: 'Domain suspended',
      },
      certificate: {
        failed: 'Certificate failed',
        expiring: 'Certificate expiring',
      },
      webhook: {
        endpoint_disabled: 'Webhook endpoint disabled',
      },
      usage: {
        near_limit: 'Near a plan limit',
        limit_reached: 'Plan limit reached',
      },
    },
  },
  resources: {
    domains: 'domains',
    projects: 'projects',
    mappingsPerProject: 'mappings in one project',
    apiKeys: 'API keys',
    members: 'members',
    webhookEndpoints: 'webhook endpoints',
  },
  toasts: {
    domain: {
      live: '{hostname} is live.',
      verified: '{hostname} is verified.',
      verification_failed: 'Verification of {hostname} failed.',
      drifted: 'The ownership record of {hostname} changed.',
      suspended: '{hostname} is suspended.',
    },
    certificate: {
      failed: 'The certificate for {hostname} could not be obtained.',
      expiring: 'The certificate for {hostname} expires in {days} days.',
    },
    usage: {
      near_limit: 'Near the limit: {usage} of {limit} {resource}.',
      limit_reached: 'Limit reached: {usage} of {limit} {resource}.',
    },
    webhook: {
      endpoint_disabled: 'A webhook endpoint was disabled after failing for too long.',
    },
  },
};
