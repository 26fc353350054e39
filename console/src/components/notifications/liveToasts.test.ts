import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '@/stores/live';
import { toastFor } from './liveToasts';

const event = (type: string, data: Record<string, unknown>, subject = { kind: 'domain', id: 'd1' }): LiveEvent => ({
  id: 'e1',
  type,
  occurredAt: '2026-12-07T06:00:00.000Z',
  organizationId: 'o1',
  projectId: null,
  customerRef: null,
  subject,
  data,
});

describe('toastFor', () => {
  it('links domain events to the domain and picks the tone from the event', () => {
    expect(toastFor(event('domain.live', { hostname: 'shop.example.com' }))).toMatchObject({ key: 'notifications.toasts.domain.live', tone: 'success', link: '/domains/d1', params: { hostname: 'shop.example.com' } });
    expect(toastFor(event('domain.verification_failed', { status: 'failed_temporary' }))?.tone).toBe('warning');
    expect(toastFor(event('domain.verification_failed', { status: 'stalled' }))?.tone).toBe('danger');
  });

  it('links certificate events to their domain, usage to /usage and a disabled endpoint to its page', () => {
    expect(toastFor(event('certificate.expiring', { domainId: 'd9', daysLeft: 5, hostname: 'a.example.com' }, { kind: 'certificate', id: 'c1' }))).toMatchObject({ tone: 'danger', link: '/domains/d9', params: { days: 5 } });
    expect(toastFor(event('certificate.expiring', { domainId: 'd9', daysLeft: 20 }, { kind: 'certificate', id: 'c1' }))?.tone).toBe('warning');
    expect(toastFor(event('usage.limit_reached', { resource: 'domains', usage: 5, limit: 5 }, { kind: 'organization', id: 'o1' }))).toMatchObject({ link: '/usage', params: { resource: 'domains', usage: 5, limit: 5 } });
    expect(toastFor(event('webhook.endpoint_disabled', { url: 'https://x.example' }, { kind: 'webhook_endpoint', id: 'w1' }))).toMatchObject({ tone: 'danger', link: '/webhooks/w1' });
  });

  it('shows nothing for routine events', () => {
    for (const type of ['domain.created', 'mapping.created', 'member.joined', 'certificate.issued', 'something.new']) expect(toastFor(event(type, {}))).toBeNull();
  });
});
