import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import { ApiKey } from '../api-keys/entity.ts';
import type { CredentialService } from '../credentials/service.ts';
import { Domain } from '../domains/entity.ts';
import { normalizeHostname } from '../domains/hostname.ts';
import type { DomainStatus } from '../domains/lifecycle.ts';
import { requireProject, requireRole, type Access, type AccessService } from '../organizations/access.ts';
import { Project } from '../projects/entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import { MAPPABLE, type MappingsService } from '../routing/mappings.service.ts';
import { Service } from '../routing/service.entity.ts';
import { sha256 } from '../sessions/service.ts';
import { User } from '../users/entity.ts';
import { ProjectWidgetSettings, WidgetToken } from './entity.ts';
import { widgetMaySee, type WidgetPrincipal } from './scope.ts';

export const WIDGET_TOKEN_DEFAULT_SECONDS = 600;
export const WIDGET_TOKEN_MAX_SECONDS = 3600;
/** Expired tokens are kept this long (so a late request still hears "expired", not "invalid"), then deleted. */
const EXPIRED_KEPT_MS = 24 * 3_600_000;

/** `wt_<secret>`: the secret is only ever hashed. */
const TOKEN = /^wt_[A-Za-z0-9_-]{43}$/;
export const isWidgetToken = (raw: string): boolean => raw.startsWith('wt_');

/** Domains `GET /v1/widget/domains` lists at most (the newest first): enough to resume, not a dashboard. */
export const WIDGET_DOMAINS_LIMIT = 20;

export interface WidgetSettingsView {
  projectId: string;
  allowedOrigins: string[];
  defaultServiceId: string | null;
  updatedAt: Date | null;
}

export interface IssueInput {
  projectId: string;
  hostname?: string;
  includeSubdomains?: boolean;
  customerRef?: string;
  expiresInSeconds?: number;
}

interface Deps {
  config: PorticoConfig;
  orm: MikroORM;
  logger: Logger;
  accessService: AccessService;
  credentialService: CredentialService;
  mappingsService: MappingsService;
}

const settingsView = (projectId: string, settings: ProjectWidgetSettings | null): WidgetSettingsView => ({
  projectId,
  allowedOrigins: settings?.allowedOrigins ?? [],
  defaultServiceId: settings?.defaultService?.id ?? null,
  updatedAt: settings?.updatedAt ?? null,
});

/** Portico's own origin (its public URL's, else `http://host:port`): where the console's pages run. */
export function porticoOrigin(config: PorticoConfig): string {
  return new URL(config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`).origin;
}

export function createWidgetService({ config, orm, logger, accessService, credentialService, mappingsService }: Deps) {
  const consoleOrigin = porticoOrigin(config);

  async function projectIn(access: Access, projectId: string): Promise<Project> {
    requireProject(access, projectId, 'Project');
    const project = await orm.em.findOne(Project, { id: projectId, organization: access.organizationId });
    if (!project) throw notFound('Project');
    return project;
  }

  return {
    /** Portico's own origin: tokens a console user issued also work from there (the console mounts the widget). */
    consoleOrigin,

    /** A new token for one project; the token itself is in this answer only. */
    async issue(access: Access, input: IssueInput): Promise<{ token: string; expiresAt: Date; record: WidgetToken }> {
      const project = await projectIn(access, input.projectId);
      requireRole(access, 'project_admin', project.id);
      const em = orm.em;
      const secret = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + (input.expiresInSeconds ?? WIDGET_TOKEN_DEFAULT_SECONDS) * 1000);
      const principal = access.principal;
      const record = em.create(WidgetToken, {
        organization: project.organization,
        project,
        tokenHash: sha256(secret),
        hostname: input.hostname ? normalizeHostname(input.hostname) : null,
        includeSubdomains: Boolean(input.hostname && input.includeSubdomains),
        customerRef: input.customerRef ?? null,
        expiresAt,
        apiKey: principal.kind === 'api_key' ? em.getReference(ApiKey, principal.keyId) : null,
        createdBy: principal.kind === 'user' ? em.getReference(User, principal.userId) : null,
      });
      await em.flush();
      await em.nativeDelete(WidgetToken, { project: project.id, expiresAt: { $lt: new Date(Date.now() - EXPIRED_KEPT_MS) } });
      return { token: `wt_${secret}`, expiresAt, record };
    },

    /**
     * The widget principal for a bearer token sent from `origin`: UNAUTHENTICATED for an unknown token,
     * WIDGET_TOKEN_EXPIRED past its expiry, WIDGET_ORIGIN_REFUSED when the request has no Origin or one the
     * project does not allow (widget tokens are for browsers, which always send it on these requests). A token a
     * console user issued (signed in, not an API key) is also accepted from Portico's own origin (its public URL's,
     * or the one the request was sent to), where the console mounts the widget; a token issued with an API key never is.
     */
    async authenticate(raw: string, origin: string | undefined, request: { requestOrigin?: string } = {}): Promise<WidgetPrincipal> {
      const token = TOKEN.test(raw) ? await orm.em.findOne(WidgetToken, { tokenHash: sha256(raw.slice(3)) }) : null;
      if (!token) throw new AppError('UNAUTHENTICATED', 'The widget token is invalid; ask your server for a new one.');
      if (token.expiresAt.getTime() <= Date.now()) {
        throw new AppError('WIDGET_TOKEN_EXPIRED', 'The widget session has expired; ask your server for a new token.', { expiredAt: token.expiresAt.toISOString() });
      }
      const fromConsole = origin !== undefined && (origin === consoleOrigin || origin === request.requestOrigin) && token.createdBy != null && token.apiKey == null;
      if (!origin || (!fromConsole && !(await this.allowedOrigins(token.project.id)).includes(origin))) {
        throw new AppError('WIDGET_ORIGIN_REFUSED', origin ? `This page (${origin}) is not an allowed origin of the project.` : 'Widget tokens work only from a browser page of an allowed origin (the request had no Origin).', {
          origin: origin ?? null,
        });
      }
      return {
        kind: 'widget',
        tokenId: token.id,
        organizationId: token.organization.id,
        projectId: token.project.id,
        hostname: token.hostname ?? null,
        includeSubdomains: token.includeSubdomains,
        customerRef: token.customerRef ?? null,
        expiresAt: token.expiresAt,
        origin,
      };
    },

    async allowedOrigins(projectId: string): Promise<string[]> {
      const settings = await orm.em.findOne(ProjectWidgetSettings, { project: projectId });
      return settings?.allowedOrigins ?? [];
    },

    /** Whether any project allows `origin` (CORS preflights carry no token, so they are answered for those). */
    async anyProjectAllows(origin: string): Promise<boolean> {
      const rows = await orm.em.getConnection().execute<Array<{ one: number }>>('select 1 as one from project_widget_settings where allowed_origins @> array[?]::text[] limit 1', [origin]);
      return rows.length > 0;
    },

    async settings(access: Access, projectId: string): Promise<WidgetSettingsView> {
      await projectIn(access, projectId);
      return settingsView(projectId, await orm.em.findOne(ProjectWidgetSettings, { project: projectId }));
    },

    /**
     * Change the allowed origins and/or the default service (a service of the same project, else NOT_FOUND; null
     * unsets it). Fields left out keep their value.
     */
    async updateSettings(access: Access, projectId: string, patch: { allowedOrigins?: string[]; defaultServiceId?: string | null }): Promise<WidgetSettingsView> {
      const project = await projectIn(access, projectId);
      requireRole(access, 'project_admin', project.id);
      const em = orm.em;
      const settings = (await em.findOne(ProjectWidgetSettings, { project: project.id })) ?? em.create(ProjectWidgetSettings, { project, allowedOrigins: [] });
      if (patch.allowedOrigins !== undefined) settings.allowedOrigins = [...new Set(patch.allowedOrigins)];
      if (patch.defaultServiceId !== undefined) {
        const service = patch.defaultServiceId === null ? null : await em.findOne(Service, { id: patch.defaultServiceId, project: project.id });
        if (patch.defaultServiceId !== null && !service) throw notFound('Service');
        settings.defaultService = service;
      }
      await em.flush();
      return settingsView(project.id, settings);
    },

    /** What the widget shows about its session: the project's name, and whether domains go live on their own. */
    async session(principal: WidgetPrincipal): Promise<{ project: { name: string }; defaultServiceConfigured: boolean }> {
      const em = orm.em.fork();
      const project = await em.findOneOrFail(Project, { id: principal.projectId });
      const settings = await em.findOne(ProjectWidgetSettings, { project: principal.projectId });
      return { project: { name: project.name }, defaultServiceConfigured: Boolean(settings?.defaultService) };
    },

    /**
     * The domains a widget session may see, to resume where the customer left off: its project's (not archived),
     * within its hostname limit, carrying no customer reference or its own; newest first, at most WIDGET_DOMAINS_LIMIT.
     */
    async domains(principal: WidgetPrincipal): Promise<Domain[]> {
      const em = orm.em.fork();
      const limit = principal.hostname;
      const links = await em.find(
        ProjectDomain,
        {
          project: principal.projectId,
          domain: {
            organization: principal.organizationId,
            status: { $ne: 'archived' },
            $and: [
              { $or: [{ customerRef: null }, ...(principal.customerRef ? [{ customerRef: principal.customerRef }] : [])] },
              limit === null ? {} : { $or: [{ hostname: limit }, ...(principal.includeSubdomains ? [{ hostname: { $like: `%.${limit}` } }] : [])] },
            ],
          },
        },
        { populate: ['domain'], orderBy: { domain: { createdAt: 'desc', id: 'desc' } }, limit: WIDGET_DOMAINS_LIMIT * 2 },
      );
      const rows = links.map((link) => link.domain);
      // The SQL narrows; the rule itself decides (a `_` in a LIKE pattern matches any character).
      return rows.filter((d) => widgetMaySee(principal, d)).slice(0, WIDGET_DOMAINS_LIMIT);
    },

    /** A DNS provider credential the customer hands over in the widget: stored in the token's project, bound to its customer. */
    async storeCredential(principal: WidgetPrincipal, input: { provider: string; credentials: Record<string, unknown> }) {
      const access = await accessService.forOrganization(principal, principal.organizationId);
      return credentialService.createForCustomer(access, principal.projectId, input, principal.customerRef);
    },

    /**
     * The `domain.auto-map` job, sent when a domain added through the widget is verified: map it (the domain itself,
     * path `/`, the service's defaults) to its project's default service, so it goes on to deploying and live with no
     * step by the SaaS. Idempotent: nothing happens when the domain has any mapping already, is no longer mappable,
     * or its project has no default service. A mapping that cannot be made (the host and path are taken, the quota is
     * reached) is logged and left to the SaaS.
     */
    async autoMap(domainId: string): Promise<ServiceDomainMapping | null> {
      const em = orm.em.fork();
      const domain = await em.findOne(Domain, { id: domainId });
      if (!domain?.addedByWidget || !MAPPABLE.has(domain.status as DomainStatus)) return null;
      if ((await em.count(ServiceDomainMapping, { domain: domainId })) > 0) return null;
      const links = await em.find(ProjectDomain, { domain: domainId }, { orderBy: { createdAt: 'asc' } });
      for (const link of links) {
        const settings = await em.findOne(ProjectWidgetSettings, { project: link.project.id });
        const serviceId = settings?.defaultService?.id;
        if (!serviceId) continue;
        const context = { domainId, hostname: domain.hostname, projectId: link.project.id, serviceId };
        try {
          const mapping = await mappingsService.createAutomatic(link.project.id, { serviceId, domainId, basePath: '/' });
          logger.info({ ...context, mappingId: mapping.id }, 'domain added through the widget mapped to the project’s default service');
          return mapping;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          if ((await orm.em.fork().count(ServiceDomainMapping, { domain: domainId })) > 0) return null; // a concurrent run made it
          logger.warn({ ...context, code: error.code, reason: error.message }, 'domain added through the widget could not be mapped to the default service; the SaaS maps it');
          return null;
        }
      }
      return null;
    },
  };
}
export type WidgetService = ReturnType<typeof createWidgetService>;
