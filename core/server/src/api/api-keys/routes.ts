import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { requireRole } from '../../modules/organizations/access.ts';
import { API_KEY_SCOPES } from '../../modules/api-keys/service.ts';
import type { ApiKey } from '../../modules/api-keys/entity.ts';
import { organizationParams, uuid } from '../schemas.ts';

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The visible part of the key: pk_<prefix>_…' }),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    projectId: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
const view = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes as (typeof API_KEY_SCOPES)[number][],
  projectId: k.project?.id ?? null,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

// Keys are managed from the console only: a key cannot mint or revoke keys.
export const apiKeyRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/api-keys',
    tag: 'api-keys',
    summary: 'API keys of an organization (owner or admin)',
    auth: 'session',
    params: organizationParams,
    response: z.object({ data: z.array(apiKeySchema) }),
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      requireRole(access, 'admin');
      return { data: (await cradle.apiKeyService.list(access)).map(view) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/organizations/:organizationId/api-keys',
    tag: 'api-keys',
    summary: 'Create an API key; the secret is in this response only',
    auth: 'session',
    status: 201,
    params: organizationParams,
    body: z.object({
      name: z.string().trim().min(1).max(120),
      scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
      projectId: uuid.nullable().optional(),
    }),
    response: apiKeySchema.extend({ secret: z.string().meta({ description: 'Shown once; store it now.' }) }),
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      requireRole(access, 'admin');
      const { key, secret } = await cradle.apiKeyService.create(access, body, principal.kind === 'user' ? principal.userId : null);
      return { ...view(key), secret };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/organizations/:organizationId/api-keys/:apiKeyId/revoke',
    tag: 'api-keys',
    summary: 'Revoke an API key; it stops working at once',
    auth: 'session',
    params: organizationParams.extend({ apiKeyId: uuid }),
    response: apiKeySchema,
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      requireRole(access, 'admin');
      return view(await cradle.apiKeyService.revoke(access, params.apiKeyId));
    },
  }),
];
