import type { MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { PlanService } from '../plans/service.ts';
import { createWebhookDelivery } from './delivery.ts';
import { createWebhookDeliveryLog } from './delivery-log.ts';
import { createWebhookEndpoints } from './endpoints.ts';

export { DELIVERY_TIMEOUT_MS, RESPONSE_LOG_BYTES, typeMatches, webhookPayload } from './delivery.ts';
export type { DeliveryFilter } from './delivery-log.ts';
export { EVENT_FILTER, type EndpointInput } from './endpoints.ts';

interface Deps {
  orm: MikroORM;
  config: Pick<PorticoConfig, 'webhooks'>;
  logger: Logger;
  secretBox: SecretBox;
  dns: DnsLookup;
  jobs: JobQueue;
  mailer: Mailer;
  planService: PlanService;
}

/**
 * Outgoing webhooks, composed from three parts: endpoint management (endpoints.ts: endpoints per organization,
 * optionally one project, secrets sealed at rest and shown only when created or rotated), the delivery log
 * (delivery-log.ts: test pings, deliveries with their attempts, replays) and fan-out and delivery (delivery.ts:
 * signed POSTs retried on a schedule of about three days, endpoints disabled after a long failure streak, the sweep).
 */
export function createWebhookService(deps: Deps) {
  return {
    ...createWebhookEndpoints(deps),
    ...createWebhookDeliveryLog(deps),
    ...createWebhookDelivery(deps),
  };
}
export type WebhookService = ReturnType<typeof createWebhookService>;
