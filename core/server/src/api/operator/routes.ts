import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';

const page = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) });

export const operatorRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/operator/organizations',
    tag: 'operator',
    summary: 'Every organization of the installation, deleted ones included (instance operators only: 403 OPERATOR_REQUIRED)',
    auth: 'session',
    query: page,
    response: z.object({
      data: z.array(
        z.object({ id: z.string(), name: z.string(), slug: z.string(), createdAt: z.string(), deletedAt: z.string().nullable(), members: z.number().int(), domains: z.number().int() }),
      ),
      total: z.number().int(),
    }),
    handler: async ({ query, principal, cradle }) => cradle.operatorService.organizations(principal, query),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/operator/users',
    tag: 'operator',
    summary: 'Every account of the installation (instance operators only: 403 OPERATOR_REQUIRED)',
    auth: 'session',
    query: page,
    response: z.object({
      data: z.array(z.object({ id: z.string(), email: z.string(), name: z.string(), operator: z.boolean(), createdAt: z.string(), organizations: z.number().int() })),
      total: z.number().int(),
    }),
    handler: async ({ query, principal, cradle }) => cradle.operatorService.users(principal, query),
  }),
];
