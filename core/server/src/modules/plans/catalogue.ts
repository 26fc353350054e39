import { z } from 'zod';

/**
 * What a plan limits, and where each limit is enforced. Every resource here is counted by modules/usage/counts.ts
 * and checked where it is created (402 PLAN_LIMIT_REACHED). `certificatesPerMonth` and `checksPerDay` are
 * reported beside their usage only: a certificate or a check is never withheld from a domain already held.
 */
export const PLAN_RESOURCES = {
  domains: { label: 'domains', enforced: true, description: 'Domains the organization holds (archived ones do not count).' },
  projects: { label: 'projects', enforced: true, description: 'Projects in the organization.' },
  mappingsPerProject: { label: 'mappings in one project', enforced: true, description: 'Service mappings in one project.' },
  apiKeys: { label: 'API keys', enforced: true, description: 'API keys not revoked.' },
  members: { label: 'members', enforced: true, description: 'People with a role in the organization.' },
  webhookEndpoints: { label: 'webhook endpoints', enforced: true, description: 'Webhook endpoints of the organization and its projects.' },
  certificatesPerMonth: { label: 'certificates a month', enforced: false, description: 'Certificates Portico obtained this calendar month (UTC); reported, not enforced.' },
  checksPerDay: { label: 'checks a day', enforced: false, description: 'Verification and watch checks run today (UTC); reported, not enforced.' },
} as const;
export type PlanResource = keyof typeof PLAN_RESOURCES;
export const PLAN_RESOURCE_NAMES = Object.keys(PLAN_RESOURCES) as PlanResource[];

/** The organization setting an owner may lower below the plan's limit, for the resources that have one. */
export const SETTING_FOR: Partial<Record<PlanResource, 'maxDomains' | 'maxMappingsPerProject'>> = {
  domains: 'maxDomains',
  mappingsPerProject: 'maxMappingsPerProject',
};

/** A limit: a count, or null for none. */
const limit = z.number().int().min(0).max(10_000_000).nullable();

export const planSchema = z.strictObject({
  /** Stable id stored in subscriptions: lower-case letters, digits and hyphens. */
  id: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens'),
  name: z.string().min(1).max(120),
  description: z.string().max(1000).optional(),
  /** Every limit left out is none (null). */
  limits: z.strictObject(Object.fromEntries(PLAN_RESOURCE_NAMES.map((name) => [name, limit.default(null)])) as Record<PlanResource, z.ZodDefault<typeof limit>>).prefault({}),
  /** Free-form feature flags the console may show (`custom-oidc`, `priority-support`, …). */
  features: z.array(z.string().min(1).max(64)).default([]),
});
export type Plan = z.output<typeof planSchema>;
export type PlanLimits = Plan['limits'];

/**
 * The plan every installation has unless the operator lists its own: no limit of its own, so the organization
 * settings alone limit domains and mappings, as they did before plans existed.
 */
export const DEFAULT_PLAN: Plan = planSchema.parse({
  id: 'default',
  name: 'Default',
  description: 'No plan configured: the organization settings alone limit domains and mappings.',
});

export const billingEntrySchema = z.strictObject({
  /** npm package name (resolved from the config file's folder) or a path relative to it. */
  package: z.string().min(1),
  options: z.unknown().optional(),
});

export const plansConfigSchema = z
  .strictObject({
    /** The plans offered; the first is where organizations without a subscription are. */
    list: z
      .array(planSchema)
      .min(1)
      .default([DEFAULT_PLAN])
      .refine((plans) => new Set(plans.map((plan) => plan.id)).size === plans.length, { message: 'plan ids must be unique' }),
    billing: billingEntrySchema.nullable().default(null),
  })
  .prefault({});
export type PlansConfig = z.output<typeof plansConfigSchema>;
