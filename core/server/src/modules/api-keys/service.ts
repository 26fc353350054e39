import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { notFound } from '../../errors/app-error.ts';
import type { Access } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import { User } from '../users/entity.ts';
import { sha256 } from '../sessions/service.ts';
import { ApiKey } from './entity.ts';
import type { PlanService } from '../plans/service.ts';

/** Scopes an API key can hold. Each route names the one it needs. */
export const API_KEY_SCOPES = ['domains:read', 'domains:write', 'projects:read', 'projects:write', 'dns-credentials:read', 'dns-credentials:write', 'widget-tokens:write', 'audit:read', 'webhooks:read', 'webhooks:write', 'events:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** `pk_<prefix>_<secret>`: the prefix is visible and indexed, the secret is only ever hashed. */
const parseKey = (raw: string): { prefix: string; secret: string } | null => {
  const match = /^pk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(raw);
  return match ? { prefix: match[1], secret: match[2] } : null;
};

export function createApiKeyService({ orm, planService }: { orm: MikroORM; planService: PlanService }) {
  return {
    async create(access: Access, input: { name: string; scopes: ApiKeyScope[]; projectId?: string | null }, createdBy: string | null) {
      const em = orm.em;
      let project: Project | null = null;
      if (input.projectId) {
        project = await em.findOne(Project, { id: input.projectId, organization: access.organizationId });
        if (!project) throw notFound('Project');
      }
      const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
      const secret = randomBytes(32).toString('base64url');
      const key = await em.transactional(async (tx) => {
        await planService.assertWithinPlan(tx, { organizationId: access.organizationId, resource: 'apiKeys' });
        return tx.create(ApiKey, {
          organization: tx.getReference(Organization, access.organizationId),
          project,
          createdBy: createdBy ? tx.getReference(User, createdBy) : null,
          name: input.name,
          prefix,
          secretHash: sha256(secret),
          scopes: [...new Set(input.scopes)],
        });
      });
      return { key, secret: `pk_${prefix}_${secret}` };
    },

    list(access: Access) {
      return orm.em.find(ApiKey, { organization: access.organizationId }, { orderBy: { createdAt: 'desc' } });
    },

    async revoke(access: Access, id: string): Promise<ApiKey> {
      const key = await orm.em.findOne(ApiKey, { id, organization: access.organizationId });
      if (!key) throw notFound('API key');
      key.revokedAt ??= new Date();
      await orm.em.flush();
      return key;
    },

    /** The active key for a bearer token, or null. Records when it was last used (at most once a minute). */
    async authenticate(raw: string): Promise<ApiKey | null> {
      const parsed = parseKey(raw);
      if (!parsed) return null;
      const key = await orm.em.findOne(ApiKey, { prefix: parsed.prefix });
      if (!key || key.revokedAt || key.secretHash !== sha256(parsed.secret)) return null;
      if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
        await orm.em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: new Date() });
      }
      return key;
    },
  };
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>;

