import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import { PublishedEvent } from '../events/entity.ts';
import { publishEvent, toEventRecord, type EventRecord } from '../events/publish.ts';
import type { Mailer } from '../mail/mailer.ts';
import { Organization } from '../organizations/entity.ts';
import { Membership } from '../organizations/membership.entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { aadOf } from './endpoints.ts';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './entity.ts';
import { postWebhook } from './http.ts';
import { signatureHeaders } from './signing.ts';

export interface DeliveryDeps {
  orm: MikroORM;
  config: Pick<PorticoConfig, 'webhooks'>;
  logger: Logger;
  secretBox: SecretBox;
  dns: DnsLookup;
  jobs: JobQueue;
  mailer: Mailer;
}

/** Each POST waits this long for a complete answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The part of an answer kept in the attempt log. */
export const RESPONSE_LOG_BYTES = 4096;
/** How long a worker holds a delivery it is sending; past it, another worker may send it again (the first one died). */
const CLAIM_SECONDS = 60;
/** A pending delivery this late with no worker on it lost its job: the sweep queues it again. */
const LOST_AFTER_MS = 2 * 60_000;
const DAY_MS = 86_400_000;
/** Domain ids are UUIDs: a domain subject that is not one is assigned to no project. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an endpoint's filter takes an event type. */
export function typeMatches(filters: string[], type: string): boolean {
  return filters.some((filter) => filter === '*' || filter === type || (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))));
}

/** The body of every webhook: the Standard Webhooks shape, with the whole event under `data`. */
export function webhookPayload(event: EventRecord): Record<string, unknown> {
  return { type: event.type, timestamp: event.occurredAt, data: event };
}

/** Insert one delivery per endpoint unless it exists (at-least-once: a second fan-out adds nothing) and queue the new ones. */
export async function addDeliveries(em: EntityManager, jobs: JobQueue, endpoints: WebhookEndpoint[], event: EventRecord): Promise<string[]> {
  const created: string[] = [];
  const connection = em.getConnection();
  const ctx = em.getTransactionContext();
  for (const endpoint of endpoints) {
    const rows: Array<{ id: string }> = await connection.execute(
      `insert into webhook_deliveries (id, created_at, endpoint_id, organization_id, event_id, event_type, occurred_at, payload, status, attempts, next_attempt_at)
       values (?, now(), ?, ?, ?, ?, ?, ?, 'pending', 0, now())
       on conflict (endpoint_id, event_id) do nothing returning id`,
      [randomUUID(), endpoint.id, event.organizationId, event.id, event.type, new Date(event.occurredAt), JSON.stringify(webhookPayload(event))],
      'all',
      ctx,
    );
    for (const row of rows) {
      created.push(row.id);
      await jobs.send('webhook.deliver', { deliveryId: row.id }, { em });
    }
  }
  return created;
}

/** Queue a delivery again now (replay): pending, due, its attempts counting on. */
export async function requeue(em: EntityManager, jobs: JobQueue, delivery: WebhookDelivery): Promise<void> {
  delivery.status = 'pending';
  delivery.nextAttemptAt = new Date();
  delivery.claimedUntil = null;
  await jobs.send('webhook.deliver', { deliveryId: delivery.id }, { em });
}

/**
 * Fan-out and delivery: a delivery row per (endpoint, event), signed POSTs retried on a schedule of about three
 * days, an attempt log, endpoints disabled after a long failure streak, and a sweep for lost and old deliveries.
 */
export function createWebhookDelivery({ orm, config, logger, secretBox, dns, jobs, mailer }: DeliveryDeps) {
  const log = logger.child({ component: 'webhooks' });
  const settings = () => config.webhooks;

  /** Count a failed attempt against the endpoint; past the limit, disable it, publish the event and tell the owners. */
  async function recordFailure(em: EntityManager, endpoint: WebhookEndpoint, now: Date): Promise<void> {
    endpoint.consecutiveFailures += 1;
    endpoint.failingSince ??= now;
    const limit = settings().disableAfterFailures;
    if (!endpoint.enabled || endpoint.consecutiveFailures < limit.attempts || now.getTime() - endpoint.failingSince.getTime() < limit.days * DAY_MS) return;
    endpoint.enabled = false;
    endpoint.disabledReason = 'failures';
    endpoint.disabledAt = now;
    publishEvent(em, {
      type: 'webhook.endpoint_disabled',
      organizationId: endpoint.organization.id,
      projectId: endpoint.project?.id ?? null,
      subject: { kind: 'webhook_endpoint', id: endpoint.id },
      data: { url: endpoint.url, failingSince: endpoint.failingSince.toISOString(), attempts: endpoint.consecutiveFailures },
    });
    const organization = await em.findOneOrFail(Organization, endpoint.organization.id);
    const owners = await em.find(Membership, { organization: endpoint.organization.id, role: 'owner' }, { populate: ['user'] });
    const reason = `every attempt failed since ${endpoint.failingSince.toISOString()} (${endpoint.consecutiveFailures} in a row)`;
    for (const owner of owners) {
      await mailer.enqueue(owner.user.email, 'webhook-disabled', { endpointUrl: endpoint.url, organizationName: organization.name, reason }, { em });
    }
    log.warn({ endpointId: endpoint.id, organizationId: endpoint.organization.id, attempts: endpoint.consecutiveFailures }, 'webhook endpoint disabled after failing too long');
  }

  return {
    /**
     * The `event.published` worker: one delivery per enabled endpoint of the event's organization whose filter and
     * project take it. An endpoint limited to a project takes the events of that project and the events of domains
     * assigned to it when the fan-out runs (domain events carry no project: a domain may serve several), the rule
     * the event feed applies to project-limited members. Idempotent (a re-run adds nothing); an event already
     * pruned is skipped.
     */
    async fanOut(eventId: string): Promise<number> {
      const em = orm.em.fork();
      const row = await em.findOne(PublishedEvent, { id: eventId });
      if (!row) return 0;
      const event = toEventRecord(row);
      const matching = (await em.find(WebhookEndpoint, { organization: event.organizationId, enabled: true })).filter((endpoint) => typeMatches(endpoint.eventTypes, event.type));
      const domainProjects = new Set<string>();
      if (event.subject.kind === 'domain' && UUID.test(event.subject.id) && matching.some((endpoint) => endpoint.project && endpoint.project.id !== event.projectId)) {
        const links = await em.find(ProjectDomain, { domain: { id: event.subject.id, organization: event.organizationId } });
        for (const link of links) domainProjects.add(link.project.id);
      }
      const endpoints = matching.filter((endpoint) => !endpoint.project || endpoint.project.id === event.projectId || domainProjects.has(endpoint.project.id));
      if (endpoints.length === 0) return 0;
      return (await em.transactional((tx) => addDeliveries(tx, jobs, endpoints, event))).length;
    },

    /**
     * The `webhook.deliver` worker: one signed POST of a pending, due, unclaimed delivery (anything else is a stale
     * job and does nothing). 2xx delivers; anything else is retried on `webhooks.retryScheduleSeconds` (with ±10%
     * jitter), the next job sent in the transaction that records the attempt, until the schedule runs out.
     */
    async deliver(deliveryId: string): Promise<void> {
      const em = orm.em.fork();
      const claimed: Array<{ id: string }> = await em.getConnection().execute(
        `update webhook_deliveries set claimed_until = now() + make_interval(secs => ?)
         where id = ? and status = 'pending' and (next_attempt_at is null or next_attempt_at <= now() + interval '1 second')
           and (claimed_until is null or claimed_until < now())
         returning id`,
        [CLAIM_SECONDS, deliveryId],
        'all',
      );
      if (claimed.length === 0) return;
      const delivery = await em.findOneOrFail(WebhookDelivery, deliveryId);
      const endpoint = await em.findOneOrFail(WebhookEndpoint, delivery.endpoint.id, { populate: ['secretSealed', 'previousSecretSealed'] });
      if (!endpoint.enabled && delivery.eventType !== 'webhook.test') {
        Object.assign(delivery, { status: 'failed', claimedUntil: null, nextAttemptAt: null, lastError: 'endpoint disabled' });
        await em.flush();
        return;
      }
      const now = new Date();
      const aad = aadOf(endpoint.organization.id, endpoint.id);
      const secrets = [secretBox.open<string>(endpoint.secretSealed as string, aad)];
      if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
        secrets.push(secretBox.open<string>(endpoint.previousSecretSealed, aad));
      }
      const body = JSON.stringify(delivery.payload);
      const headers = signatureHeaders(secrets, delivery.eventId, Math.floor(now.getTime() / 1000), body);
      const started = performance.now();
      const outcome = await postWebhook({
        url: endpoint.url,
        body,
        headers,
        dns,
        timeoutMs: DELIVERY_TIMEOUT_MS,
        maxResponseBytes: RESPONSE_LOG_BYTES,
        allowPrivateAddresses: settings().allowPrivateAddresses,
      });
      const latencyMs = Math.round(performance.now() - started);
      const succeeded = outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300;
      const error = outcome.kind === 'failed' ? `${outcome.code}: ${outcome.message}` : outcome.kind === 'refused' ? `refused:${outcome.reason}: ${outcome.message}` : succeeded ? null : `HTTP ${outcome.status}`;

      await em.transactional(async (tx) => {
        const current = await tx.findOneOrFail(WebhookDelivery, deliveryId, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const target = await tx.findOneOrFail(WebhookEndpoint, endpoint.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const attempt = current.attempts + 1;
        tx.create(WebhookAttempt, {
          delivery: current,
          attempt,
          succeeded,
          statusCode: outcome.kind === 'response' ? outcome.status : null,
          latencyMs,
          responseBody: outcome.kind === 'response' ? outcome.body : null,
          error,
        });
        Object.assign(current, { attempts: attempt, lastAttemptAt: now, lastStatusCode: outcome.kind === 'response' ? outcome.status : null, lastError: error, claimedUntil: null });
        if (succeeded) {
          Object.assign(current, { status: 'delivered', deliveredAt: new Date(), nextAttemptAt: null });
          target.consecutiveFailures = 0;
          target.failingSince = null;
          return;
        }
        // A test ping reports its outcome once and is never retried; it does not count against the endpoint.
        const schedule = settings().retryScheduleSeconds;
        const waitSeconds = current.eventType === 'webhook.test' ? undefined : schedule[attempt - 1];
        if (waitSeconds === undefined) {
          Object.assign(current, { status: 'failed', nextAttemptAt: null });
        } else {
          const jittered = waitSeconds * (0.9 + Math.random() * 0.2);
          current.nextAttemptAt = new Date(now.getTime() + jittered * 1000);
          await jobs.send('webhook.deliver', { deliveryId }, { em: tx, startAfter: Math.max(0, Math.ceil(jittered)) });
        }
        if (current.eventType !== 'webhook.test') await recordFailure(tx, target, now);
      });
    },

    /**
     * Every minute: queue again pending deliveries whose job was lost (a worker died past its job's retries), and
     * delete finished deliveries past `webhooks.retentionDays` (a bounded batch per run).
     */
    async sweep(): Promise<number> {
      const em = orm.em.fork();
      await em.getConnection().execute(
        `delete from webhook_deliveries where id in (select id from webhook_deliveries where status <> 'pending' and created_at < ? limit 1000)`,
        [new Date(Date.now() - settings().retentionDays * DAY_MS)],
        'run',
      );
      const rows: Array<{ id: string }> = await em.getConnection().execute(
        `select id from webhook_deliveries where status = 'pending' and (next_attempt_at is null or next_attempt_at < ?)
           and (claimed_until is null or claimed_until < now()) order by next_attempt_at limit 500`,
        [new Date(Date.now() - LOST_AFTER_MS)],
        'all',
      );
      for (const row of rows) await jobs.send('webhook.deliver', { deliveryId: row.id });
      return rows.length;
    },
  };
}
