import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { PLAN_RESOURCE_NAMES, type Plan } from '../../modules/plans/catalogue.ts';
import type { SubscriptionView } from '../../modules/plans/service.ts';
import { uuid } from '../schemas.ts';

const limitsSchema = z.object(Object.fromEntries(PLAN_RESOURCE_NAMES.map((name) => [name, z.number().int().nullable()])) as Record<(typeof PLAN_RESOURCE_NAMES)[number], z.ZodNullable<z.ZodNumber>>);

export const planSchema = z
  .object({ id: z.string(), name: z.string(), description: z.string().nullable(), limits: limitsSchema, features: z.array(z.string()) })
  .meta({ id: 'Plan' });

export const subscriptionSchema = z
  .object({
    organizationId: z.string(),
    plan: planSchema,
    /** A change waiting for the billing provider (the owner finishes it at `redirectUrl`); the current plan stays until then. */
    pending: z.object({ plan: planSchema, redirectUrl: z.string() }).nullable(),
    /** Limits current usage is above (after a downgrade): existing resources stay, new ones are refused. */
    overLimit: z.array(z.object({ resource: z.enum(PLAN_RESOURCE_NAMES), usage: z.number().int(), limit: z.number().int() })),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Subscription' });

const planView = (plan: Plan) => ({ id: plan.id, name: plan.name, description: plan.description ?? null, limits: plan.limits, features: plan.features });
const subscriptionView = (s: SubscriptionView) => ({ ...s, plan: planView(s.plan), pending: s.pending ? { plan: planView(s.pending.plan), redirectUrl: s.pending.redirectUrl } : null });

export const planRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/plans',
    tag: 'plans',
    summary: 'The plans this installation offers, with their limits and features',
    auth: 'principal',
    response: z.object({ data: z.array(planSchema) }),
    handler: ({ cradle }) => ({ data: cradle.planService.list().map(planView) }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/subscription',
    tag: 'plans',
    summary: 'The organization’s plan, a pending change and the limits usage is above (any member)',
    auth: 'principal',
    scope: 'projects:read',
    query: z.object({ organizationId: uuid }),
    response: subscriptionSchema,
    async handler({ query, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, query.organizationId);
      return subscriptionView(await cradle.planService.subscription(access));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/subscription',
    tag: 'plans',
    summary: 'Change the organization’s plan (owner, console session only); the billing provider may make it pending',
    auth: 'session',
    body: z.strictObject({ organizationId: uuid, planId: z.string().min(1).max(64) }),
    response: subscriptionSchema,
    async handler({ body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, body.organizationId);
      return subscriptionView(await cradle.planService.change(access, body.planId));
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/operator/subscriptions',
    tag: 'operator',
    summary: 'Put an organization on a plan without the billing step (instance operators only: 403 OPERATOR_REQUIRED)',
    auth: 'session',
    body: z.strictObject({ organizationId: uuid, planId: z.string().min(1).max(64) }),
    response: subscriptionSchema,
    handler: async ({ body, principal, cradle }) => subscriptionView(await cradle.planService.assign(principal, body.organizationId, body.planId)),
  }),
];
