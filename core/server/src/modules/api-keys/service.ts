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

/** `lastUsedAt` is written at most this often per key, so reads do not turn every request into a write. */
const LAST_USED_EVERY_MS = 60_000;

/** An active key as a request sees it: what the principal and the audit log need, as plain values. */
export interface AuthenticatedKey {
  id: string;
  organizationId: string;
  /** When set, the key only reaches this project's resources. */
  projectId: string | null;
  prefix: string;
  scopes: string[];
}

/** The row `authenticate` reads (the last use as milliseconds since the epoch). */
interface KeyRow {
  id: string;
  organization_id: string;
  project_id: string | null;
  prefix: string;
  scopes: string[];
  secret_hash: string;
  revoked: boolean;
  last_used_ms: number | null;
}

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

    /**
     * The active key for a bearer token, or null: one read of plain values, fresh on every request, so a revoked
     * key is refused from the next request on. Records when it was last used (at most once a minute).
     */
    async authenticate(raw: string): Promise<AuthenticatedKey | null> {
      const parsed = parseKey(raw);
      if (!parsed) return null;
      const [row] = await orm.em.execute<KeyRow[]>(
        `select id, organization_id, project_id, prefix, scopes, secret_hash, revoked_at is not null as revoked,
                (extract(epoch from last_used_at) * 1000)::float8 as last_used_ms
           from api_keys where prefix = ?`,
        [parsed.prefix],
      );
      if (!row || row.revoked || row.secret_hash !== sha256(parsed.secret)) return null;
      const now = Date.now();
      if (row.last_used_ms === null || now - row.last_used_ms > LAST_USED_EVERY_MS) {
        await orm.em.nativeUpdate(ApiKey, { id: row.id }, { lastUsedAt: new Date(now) });
      }
      return { id: row.id, organizationId: row.organization_id, projectId: row.project_id, prefix: row.prefix, scopes: row.scopes };
    },
  };
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>;

