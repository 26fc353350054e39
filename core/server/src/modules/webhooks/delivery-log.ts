import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { EventRecord } from '../events/publish.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import { addDeliveries, requeue } from './delivery.ts';
import { endpointOf } from './endpoints.ts';
import { WebhookAttempt, WebhookDelivery, type DeliveryStatus } from './entity.ts';

export interface DeliveryLogDeps {
  orm: MikroORM;
  config: Pick<PorticoConfig, 'webhooks'>;
  jobs: JobQueue;
}

export interface DeliveryFilter {
  webhookId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  eventId?: string;
  /** Deliveries created before this one (keyset paging, newest first). */
  before?: string;
  limit: number;
}

/** What admins do with deliveries: a test ping, the delivery log with its attempts, and replays. */
export function createWebhookDeliveryLog({ orm, config, jobs }: DeliveryLogDeps) {
  const settings = () => config.webhooks;

  return {
    /** Send a `webhook.test` ping to one endpoint (even a disabled one), through the normal delivery. */
    async sendTest(access: Access, id: string): Promise<WebhookDelivery> {
      requireRole(access, 'admin');
      const em = orm.em.fork();
      const endpoint = await endpointOf(em, access, id);
      const event: EventRecord = {
        id: randomUUID(),
        type: 'webhook.test' as EventRecord['type'],
        occurredAt: new Date().toISOString(),
        organizationId: access.organizationId,
        projectId: endpoint.project?.id ?? null,
        customerRef: null,
        subject: { kind: 'webhook_endpoint', id: endpoint.id },
        data: { message: 'A test delivery from Portico.' },
      };
      const [deliveryId] = await em.transactional((tx) => addDeliveries(tx, jobs, [endpoint], event));
      return em.findOneOrFail(WebhookDelivery, deliveryId!);
    },

    async listDeliveries(access: Access, filter: DeliveryFilter): Promise<{ deliveries: WebhookDelivery[]; next: string | null }> {
      requireRole(access, 'admin');
      const em = orm.em.fork();
      const where: Record<string, unknown> = { organization: access.organizationId };
      if (filter.webhookId) where.endpoint = filter.webhookId;
      if (filter.status) where.status = filter.status;
      if (filter.eventType) where.eventType = filter.eventType;
      if (filter.eventId) where.eventId = filter.eventId;
      if (filter.before) {
        const cursor = await em.findOne(WebhookDelivery, { id: filter.before, organization: access.organizationId });
        if (!cursor) throw notFound('Webhook delivery');
        where.$or = [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $lt: cursor.id } }];
      }
      const rows = await em.find(WebhookDelivery, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: filter.limit + 1 });
      const deliveries = rows.slice(0, filter.limit);
      return { deliveries, next: rows.length > filter.limit ? deliveries.at(-1)!.id : null };
    },

    async getDelivery(access: Access, id: string): Promise<{ delivery: WebhookDelivery; attempts: WebhookAttempt[] }> {
      requireRole(access, 'admin');
      const em = orm.em.fork();
      const delivery = await em.findOne(WebhookDelivery, { id, organization: access.organizationId });
      if (!delivery) throw notFound('Webhook delivery');
      const attempts = await em.find(WebhookAttempt, { delivery: delivery.id }, { orderBy: { attempt: 'asc', createdAt: 'asc' } });
      return { delivery, attempts };
    },

    /** Send one delivery again now, with the same `webhook-id` (receivers deduplicate on it). */
    async replayDelivery(access: Access, id: string): Promise<WebhookDelivery> {
      requireRole(access, 'admin');
      const em = orm.em.fork();
      return em.transactional(async (tx) => {
        const delivery = await tx.findOne(WebhookDelivery, { id, organization: access.organizationId });
        if (!delivery) throw notFound('Webhook delivery');
        await requeue(tx, jobs, delivery);
        return delivery;
      });
    },

    /**
     * Send again an endpoint's deliveries of events that occurred in [since, until): the failed ones, or every one
     * with `status: 'all'`. Bounded: more than `webhooks.maxReplay` refuses with WEBHOOK_REPLAY_TOO_LARGE.
     */
    async replayRange(access: Access, id: string, range: { since: Date; until: Date; status: 'failed' | 'all' }): Promise<number> {
      requireRole(access, 'admin');
      const em = orm.em.fork();
      const endpoint = await endpointOf(em, access, id);
      const where = {
        endpoint: endpoint.id,
        occurredAt: { $gte: range.since, $lt: range.until },
        ...(range.status === 'failed' ? { status: 'failed' as const } : { status: { $ne: 'pending' as const } }),
      };
      const limit = settings().maxReplay;
      const count = await em.count(WebhookDelivery, where);
      if (count > limit) throw new AppError('WEBHOOK_REPLAY_TOO_LARGE', `${count} deliveries match; replay at most ${limit} at once (narrow since/until).`, { count, limit });
      return em.transactional(async (tx) => {
        const deliveries = await tx.find(WebhookDelivery, where, { orderBy: { occurredAt: 'asc' } });
        for (const delivery of deliveries) await requeue(tx, jobs, delivery);
        return deliveries.length;
      });
    },
  };
}
