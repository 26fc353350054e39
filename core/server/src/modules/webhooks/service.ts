import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import { isEventType } from '../events/catalogue.ts';
import { PublishedEvent } from '../events/entity.ts';
import { publishEvent, toEventRecord, type EventRecord } from '../events/publish.ts';
import type { Mailer } from '../mail/mailer.ts';
import { requireProject, requireRole, type Access } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import { Membership } from '../organizations/membership.entity.ts';
import { Project } from '../projects/entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint, type DeliveryStatus } from './entity.ts';
import { postWebhook, privateAddress, resolveHost, urlProblem } from './http.ts';
import { generateSecret, signatureHeaders } from './signing.ts';
import type { PlanService } from '../plans/service.ts';

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

/** `domain.verified`, `domain.*` or `*`. */
export const EVENT_FILTER = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;

/** Whether an endpoint's filter takes an event type. */
export function typeMatches(filters: string[], type: string): boolean {
  return filters.some((filter) => filter === '*' || filter === type || (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))));
}

/** The body of every webhook: the Standard Webhooks shape, with the whole event under `data`. */
export function webhookPayload(event: EventRecord): Record<string, unknown> {
  return { type: event.type, timestamp: event.occurredAt, data: event };
}

export interface EndpointInput {
  url: string;
  description?: string;
  eventTypes: string[];
  projectId?: string | null;
  enabled?: boolean;
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

const aadOf = (organizationId: string, endpointId: string) => `webhook:${organizationId}:${endpointId}`;

/**
 * Outgoing webhooks: endpoints per organization (optionally one project), a delivery row per (endpoint, event),
 * signed POSTs retried on a schedule of about three days, an attempt log, and endpoints disabled after a long
 * failure streak. Secrets are sealed at rest and shown only when created or rotated.
 */
export function createWebhookService({ orm, config, logger, secretBox, dns, jobs, mailer, planService }: Deps) {
  const log = logger.child({ component: 'webhooks' });
  const settings = () => config.webhooks;

  /** Refuse a URL that is not https (unless allowed) or that names or resolves to a non-public address. */
  async function checkUrl(url: string): Promise<void> {
    const { allowPrivateAddresses } = settings();
    const problem = urlProblem(url, allowPrivateAddresses);
    if (problem) throw new AppError('WEBHOOK_URL_INVALID', `The webhook URL is refused: ${problem.message}.`, { reason: problem.reason });
    if (allowPrivateAddresses) return;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost')) throw new AppError('WEBHOOK_TARGET_REFUSED', `${host} is a loopback name; Portico sends webhooks only to public addresses.`, { reason: 'loopback' });
    // A name that does not resolve yet is accepted: every delivery checks the addresses again before it connects.
    const resolved = await resolveHost(dns, host, AbortSignal.timeout(5000));
    if ('addresses' in resolved) {
      const bad = privateAddress(resolved.addresses);
      if (bad) throw new AppError('WEBHOOK_TARGET_REFUSED', `${host} is or resolves to ${bad.address}, a ${bad.reason} address; Portico sends webhooks only to public addresses.`, { reason: bad.reason, address: bad.address });
    }
  }

  function checkTypes(types: string[]): void {
    for (const type of types) {
      if (!EVENT_FILTER.test(type) || (!type.includes('*') && !isEventType(type))) {
        throw new AppError('VALIDATION_FAILED', `Invalid body: eventTypes: ${type} is not an event type of the catalogue, a prefix like domain.* or *`, { issues: [{ in: 'body', path: 'eventTypes', message: `unknown event type ${type}` }] });
      }
    }
  }

  async function projectIn(em: EntityManager, access: Access, projectId: string | null | undefined): Promise<Project | null> {
    if (!projectId) return null;
    const project = await em.findOne(Project, { id: projectId, organization: access.organizationId });
    if (!project) throw notFound('Project');
    requireProject(access, project.id, 'Project');
    return project;
  }

  async function endpointOf(em: EntityManager, access: Access, id: string, populateSecrets = false): Promise<WebhookEndpoint> {
    const endpoint = await em.findOne(WebhookEndpoint, { id, organization: access.organizationId }, populateSecrets ? { populate: ['secretSealed', 'previousSecretSealed'] } : {});
    if (!endpoint) throw notFound('Webhook');
    return endpoint;
  }

  /** Insert one delivery per endpoint unless it exists (at-least-once: a second fan-out adds nothing) and queue the new ones. */
  async function addDeliveries(em: EntityManager, endpoints: WebhookEndpoint[], event: EventRecord): Promise<string[]> {
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

  /** Queue a delivery again now (replay): pending, due, its attempts counting on. */
  async function requeue(em: EntityManager, delivery: WebhookDelivery): Promise<void> {
    delivery.status = 'pending';
    delivery.nextAttemptAt = new Date();
    delivery.claimedUntil = null;
    await jobs.send('webhook.deliver', { deliveryId: delivery.id }, { em });
  }

  const service = {
    async create(access: Access, input: EndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
      requireRole(access, 'admin');
      checkTypes(input.eventTypes);
      await checkUrl(input.url);
      const em = orm.em.fork();
      const project = await projectIn(em, access, input.projectId);
      await planService.assertWithinPlan(em, { organizationId: access.organizationId, resource: 'webhookEndpoints' });
      const id = randomUUID();
      const secret = generateSecret();
      const endpoint = em.create(WebhookEndpoint, {
        id,
        organization: em.getReference(Organization, access.organizationId),
        project,
        url: input.url,
        description: input.description ?? '',
        eventTypes: [...new Set(input.eventTypes)],
        enabled: input.enabled ?? true,
        secretSealed: secretBox.seal(secret, aadOf(access.organizationId, id)),
      });
      await em.flush();
      return { endpoint, secret };
    },

    async list(access: Access): Promise<WebhookEndpoint[]> {
      requireRole(access, 'admin');
      return orm.em.fork().find(WebhookEndpoint, { organization: access.organizationId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    },

    async get(access: Access, id: string): Promise<WebhookEndpoint> {
      requireRole(access, 'admin');
      return endpointOf(orm.em.fork(), access, id);
    },

    /** Change fields; enabling an endpoint starts its failure streak afresh. */
    async update(access: Access, id: string, patch: Partial<EndpointInput>): Promise<WebhookEndpoint> {
      requireRole(access, 'admin');
      const em = orm.em.fork();
      const endpoint = await endpointOf(em, access, id);
      if (patch.eventTypes !== undefined) {
        checkTypes(patch.eventTypes);
        endpoint.eventTypes = [...new Set(patch.eventTypes)];
      }
      if (patch.url !== undefined && patch.url !== endpoint.url) {
        await checkUrl(patch.url);
        endpoint.url = patch.url;
      }
      if (patch.description !== undefined) endpoint.description = patch.description;
      if (patch.projectId !== undefined) endpoint.project = await projectIn(em, access, patch.projectId);
      if (patch.enabled !== undefined && patch.enabled !== endpoint.enabled) {
        endpoint.enabled = patch.enabled;
        endpoint.disabledReason = null;
        endpoint.disabledAt = patch.enabled ? null : new Date();
        if (patch.enabled) {
          endpoint.consecutiveFailures = 0;
          endpoint.failingSince = null;
        }
      }
      await em.flush();
      return endpoint;
    },

    async remove(access: Access, id: string): Promise<void> {
      requireRole(access, 'admin');
      const em = orm.em.fork();
      em.remove(await endpointOf(em, access, id));
      await em.flush();
    },

    /**
     * A new secret; the current one keeps signing beside it for `overlapHours` (both signatures in one header), so
     * receivers can switch without a gap. A rotation during an overlap ends the older overlap.
     */
    async rotateSecret(access: Access, id: string, overlapHours: number): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
      requireRole(access, 'admin');
      const em = orm.em.fork();
      const endpoint = await endpointOf(em, access, id, true);
      const secret = generateSecret();
      const aad = aadOf(access.organizationId, endpoint.id);
      endpoint.previousSecretSealed = overlapHours > 0 ? (endpoint.secretSealed as string) : null;
      endpoint.previousSecretExpiresAt = overlapHours > 0 ? new Date(Date.now() + overlapHours * 3_600_000) : null;
      endpoint.secretSealed = secretBox.seal(secret, aad);
      await em.flush();
      return { endpoint, secret };
    },

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
      const [deliveryId] = await em.transactional((tx) => addDeliveries(tx, [endpoint], event));
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
        await requeue(tx, delivery);
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
        for (const delivery of deliveries) await requeue(tx, delivery);
        return deliveries.length;
      });
    },

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
      return (await em.transactional((tx) => addDeliveries(tx, endpoints, event))).length;
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
  return service;
}
export type WebhookService = ReturnType<typeof createWebhookService>;
