import type { LiveEvent } from '@/stores/live';
import type { ToastTone } from '@/stores/toasts';

/** A toast for a live event: its catalogue key (`notifications.toasts.<type>`), the values it needs, tone and link. */
export interface LiveToast {
  key: string;
  params: Record<string, string | number>;
  tone: ToastTone;
  link: string | null;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const domainLink = (event: LiveEvent): string | null => {
  const id = event.subject.kind === 'domain' ? event.subject.id : text(event.data.domainId);
  return id ? `/domains/${id}` : null;
};

/** The tone of each notable event type; any other type shows no toast. */
const TONES: Record<string, ToastTone | ((event: LiveEvent) => ToastTone)> = {
  'domain.live': 'success',
  'domain.verified': 'success',
  'domain.verification_failed': (event) => (event.data.status === 'failed_temporary' ? 'warning' : 'danger'),
  'domain.drifted': 'warning',
  'domain.suspended': 'danger',
  'certificate.failed': 'warning',
  'certificate.expiring': (event) => (Number(event.data.daysLeft) <= 7 ? 'danger' : 'warning'),
  'usage.near_limit': 'warning',
  'usage.limit_reached': 'warning',
  'webhook.endpoint_disabled': 'danger',
};

/**
 * Which live events deserve a toast (a domain went live or needs the user, a certificate problem, a usage limit, a
 * webhook endpoint that failed for too long) and what it says and links to. Texts come from the notifications
 * catalogue keyed by event type; the rest of the events only update the pages that show them.
 */
export function toastFor(event: LiveEvent): LiveToast | null {
  const tone = TONES[event.type];
  if (!tone) return null;
  const category = event.type.split('.')[0];
  const link = category === 'usage' ? '/usage' : category === 'webhook' ? `/webhooks/${event.subject.id}` : domainLink(event);
  return {
    key: `notifications.toasts.${event.type}`,
    params: {
      hostname: text(event.data.hostname) || text(event.data.host),
      days: Number(event.data.daysLeft ?? 0),
      resource: text(event.data.resource),
      usage: Number(event.data.usage ?? 0),
      limit: Number(event.data.limit ?? 0),
    },
    tone: typeof tone === 'function' ? tone(event) : tone,
    link,
  };
}
