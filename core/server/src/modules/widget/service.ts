import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../errors/app-error.ts';
import { ApiKey } from '../api-keys/entity.ts';
import { normalizeHostname } from '../domains/hostname.ts';
import { requireProject, requireRole, type Access } from '../organizations/access.ts';
import { Project } from '../projects/entity.ts';
import { sha256 } from '../sessions/service.ts';
import { User } from '../users/entity.ts';
import { ProjectWidgetSettings, WidgetToken } from './entity.ts';
import type { WidgetPrincipal } from './scope.ts';

export const WIDGET_TOKEN_DEFAULT_SECONDS = 600;
export const WIDGET_TOKEN_MAX_SECONDS = 3600;
/** Expired tokens are kept this long (so a late request still hears "expired", not "invalid"), then deleted. */
const EXPIRED_KEPT_MS = 24 * 3_600_000;

/** `wt_<secret>`: the secret is only ever hashed. */
const TOKEN = /^wt_[A-Za-z0-9_-]{43}$/;
export const isWidgetToken = (raw: string): boolean => raw.startsWith('wt_');

export interface IssueInput {
  projectId: string;
  hostname?: string;
  includeSubdomains?: boolean;
  customerRef?: string;
  expiresInSeconds?: number;
}

export function createWidgetService({ orm }: { orm: MikroORM }) {
  async function projectIn(access: Access, projectId: string): Promise<Project> {
    requireProject(access, projectId, 'Project');
    const project = await orm.em.findOne(Project, { id: projectId, organization: access.organizationId });
    if (!project) throw notFound('Project');
    return project;
  }

  return {
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
     * project does not allow (widget tokens are for browsers, which always send it on these requests).
     */
    async authenticate(raw: string, origin: string | undefined): Promise<WidgetPrincipal> {
      const token = TOKEN.test(raw) ? await orm.em.findOne(WidgetToken, { tokenHash: sha256(raw.slice(3)) }) : null;
      if (!token) throw new AppError('UNAUTHENTICATED', 'The widget token is invalid; ask your server for a new one.');
      if (token.expiresAt.getTime() <= Date.now()) {
        throw new AppError('WIDGET_TOKEN_EXPIRED', 'The widget session has expired; ask your server for a new token.', { expiredAt: token.expiresAt.toISOString() });
      }
      const allowed = await this.allowedOrigins(token.project.id);
      if (!origin || !allowed.includes(origin)) {
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

    async settings(access: Access, projectId: string): Promise<{ projectId: string; allowedOrigins: string[]; updatedAt: Date | null }> {
      await projectIn(access, projectId);
      const settings = await orm.em.findOne(ProjectWidgetSettings, { project: projectId });
      return { projectId, allowedOrigins: settings?.allowedOrigins ?? [], updatedAt: settings?.updatedAt ?? null };
    },

    async updateSettings(access: Access, projectId: string, allowedOrigins: string[]) {
      const project = await projectIn(access, projectId);
      requireRole(access, 'project_admin', project.id);
      const em = orm.em;
      const settings = (await em.findOne(ProjectWidgetSettings, { project: project.id })) ?? em.create(ProjectWidgetSettings, { project, allowedOrigins: [] });
      settings.allowedOrigins = [...new Set(allowedOrigins)];
      await em.flush();
      return { projectId: project.id, allowedOrigins: settings.allowedOrigins, updatedAt: settings.updatedAt };
    },
  };
}
export type WidgetService = ReturnType<typeof createWidgetService>;
