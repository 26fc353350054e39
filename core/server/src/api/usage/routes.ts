import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { uuid } from '../schemas.ts';

const line = z.object({ usage: z.number().int(), limit: z.number().int().nullable(), planLimit: z.number().int().nullable() });
const countsSchema = z.object({
  domains: z.number().int().optional(),
  verifiedDomains: z.number().int().optional(),
  projects: z.number().int().optional(),
  mappings: z.number().int().optional(),
  apiKeys: z.number().int().optional(),
  members: z.number().int().optional(),
  webhookEndpoints: z.number().int().optional(),
  certificatesThisMonth: z.number().int().optional(),
});

export const usageSchema = z
  .object({
    organizationId: z.string(),
    projectId: z.string().nullable(),
    planId: z.string(),
    /** Usage beside the limit in force (`limit`: the plan's, or the organization setting when lower) and the plan's own. */
    resources: z.object({
      domains: line,
      verifiedDomains: line,
      projects: line,
      mappings: line,
      apiKeys: line,
      members: line,
      webhookEndpoints: line,
    }),
    period: z.object({
      monthStart: z.string(),
      certificatesIssued: line,
      checksToday: line,
      checksThisMonth: z.number().int(),
      webhooksDeliveredToday: z.number().int(),
      webhooksDeliveredThisMonth: z.number().int(),
    }),
    /** One entry per day with a record, oldest first, over the last 30 days (UTC). `counts` is null until that day's snapshot. */
    history: z.array(z.object({ day: z.string(), checks: z.number().int(), webhooksDelivered: z.number().int(), counts: countsSchema.nullable() })),
  })
  .meta({ id: 'Usage' });

export const usageRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/usage',
    tag: 'plans',
    summary: 'Usage of the organization (or one project) beside its limits, with the daily history',
    auth: 'principal',
    scope: 'projects:read',
    query: z.object({ organizationId: uuid, projectId: uuid.optional() }),
    response: usageSchema,
    async handler({ query, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, query.organizationId);
      return cradle.usageService.report(access, query.projectId);
    },
  }),
];
