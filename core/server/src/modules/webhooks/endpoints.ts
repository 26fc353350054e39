import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup } from '@portico/kernel';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import { isEventType } from '../events/catalogue.ts';
import { requireProject, requireRole, type Access } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import type { PlanService } from '../plans/service.ts';
import { WebhookEndpoint } from './entity.ts';
import { privateAddress, resolveHost, urlProblem } from './http.ts';
import { generateSecret } from './signing.ts';

export interface EndpointDeps {
  orm: MikroORM;
  config: Pick<PorticoConfig, 'webhooks'>;
  secretBox: SecretBox;
  dns: DnsLookup;
  planService: PlanService;
}

/** `domain.verified`, `domain.*` or `*`. */
export const EVENT_FILTER = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;

export interface EndpointInput {
  url: string;
  description?: string;
  eventTypes: string[];
  projectId?: string | null;
  enabled?: boolean;
}

/** The additional data an endpoint's sealed secrets are bound to: a secret opens only for its own endpoint. */
export const aadOf = (organizationId: string, endpointId: string) => `webhook:${organizationId}:${endpointId}`;

/** One endpoint of the caller's organization, or 404. */
export async function endpointOf(em: EntityManager, access: Access, id: string, populateSecrets = false): Promise<WebhookEndpoint> {
  const endpoint = await em.findOne(WebhookEndpoint, { id, organization: access.organizationId }, populateSecrets ? { populate: ['secretSealed', 'previousSecretSealed'] } : {});
  if (!endpoint) throw notFound('Webhook');
  return endpoint;
}

/**
 * Endpoint management: endpoints per organization (optionally one project), created, changed, removed and their
 * secrets rotated by admins. Secrets are sealed at rest and shown only when created or rotated.
 */
export function createWebhookEndpoints({ orm, config, secretBox, dns, planService }: EndpointDeps) {
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

  return {
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
  };
}
