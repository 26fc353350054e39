import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.ts';
import { Notification } from '../src/modules/notifications/entity.ts';
import { Organization } from '../src/modules/organizations/entity.ts';
import { User } from '../src/modules/users/entity.ts';
import { createOrganizationWithUser } from './factories.ts';
import { startTestPortico, type TestPortico } from './helpers.ts';

// Notification retention: the daily `notifications.purge` job deletes read notifications older than
// `notifications.retentionDays` and unread ones older than `notifications.unreadRetentionDays`.

const DAY = 86_400_000;

describe('notifications retention', () => {
  let portico: TestPortico;
  let userId: string;
  let organizationId: string;

  /** A notification created `days` ago, read (a day after creation) or not; returns its id. */
  const insert = async (days: number, read: boolean): Promise<string> => {
    const em = portico.container.cradle.orm.em.fork();
    const createdAt = new Date(Date.now() - days * DAY);
    const row = em.create(Notification, {
      createdAt,
      user: em.getReference(User, userId),
      organization: em.getReference(Organization, organizationId),
      eventId: randomUUID(),
      type: 'domain.verified',
      severity: 'info',
      title: `${days} days old`,
      body: 'test',
      link: null,
      readAt: read ? new Date(createdAt.getTime() + DAY) : null,
    });
    await em.flush();
    return row.id;
  };
  const remaining = async (ids: string[]) => (await portico.container.cradle.orm.em.fork().find(Notification, { id: { $in: ids } })).map((n) => n.id).sort();

  beforeAll(async () => {
    portico = await startTestPortico({ notifications: { retentionDays: 30 } });
    ({ userId, organizationId } = await createOrganizationWithUser(portico, { role: 'owner' }));
  });
  afterAll(async () => portico?.stop());

  it('deletes read notifications past retentionDays and unread ones past unreadRetentionDays (default 365), keeps the rest', async () => {
    const readOld = await insert(31, true);
    const readRecent = await insert(29, true);
    const unreadOld = await insert(366, false);
    const unreadMiddle = await insert(200, false);
    const unreadRecent = await insert(1, false);
    const ids = [readOld, readRecent, unreadOld, unreadMiddle, unreadRecent];

    expect(await portico.container.cradle.notificationService.purge()).toBe(2);
    expect(await remaining(ids)).toEqual([readRecent, unreadMiddle, unreadRecent].sort());
    // Idempotent: a second run the same day finds nothing more.
    expect(await portico.container.cradle.notificationService.purge()).toBe(0);
  });

  it('defaults to 90 days for read notifications, and is scheduled daily', async () => {
    expect(portico.container.cradle.config.notifications).toEqual({ retentionDays: 30, unreadRetentionDays: 365 });
    expect(configSchema.shape.notifications.parse(undefined)).toEqual({ retentionDays: 90, unreadRetentionDays: 365 });
    const schedules = await portico.container.cradle.orm.em.getConnection().execute<Array<{ cron: string }>>(`select cron from pgboss.schedule where name = 'notifications.purge'`);
    expect(schedules.map((s) => s.cron)).toEqual(['47 3 * * *']);
  });
});
