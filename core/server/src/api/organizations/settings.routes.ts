import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import type { Cradle } from '../../container.ts';
import { DEFAULT_LIMITS, LIMITS, type OrganizationSettings } from '../../modules/organizations/settings.entity.ts';
import type { OrganizationSettingsChange } from '../../modules/organizations/settings-change.entity.ts';
import { settingsPatchSchema } from '../../modules/organizations/settings.service.ts';
import { organizationParams } from '../schemas.ts';

const limitsSchema = z.object({
  maxDomains: z.number().int(),
  verificationRateLimitPerMinute: z.number().int(),
  maxMappingsPerProject: z.number().int(),
  maxConcurrentVerifications: z.number().int(),
  maxAutoRetries: z.number().int(),
  autoRetryIntervalHours: z.number().int(),
});

export const settingsSchema = z
  .object({
    organizationId: z.string(),
    limits: limitsSchema,
    /** What is in use against the limits that have a usage (`usage.domains` against `limits.maxDomains`). */
    usage: z.object({ domains: z.number().int() }),
    defaults: limitsSchema,
    maxima: limitsSchema,
    updatedAt: z.string(),
  })
  .meta({ id: 'OrganizationSettings' });

export const settingsChangeSchema = z
  .object({
    id: z.string(),
    setting: z.string(),
    oldValue: z.number().int(),
    newValue: z.number().int(),
    changedBy: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'OrganizationSettingsChange' });

const MAXIMA = Object.fromEntries(Object.entries(LIMITS).map(([name, limit]) => [name, limit.max])) as z.infer<typeof limitsSchema>;

async function settingsView(settings: OrganizationSettings, cradle: Cradle) {
  return {
    organizationId: settings.organization.id,
    limits: {
      maxDomains: settings.maxDomains,
      verificationRateLimitPerMinute: settings.verificationRateLimitPerMinute,
      maxMappingsPerProject: settings.maxMappingsPerProject,
      maxConcurrentVerifications: settings.maxConcurrentVerifications,
      maxAutoRetries: settings.maxAutoRetries,
      autoRetryIntervalHours: settings.autoRetryIntervalHours,
    },
    usage: await cradle.settingsService.usage(settings.organization.id),
    defaults: DEFAULT_LIMITS,
    maxima: MAXIMA,
    updatedAt: settings.updatedAt.toISOString(),
  };
}

const changeView = (c: OrganizationSettingsChange) => ({
  id: c.id,
  setting: c.setting,
  oldValue: c.oldValue,
  newValue: c.newValue,
  changedBy: c.changedBy ? { id: c.changedBy.id, name: c.changedBy.name, email: c.changedBy.email } : null,
  createdAt: c.createdAt.toISOString(),
});

export const settingsRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/settings',
    tag: 'organizations',
    summary: 'The organization’s limits with current usage (any member)',
    auth: 'principal',
    scope: 'projects:read',
    params: organizationParams,
    response: settingsSchema,
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return settingsView(await cradle.settingsService.get(access.organizationId), cradle);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/organizations/:organizationId/settings',
    tag: 'organizations',
    summary: 'Change limits (organization owner, console session only); never below current usage',
    auth: 'session',
    params: organizationParams,
    body: settingsPatchSchema,
    response: settingsSchema,
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return settingsView(await cradle.settingsService.update(access, body), cradle);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/settings/changes',
    tag: 'organizations',
    summary: 'Audit log of limit changes, newest first (owner or admin, console session only)',
    // Console only: the log names people (email), which API keys have no need to read.
    auth: 'session',
    params: organizationParams,
    response: z.object({ data: z.array(settingsChangeSchema) }),
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return { data: (await cradle.settingsService.changes(access)).map(changeView) };
    },
  }),
];
